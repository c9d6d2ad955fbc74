//! Same events in, same state and commands out, byte for byte; terminal states never change.

use proptest::prelude::*;
use rhythm_engine::scripted::{Script, ScriptedVm, complete, suspend, task, timer};
use rhythm_engine::{Command, Engine, Event, ExecutionMeta, ExecutionState, Vm};
use rhythm_interpreter::effects::{Delivery, HandleId, RetryPolicy, TaskOptions};
use serde_json::json;

/// A program that keeps starting tasks (with retries), timers and signal waits and ends after
/// ten settlements.
fn busy() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| {
        let n = s.step;
        s.step += 1;
        let settled = s
            .received
            .iter()
            .filter(|d| matches!(d, Delivery::Settled { .. }))
            .count();
        if settled >= 10 || d.contains(&Delivery::Cancel) {
            return complete(json!(settled));
        }
        let base = n * 3 + 1;
        let options = TaskOptions {
            retries: Some(RetryPolicy {
                max: 2,
                initial_ms: 100.0,
                factor: 2.0,
                max_delay_ms: None,
            }),
            timeout_ms: Some(50.0),
            ..TaskOptions::default()
        };
        suspend(
            vec![
                rhythm_interpreter::effects::Request::RunTask {
                    handle: HandleId(base),
                    name: "t".into(),
                    inputs: json!(n),
                    options,
                },
                timer(base + 1, s.now + 10.0 * f64::from(n % 3)),
                rhythm_engine::scripted::signal(base + 2, "s", Some(s.now + 30.0)),
                task(base + 1000, "ff", json!(null)),
            ],
            &[base, base + 1, base + 2],
        )
    })
}

fn event(kind: u8, handle: u32, attempt: u32) -> Event {
    let handle = HandleId(handle);
    match kind % 6 {
        0 => Event::TaskSucceeded {
            handle,
            attempt,
            output: json!(handle.0),
        },
        1 => Event::TaskFailed {
            handle,
            attempt,
            error: json!({ "message": "x" }),
        },
        2 => Event::TaskTimedOut { handle, attempt },
        3 => Event::TimerDue { handle },
        4 => Event::SignalArrived {
            name: "s".into(),
            payload: json!(attempt),
        },
        _ => Event::CancelRequested,
    }
}

fn run(events: &[(u8, u32, u32)]) -> (Vec<u8>, Vec<Command>) {
    let vm = busy();
    let engine = Engine::default();
    let mut state = ExecutionState::new(ExecutionMeta {
        execution_id: "e".into(),
        workflow_name: "w".into(),
        version: "v".into(),
        random_seed: 9,
    });
    let mut commands = engine
        .apply(
            &mut state,
            &vm as &dyn Vm,
            Event::Start {
                inputs: json!(null),
            },
            0.0,
        )
        .unwrap();
    let mut ended: Option<ExecutionState> = None;
    for (i, (kind, handle, attempt)) in events.iter().enumerate() {
        if let Ok(c) = engine.apply(
            &mut state,
            &vm,
            event(*kind, *handle, *attempt),
            (i * 7) as f64,
        ) {
            commands.extend(c);
        }
        if let Some(end) = &ended {
            assert_eq!(&state, end, "a terminal state changed");
        } else if state.status.is_terminal() {
            ended = Some(state.clone());
        }
    }
    (state.to_bytes().unwrap(), commands)
}

proptest! {
    #[test]
    fn same_events_same_bytes(events in proptest::collection::vec((0u8..6, 1u32..20, 1u32..4), 0..60)) {
        let (a_state, a_cmds) = run(&events);
        let (b_state, b_cmds) = run(&events);
        prop_assert_eq!(a_state, b_state);
        prop_assert_eq!(
            serde_json::to_vec(&a_cmds).unwrap(),
            serde_json::to_vec(&b_cmds).unwrap()
        );
    }
}
