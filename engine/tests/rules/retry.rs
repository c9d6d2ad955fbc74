//! Operator retry: a new attempt of what failed for good, on the state saved at the last await.

use rhythm_engine::{ChildOutcome, Command, Event, Status};
use rhythm_interpreter::effects::TaskOptions;
use serde_json::json;

use crate::children::child_vm;
use crate::support::*;
use crate::tasks::retrying;
use crate::timers::timers_at;

/// The state a failed execution keeps (the one saved at its last await) gets a new attempt of
/// the task call that failed for good; the failure the failing step saw, delivered again, is
/// the old attempt's and is ignored; the new attempt's output completes the execution.
#[test]
fn retry_starts_a_new_attempt_of_the_task_that_failed_for_good() {
    let mut r = Run::new(one_task(retrying(1, None, None)));
    r.start();
    r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 1,
            error: json!({ "type": "Boom", "message": "1" }),
        },
        1.0,
    );
    // The state saved at the await, before the step that failed for good.
    let saved = r.state.clone();
    r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 2,
            error: json!({ "type": "Boom", "message": "2" }),
        },
        2.0,
    );
    assert!(matches!(r.state.status, Status::Failed { .. }));

    // Retry, on the saved state.
    r.state = saved;
    let retry = Event::Retry {
        failed_tasks: vec![(h(1), 2), (h(9), 1)],
        failed_children: vec![],
    };
    assert_eq!(queued(&r.send(retry, 100.0)), vec![(1, 3, 100.0, None)]);
    // What the failing step consumed, replayed: the old attempt's failure is ignored.
    let stale = Event::TaskFailed {
        handle: h(1),
        attempt: 2,
        error: json!({ "type": "Boom", "message": "2" }),
    };
    assert!(r.send(stale, 101.0).is_empty());
    // A second retry naming the old attempt starts nothing: no attempt runs twice.
    let again = Event::Retry {
        failed_tasks: vec![(h(1), 2)],
        failed_children: vec![],
    };
    assert!(queued(&r.send(again, 102.0)).is_empty());
    let done = Event::TaskSucceeded {
        handle: h(1),
        attempt: 3,
        output: json!("fixed"),
    };
    assert_eq!(
        r.send(done, 103.0),
        vec![Command::Complete {
            output: json!("fixed")
        }]
    );
}

/// A retried attempt that fails again fails the execution again (a retry is one new attempt).
#[test]
fn a_retried_attempt_that_fails_again_fails_the_execution() {
    let mut r = Run::new(one_task(TaskOptions::default()));
    r.start();
    let retry = Event::Retry {
        failed_tasks: vec![(h(1), 1)],
        failed_children: vec![],
    };
    assert_eq!(queued(&r.send(retry, 10.0)), vec![(1, 2, 10.0, None)]);
    r.send(
        Event::TaskFailed {
            handle: h(1),
            attempt: 2,
            error: json!({ "type": "Boom", "message": "again" }),
        },
        11.0,
    );
    let Status::Failed { error } = &r.state.status else {
        panic!("{:?}", r.state.status)
    };
    assert_eq!(error["attempts"], 2);
}

/// A failed child still awaited is retried by command; its new result settles the await.
#[test]
fn retry_retries_a_failed_child_still_awaited() {
    let mut r = Run::new(child_vm());
    r.start();
    let retry = Event::Retry {
        failed_tasks: vec![],
        failed_children: vec![h(1), h(7)],
    };
    assert_eq!(
        r.send(retry, 10.0),
        vec![Command::RetryChild { handle: h(1) }]
    );
    r.send(
        Event::ChildFinished {
            handle: h(1),
            execution_id: "e2".into(),
            outcome: ChildOutcome::Completed { output: json!(4) },
        },
        11.0,
    );
    assert_eq!(r.state.status, Status::Completed { output: json!(4) });
}

/// Retry starts the execution's timers again (the shell dropped them when it failed).
#[test]
fn retry_starts_the_timers_again() {
    let mut r = Run::new(timers_at(vec![500.0]));
    r.start();
    let retry = Event::Retry {
        failed_tasks: vec![],
        failed_children: vec![],
    };
    let cmds = r.send(retry, 10.0);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::StartTimer { fire_at, .. } if *fire_at == 500.0)),
        "{cmds:?}"
    );
}
