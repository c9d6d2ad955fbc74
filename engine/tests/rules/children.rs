//! Child workflows and logs.

use rhythm_engine::scripted::{Script, ScriptedVm, complete, fail, suspend};
use rhythm_engine::{ChildOutcome, Command, Event, Status};
use rhythm_interpreter::effects::{Request, WorkflowOptions};
use serde_json::json;

use crate::support::*;

pub(crate) fn child_vm() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![Request::StartWorkflow {
                    handle: h(1),
                    name: "publish".into(),
                    inputs: json!({ "n": 1 }),
                    options: WorkflowOptions::default(),
                }],
                &[1],
            )
        }
        _ => match got(d, 1) {
            Some(Ok(v)) => complete(v),
            Some(Err(e)) => fail(e),
            None => suspend(vec![], &[1]),
        },
    })
}

#[test]
fn children_start_by_command_and_failures_throw_workflow_failed() {
    let mut r = Run::new(child_vm());
    let c = r.start();
    assert_eq!(
        c,
        vec![Command::StartChild {
            handle: h(1),
            name: "publish".into(),
            inputs: json!({ "n": 1 }),
            options: WorkflowOptions::default()
        }]
    );
    let cause = json!({ "type": "Error", "name": "Error", "message": "disk full" });
    r.send(
        Event::ChildFinished {
            handle: h(1),
            execution_id: "e2".into(),
            outcome: ChildOutcome::Failed {
                error: cause.clone(),
            },
        },
        5.0,
    );
    let Status::Failed { error } = &r.state.status else {
        panic!()
    };
    assert_eq!(error["type"], "WorkflowFailed");
    assert_eq!(error["name"], "WorkflowFailed");
    assert_eq!(error["workflow"], "publish");
    assert_eq!(error["executionId"], "e2");
    assert_eq!(error["cause"], cause);

    let mut r = Run::new(child_vm());
    r.start();
    r.send(
        Event::ChildFinished {
            handle: h(1),
            execution_id: "e2".into(),
            outcome: ChildOutcome::Completed { output: json!(3) },
        },
        5.0,
    );
    assert_eq!(r.state.status, Status::Completed { output: json!(3) });
}

#[test]
fn logs_become_log_commands() {
    let vm = ScriptedVm::new(|s: &mut Script, _| {
        s.log("hello");
        s.log("world");
        complete(json!(null))
    });
    let mut r = Run::new(vm);
    assert_eq!(
        r.start(),
        vec![
            Command::Log {
                line: "hello".into()
            },
            Command::Log {
                line: "world".into()
            },
            Command::Complete {
                output: json!(null)
            }
        ]
    );
}
