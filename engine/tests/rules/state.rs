//! The saved state: corrupt or missing VM state, and its byte and JSON forms.

use rhythm_engine::{Engine, Event, ExecutionMeta, ExecutionState, Status, Vm};
use rhythm_interpreter::effects::{Delivery, Outcome, TaskOptions};
use serde_json::{Value as Json, json};

use crate::support::*;

#[test]
fn a_corrupt_vm_state_fails_the_execution_with_a_state_error() {
    let mut r = Run::new(one_task(TaskOptions::default()));
    r.start();
    r.state.vm_state = Some(b"not json".to_vec());
    r.send(
        Event::TaskSucceeded {
            handle: h(1),
            attempt: 1,
            output: json!(1),
        },
        1.0,
    );
    let Status::Failed { error } = &r.state.status else {
        panic!()
    };
    assert_eq!(error["type"], "StateError");
}

#[test]
fn a_suspension_without_state_fails_cleanly() {
    struct Broken;
    impl Vm for Broken {
        fn start(&self, _: Json, _: &rhythm_engine::VmContext) -> rhythm_engine::VmStep {
            rhythm_engine::VmStep {
                outcome: Outcome::Suspended {
                    requests: vec![],
                    waiting_on: vec![],
                },
                state: None,
                logs: vec![],
                detached: vec![],
            }
        }
        fn resume(
            &self,
            _: &[u8],
            _: Vec<Delivery>,
            _: &rhythm_engine::VmContext,
        ) -> Result<rhythm_engine::VmStep, rhythm_engine::VmError> {
            Err(rhythm_engine::VmError("never".into()))
        }
    }
    let mut state = ExecutionState::new(ExecutionMeta {
        execution_id: "x".into(),
        workflow_name: "w".into(),
        version: "v".into(),
        random_seed: 0,
    });
    Engine::default()
        .apply(
            &mut state,
            &Broken,
            Event::Start {
                inputs: json!(null),
            },
            0.0,
        )
        .unwrap();
    assert_eq!(state.status.name(), "failed");
}

#[test]
fn the_state_round_trips_through_bytes() {
    let mut r = Run::new(race_then_wait());
    r.start();
    let bytes = r.state.to_bytes().unwrap();
    assert_eq!(ExecutionState::from_bytes(&bytes).unwrap(), r.state);
}

#[test]
fn the_vm_state_is_hex_in_json() {
    let mut r = Run::new(race_then_wait());
    r.start();
    let text = String::from_utf8(r.state.to_bytes().unwrap()).unwrap();
    let vm = r.state.vm_state.clone().unwrap();
    assert!(
        text.contains(&format!("\"vm_state\":\"{}\"", hex_of(&vm))),
        "{text}"
    );
    assert_eq!(
        ExecutionState::from_bytes(text.as_bytes()).unwrap(),
        r.state
    );
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
