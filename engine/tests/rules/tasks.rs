//! Task rules: outputs, retries with backoff and jitter, task definitions, timeouts, fire-and-
//! forget.

use rhythm_engine::scripted::{Script, ScriptedVm, complete, suspend, task};
use rhythm_engine::{Command, Event, Status, TaskDefinitions};
use rhythm_interpreter::effects::{RetryPolicy, TaskOptions};
use serde_json::json;

use crate::support::*;

#[test]
fn task_output_completes_the_execution() {
    let mut r = Run::new(one_task(TaskOptions::default()));
    assert_eq!(queued(&r.start()), vec![(1, 1, 0.0, None)]);
    let cmds = r.send(
        Event::TaskSucceeded {
            handle: h(1),
            attempt: 1,
            output: json!({ "id": "p" }),
        },
        5.0,
    );
    assert_eq!(
        cmds,
        vec![Command::Complete {
            output: json!({ "id": "p" })
        }]
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!({ "id": "p" })
        }
    );
}

#[test]
fn default_is_one_attempt_then_task_failed() {
    let mut r = Run::new(one_task(TaskOptions::default()));
    r.start();
    let cmds = r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 1,
            error: json!({ "type": "Boom", "message": "no" }),
        },
        1.0,
    );
    let Status::Failed { error } = &r.state.status else {
        panic!("{:?}", r.state.status)
    };
    assert_eq!(error["type"], "TaskFailed");
    assert_eq!(error["name"], "TaskFailed");
    assert_eq!(error["task"], "pay");
    assert_eq!(error["attempts"], 1);
    assert_eq!(
        error["cause"],
        json!({ "type": "Boom", "message": "no", "name": "Boom" })
    );
    assert!(matches!(cmds.last(), Some(Command::Fail { .. })));
}

pub(crate) fn retrying(
    max: u32,
    max_delay_ms: Option<f64>,
    timeout_ms: Option<f64>,
) -> TaskOptions {
    TaskOptions {
        retries: Some(RetryPolicy {
            max,
            initial_ms: 1000.0,
            factor: 2.0,
            max_delay_ms,
        }),
        timeout_ms,
        ..TaskOptions::default()
    }
}

#[test]
fn retries_back_off_exponentially_then_fail_with_the_last_cause() {
    let mut r = Run::new(one_task(retrying(3, Some(3000.0), None)));
    r.start();
    let err = |n: u32| json!({ "type": "Flaky", "message": format!("try {n}") });
    let c = r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 1,
            error: err(1),
        },
        10.0,
    );
    assert_eq!(queued(&c), vec![(1, 2, 1010.0, None)]);
    let c = r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 2,
            error: err(2),
        },
        1010.0,
    );
    assert_eq!(queued(&c), vec![(1, 3, 3010.0, None)]);
    let c = r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 3,
            error: err(3),
        },
        3010.0,
    );
    assert_eq!(queued(&c), vec![(1, 4, 6010.0, None)], "capped at maxDelay");
    r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 4,
            error: err(4),
        },
        6010.0,
    );
    let Status::Failed { error } = &r.state.status else {
        panic!()
    };
    assert_eq!(error["attempts"], 4);
    assert_eq!(error["cause"]["message"], "try 4");
}

#[test]
fn a_retry_that_succeeds_delivers_its_output() {
    let mut r = Run::new(one_task(retrying(2, None, None)));
    r.start();
    r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 1,
            error: json!({}),
        },
        0.0,
    );
    r.send(
        Event::TaskSucceeded {
            handle: h(1),
            attempt: 2,
            output: json!(7),
        },
        1000.0,
    );
    assert_eq!(r.state.status, Status::Completed { output: json!(7) });
}

fn pay_defaults() -> TaskDefinitions {
    TaskDefinitions::from_manifest(
        r#"{"tasks": [{"name": "pay", "retries": 1, "timeout": "30s", "queue": "payments"}]}"#,
    )
    .unwrap()
}

#[test]
fn a_task_definition_fills_the_options_a_call_leaves_out() {
    let mut r = Run::new(one_task(TaskOptions::default()));
    r.engine = r.engine.clone().with_task_defaults(pay_defaults());
    let c = r.start();
    assert_eq!(queued(&c), vec![(1, 1, 0.0, Some(30_000.0))]);
    let Some(Command::QueueTask(attempt)) = c.first() else {
        panic!("{c:?}")
    };
    assert_eq!(attempt.queue.as_deref(), Some("payments"));
    let c = r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 1,
            error: json!({ "type": "Flaky" }),
        },
        10.0,
    );
    assert_eq!(
        queued(&c),
        vec![(1, 2, 1010.0, Some(31_010.0))],
        "retried by the definition's policy"
    );
}

#[test]
fn a_call_s_own_options_win_over_the_definition() {
    let own = TaskOptions {
        retries: Some(RetryPolicy::count(0)),
        timeout_ms: Some(5000.0),
        queue: Some("fast".into()),
        ..TaskOptions::default()
    };
    let mut r = Run::new(one_task(own));
    r.engine = r.engine.clone().with_task_defaults(pay_defaults());
    let c = r.start();
    assert_eq!(queued(&c), vec![(1, 1, 0.0, Some(5000.0))]);
    let Some(Command::QueueTask(attempt)) = c.first() else {
        panic!("{c:?}")
    };
    assert_eq!(attempt.queue.as_deref(), Some("fast"));
    r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 1,
            error: json!({ "type": "Boom" }),
        },
        10.0,
    );
    assert!(
        matches!(r.state.status, Status::Failed { .. }),
        "retries: 0 means one attempt"
    );
}

#[test]
fn jitter_is_seeded_and_shortens_delays() {
    let run = || {
        let mut r = Run::new(one_task(retrying(5, None, None)));
        r.engine.config.retry_jitter = 0.5;
        r.start();
        let mut times = vec![];
        for attempt in 1..=5 {
            let now = queued(&r.log).last().unwrap().2;
            let c = r.send(
                Event::TaskFailed {
                    handle: h(1),
                    attempt,
                    error: json!({}),
                },
                now,
            );
            times.push(queued(&c)[0].2 - now);
        }
        times
    };
    let a = run();
    assert_eq!(a, run());
    for (i, d) in a.iter().enumerate() {
        let base = 1000.0 * 2f64.powi(i as i32);
        assert!(*d <= base && *d >= base / 2.0 - 1.0, "{d} {base}");
    }
    assert!(
        a.iter()
            .enumerate()
            .any(|(i, d)| *d != 1000.0 * 2f64.powi(i as i32))
    );
}

#[test]
fn a_timed_out_attempt_is_a_timeout_failure_and_its_late_result_is_ignored() {
    let mut r = Run::new(one_task(retrying(1, None, Some(5000.0))));
    assert_eq!(queued(&r.start()), vec![(1, 1, 0.0, Some(5000.0))]);
    let c = r.send(
        Event::TaskTimedOut {
            handle: h(1),
            attempt: 1,
        },
        5000.0,
    );
    assert_eq!(queued(&c), vec![(1, 2, 6000.0, Some(11000.0))]);
    // The first attempt's late result is stale.
    assert!(
        r.send(
            Event::TaskSucceeded {
                handle: h(1),
                attempt: 1,
                output: json!(1)
            },
            5500.0
        )
        .is_empty()
    );
    r.send(
        Event::TaskTimedOut {
            handle: h(1),
            attempt: 2,
        },
        11000.0,
    );
    let Status::Failed { error } = &r.state.status else {
        panic!()
    };
    assert_eq!(error["type"], "TaskFailed");
    assert_eq!(error["cause"]["type"], "Timeout");
    assert_eq!(error["cause"]["name"], "Timeout");
    assert_eq!(
        error["cause"]["message"],
        "attempt 2 of task \"pay\" timed out after 5s"
    );
}

#[test]
fn fire_and_forget_tasks_still_run_and_their_results_are_dropped() {
    let vm = ScriptedVm::new(|s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![
                    task(1, "send-invite", json!(null)),
                    task(2, "main", json!(null)),
                ],
                &[2],
            )
        }
        _ => match got(d, 2) {
            Some(Ok(v)) => complete(v),
            _ => suspend(vec![], &[2]),
        },
    });
    let mut r = Run::new(vm);
    let c = r.start();
    assert_eq!(queued(&c).len(), 2);
    r.send(
        Event::TaskSucceeded {
            handle: h(1),
            attempt: 1,
            output: json!("ignored"),
        },
        1.0,
    );
    assert_eq!(r.state.status, Status::Running, "not awaited: no resume");
    r.send(
        Event::TaskSucceeded {
            handle: h(2),
            attempt: 1,
            output: json!("done"),
        },
        2.0,
    );
    assert_eq!(
        r.state.status,
        Status::Completed {
            output: json!("done")
        }
    );
    // Its result after the end changes nothing.
    assert!(
        r.send(
            Event::TaskFailed {
                handle: h(1),
                attempt: 1,
                error: json!({})
            },
            3.0
        )
        .is_empty()
    );
}
