//! Timer rules: due times in the past, and the order of timers due together.

use rhythm_engine::scripted::{Script, ScriptedVm, complete, suspend, timer};
use rhythm_engine::{Command, Event, Status};
use rhythm_interpreter::effects::Delivery;
use serde_json::json;

use crate::support::*;

/// Awaits Promise.all over timers at the given instants; returns the order they were handed over.
pub(crate) fn timers_at(instants: Vec<f64>) -> ScriptedVm {
    ScriptedVm::new(move |s: &mut Script, d| {
        let all: Vec<u32> = (1..=instants.len() as u32).collect();
        if s.step == 0 {
            s.step = 1;
            let reqs = instants
                .iter()
                .zip(&all)
                .map(|(at, h)| timer(*h, *at))
                .collect();
            return suspend(reqs, &all);
        }
        let _ = d;
        let order: Vec<u32> = s
            .received
            .iter()
            .filter_map(|d| match d {
                Delivery::Settled { handle, .. } => Some(handle.0),
                Delivery::Cancel => None,
            })
            .collect();
        if order.len() == all.len() {
            complete(json!(order))
        } else {
            let rest: Vec<u32> = all.iter().copied().filter(|h| !order.contains(h)).collect();
            suspend(vec![], &rest)
        }
    })
}

#[test]
fn timers_at_zero_or_in_the_past_fire_at_once() {
    let mut r = Run::new(timers_at(vec![0.0, -5000.0]));
    let c = r.start();
    assert!(!c.iter().any(|c| matches!(c, Command::StartTimer { .. })));
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!([1, 2])
        }
    );
}

#[test]
fn timers_due_at_the_same_instant_fire_by_time_then_handle() {
    let mut r = Run::new(timers_at(vec![2000.0, 1000.0, 1000.0, 2000.0, 500.0]));
    r.start();
    let due = r.state.due_timers(5000.0);
    assert_eq!(due, vec![h(5), h(2), h(3), h(1), h(4)]);
    assert_eq!(r.state.next_timer(), Some((500.0, h(5))));
    for handle in due {
        r.send(Event::TimerDue { handle }, 5000.0);
    }
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!([5, 2, 3, 1, 4])
        }
    );
}
