//! Signal rules: buffering, waits and their timeouts, races and withdrawn waits, refusals.

use rhythm_engine::scripted::{self, Script, ScriptedVm, complete, fail, suspend, task};
use rhythm_engine::{Command, Event, Rejected, Status};
use serde_json::json;

use crate::support::*;

/// Runs `Signal.next(name)` waits one after the other, optionally after a task, collecting payloads.
fn waits(count: u32, task_first: bool, timeout_at: Option<f64>) -> ScriptedVm {
    ScriptedVm::new(move |s: &mut Script, d| {
        if s.step == 0 && task_first {
            s.step = 1;
            return suspend(vec![task(100, "t", json!(null))], &[100]);
        }
        if s.step == 0 || (task_first && s.step == 1 && got(d, 100).is_some()) {
            s.step = 2;
            return suspend(vec![scripted::signal(1, "go", timeout_at)], &[1]);
        }
        let n = s.step - 1;
        match got(d, n) {
            Some(Ok(v)) => {
                s.vars
                    .entry("got".into())
                    .or_insert(json!([]))
                    .as_array_mut()
                    .unwrap()
                    .push(v);
                if n == count {
                    return complete(s.vars["got"].clone());
                }
                s.step += 1;
                suspend(vec![scripted::signal(n + 1, "go", timeout_at)], &[n + 1])
            }
            Some(Err(e)) => fail(e),
            None => suspend(vec![], &[n]),
        }
    })
}

#[test]
fn a_signal_sent_before_the_wait_is_kept() {
    let mut r = Run::new(waits(1, true, None));
    r.start();
    r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!("early"),
        },
        1.0,
    );
    assert_eq!(r.state.signals["go"].len(), 1);
    r.send(
        Event::TaskSucceeded {
            handle: h(100),
            attempt: 1,
            output: json!(null),
        },
        2.0,
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!(["early"])
        }
    );
}

#[test]
fn a_signal_sent_twice_serves_two_waits_in_order() {
    let mut r = Run::new(waits(2, true, None));
    r.start();
    r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!(1),
        },
        1.0,
    );
    r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!(2),
        },
        2.0,
    );
    r.send(
        Event::TaskSucceeded {
            handle: h(100),
            attempt: 1,
            output: json!(null),
        },
        3.0,
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!([1, 2])
        }
    );
}

#[test]
fn a_signal_wakes_a_waiting_execution_and_other_names_are_buffered() {
    let mut r = Run::new(waits(1, false, None));
    r.start();
    r.send(
        Event::SignalArrived {
            name: "other".into(),
            payload: json!(0),
        },
        1.0,
    );
    assert_eq!(r.state.status, Status::Running);
    r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!("now"),
        },
        2.0,
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!(["now"])
        }
    );
}

#[test]
fn signal_timeout_rejects_with_timeout_and_cancels_on_arrival() {
    let mut r = Run::new(waits(1, false, Some(3_600_000.0)));
    let c = r.start();
    assert!(c.contains(&Command::StartTimer {
        handle: h(1),
        fire_at: 3_600_000.0
    }));
    r.send(Event::TimerDue { handle: h(1) }, 3_600_000.0);
    let Status::Failed { error } = &r.state.status else {
        panic!()
    };
    assert_eq!(
        error,
        &json!({ "type": "Timeout", "name": "Timeout", "message": "no signal \"go\" arrived within 1h" })
    );

    let mut r = Run::new(waits(1, false, Some(3_600_000.0)));
    r.start();
    let c = r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!(1),
        },
        10.0,
    );
    assert_eq!(c[0], Command::CancelTimer { handle: h(1) });
    assert!(r.state.timers.is_empty());
}

#[test]
fn a_withdrawn_wait_consumes_nothing() {
    let mut r = Run::new(race_then_wait());
    r.start();
    r.send(Event::TimerDue { handle: h(2) }, 1000.0);
    assert!(
        !r.state
            .signal_waits
            .get("go")
            .is_some_and(|q| q.contains(&h(1)))
    );
    r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!("after"),
        },
        2000.0,
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!({ "winner": 2, "second": "after" })
        }
    );
}

#[test]
fn the_race_winner_is_the_first_to_settle_and_the_losing_timer_is_cancelled() {
    let mut r = Run::new(race_then_wait());
    r.start();
    let c = r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!("a"),
        },
        10.0,
    );
    assert!(c.contains(&Command::CancelTimer { handle: h(2) }));
    assert!(
        r.send(Event::TimerDue { handle: h(2) }, 1000.0).is_empty(),
        "stale timer ignored"
    );
    r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!("b"),
        },
        2000.0,
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!({ "winner": 1, "second": "b" })
        }
    );
}

#[test]
fn signals_and_cancels_to_a_finished_execution_are_refused() {
    let mut r = Run::new(waits(1, false, None));
    r.start();
    r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!(1),
        },
        1.0,
    );
    assert!(r.state.status.is_terminal());
    let before = r.state.clone();
    assert_eq!(
        r.try_send(
            Event::SignalArrived {
                name: "go".into(),
                payload: json!(2)
            },
            2.0
        ),
        Err(Rejected::Finished("completed"))
    );
    assert_eq!(
        r.try_send(Event::CancelRequested, 2.0),
        Err(Rejected::Finished("completed"))
    );
    assert_eq!(
        r.try_send(
            Event::TaskSucceeded {
                handle: h(9),
                attempt: 1,
                output: json!(1)
            },
            3.0
        ),
        Ok(vec![])
    );
    assert_eq!(r.state, before, "terminal states never change");
}

#[test]
fn events_before_start_are_refused() {
    let mut r = Run::new(waits(1, false, None));
    assert_eq!(
        r.try_send(Event::CancelRequested, 0.0),
        Err(Rejected::NotStarted)
    );
    r.start();
    assert_eq!(
        r.try_send(Event::Start { inputs: json!(1) }, 0.0),
        Err(Rejected::AlreadyStarted)
    );
}

#[test]
fn withdrawing_a_wait_that_took_a_signal_not_yet_handed_over_puts_the_signal_back() {
    // const w = Signal.next("go"); await Task.run("t"); withdraw w; return await Signal.next("go")
    let vm = ScriptedVm::new(|s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![scripted::signal(1, "go", None), task(2, "t", json!(null))],
                &[2],
            )
        }
        1 => {
            assert!(
                got(d, 1).is_none(),
                "the wait is not awaited, so nothing reaches it"
            );
            s.step = 2;
            suspend(
                vec![scripted::withdraw(1), scripted::signal(3, "go", None)],
                &[3],
            )
        }
        _ => match got(d, 3) {
            Some(Ok(v)) => complete(v),
            _ => suspend(vec![], &[3]),
        },
    });
    let mut r = Run::new(vm);
    r.start();
    r.send(
        Event::SignalArrived {
            name: "go".into(),
            payload: json!("kept"),
        },
        1.0,
    );
    assert!(
        r.state.signals.get("go").is_none_or(|q| q.is_empty()),
        "taken by the first wait"
    );
    r.send(
        Event::TaskSucceeded {
            handle: h(2),
            attempt: 1,
            output: json!(null),
        },
        2.0,
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!("kept")
        }
    );
}
