//! Cancellation rules: withdrawn work, children, cleanup, caught and uncaught cancels.

use rhythm_engine::scripted::{self, Script, ScriptedVm, complete, fail, suspend, task, timer};
use rhythm_engine::{Command, Event, Status};
use rhythm_interpreter::effects::{Delivery, Request, WorkflowOptions};
use serde_json::json;

use crate::support::*;

/// try { await [task 1, child 2, timer 3] } catch (e) { await Task.run("cleanup") ; throw e }
fn cancellable(rethrow: bool) -> ScriptedVm {
    ScriptedVm::new(move |s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![
                    task(1, "work", json!(null)),
                    Request::StartWorkflow {
                        handle: h(2),
                        name: "child".into(),
                        inputs: json!({}),
                        options: WorkflowOptions::default(),
                    },
                    timer(3, 10_000.0),
                ],
                &[1, 2, 3],
            )
        }
        1 => {
            if d.contains(&Delivery::Cancel) {
                s.step = 2;
                return suspend(vec![task(4, "cleanup", json!(null))], &[4]);
            }
            suspend(vec![], &[1, 2, 3])
        }
        _ => match got(d, 4) {
            Some(_) if rethrow => fail(json!({ "type": "Cancelled", "message": "cancelled" })),
            Some(_) => complete(json!("cleaned")),
            None => suspend(vec![], &[4]),
        },
    })
}

#[test]
fn cancel_withdraws_work_propagates_to_children_and_runs_cleanup() {
    let mut r = Run::new(cancellable(true));
    r.start();
    let c = r.send(Event::CancelRequested, 100.0);
    assert!(c.contains(&Command::WithdrawTask {
        handle: h(1),
        attempt: 1
    }));
    assert!(c.contains(&Command::CancelChild { handle: h(2) }));
    assert!(c.contains(&Command::CancelTimer { handle: h(3) }));
    assert_eq!(queued(&c), vec![(4, 1, 100.0, None)], "cleanup task queued");
    assert!(
        r.send(Event::CancelRequested, 101.0).is_empty(),
        "second cancel ignored"
    );
    assert!(
        r.send(
            Event::TaskSucceeded {
                handle: h(1),
                attempt: 1,
                output: json!(1)
            },
            102.0
        )
        .is_empty()
    );
    let c = r.send(
        Event::TaskSucceeded {
            handle: h(4),
            attempt: 1,
            output: json!(null),
        },
        200.0,
    );
    assert!(matches!(c.last(), Some(Command::Cancelled { .. })));
    assert_eq!(r.state.status.name(), "cancelled");
}

#[test]
fn a_caught_cancel_may_complete_the_execution() {
    let mut r = Run::new(cancellable(false));
    r.start();
    r.send(Event::CancelRequested, 1.0);
    r.send(
        Event::TaskSucceeded {
            handle: h(4),
            attempt: 1,
            output: json!(null),
        },
        2.0,
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!("cleaned")
        }
    );
}

#[test]
fn an_uncaught_cancel_ends_the_execution_as_cancelled() {
    let vm = ScriptedVm::new(|s: &mut Script, d| {
        if s.step == 0 {
            s.step = 1;
            return suspend(vec![scripted::signal(1, "never", None)], &[1]);
        }
        if d.contains(&Delivery::Cancel) {
            return fail(rhythm_engine::errors::cancelled());
        }
        suspend(vec![], &[1])
    });
    let mut r = Run::new(vm);
    r.start();
    r.send(Event::CancelRequested, 1.0);
    assert_eq!(
        r.state.status,
        Status::Cancelled {
            error: rhythm_engine::errors::cancelled()
        }
    );
    assert_eq!(r.state.status.name(), "cancelled");
}
