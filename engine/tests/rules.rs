//! Every engine rule, exercised with a scripted VM.

use rhythm_engine::scripted::{self, Script, ScriptedVm, complete, fail, suspend, task, timer};
use rhythm_engine::{
    ChildOutcome, Command, Engine, EngineConfig, Event, ExecutionMeta, ExecutionState, Rejected,
    Status, TaskDefinitions, Vm,
};
use rhythm_interpreter::effects::{
    Delivery, HandleId, Outcome, Request, RetryPolicy, Settlement, TaskOptions, WorkflowOptions,
};
use serde_json::{Value as Json, json};

struct Run {
    engine: Engine,
    vm: ScriptedVm,
    state: ExecutionState,
    log: Vec<Command>,
}

impl Run {
    fn new(vm: ScriptedVm) -> Self {
        let meta = ExecutionMeta {
            execution_id: "e1".into(),
            workflow_name: "wf".into(),
            version: "v".into(),
            random_seed: 42,
        };
        Run {
            engine: Engine::new(EngineConfig { retry_jitter: 0.0 }),
            vm,
            state: ExecutionState::new(meta),
            log: Vec::new(),
        }
    }
    fn send(&mut self, event: Event, now: f64) -> Vec<Command> {
        let cmds = self.try_send(event, now).unwrap();
        self.log.extend(cmds.clone());
        cmds
    }
    fn try_send(&mut self, event: Event, now: f64) -> Result<Vec<Command>, Rejected> {
        self.engine
            .apply(&mut self.state, &self.vm as &dyn Vm, event, now)
    }
    fn start(&mut self) -> Vec<Command> {
        self.send(Event::Start { inputs: json!({}) }, 0.0)
    }
}

fn h(n: u32) -> HandleId {
    HandleId(n)
}

/// The value the script was handed for `handle` (or the error).
fn got(d: &[Delivery], handle: u32) -> Option<Result<Json, Json>> {
    d.iter().find_map(|d| match d {
        Delivery::Settled {
            handle: x,
            settlement,
        } if *x == h(handle) => Some(match settlement {
            Settlement::Fulfilled(v) => Ok(v.clone()),
            Settlement::Rejected(e) => Err(e.clone()),
        }),
        _ => None,
    })
}

/// await Task.run(name, {}, options); return its result (or throw its error).
fn one_task(options: TaskOptions) -> ScriptedVm {
    ScriptedVm::new(move |s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![Request::RunTask {
                    handle: h(1),
                    name: "pay".into(),
                    inputs: json!({ "x": 1 }),
                    options: options.clone(),
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

fn queued(cmds: &[Command]) -> Vec<(u32, u32, f64, Option<f64>)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::QueueTask(a) => Some((a.handle.0, a.attempt, a.run_at, a.timeout_at)),
            _ => None,
        })
        .collect()
}

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

fn retrying(max: u32, max_delay_ms: Option<f64>, timeout_ms: Option<f64>) -> TaskOptions {
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

/// Race a signal wait (1) against a timer (2); the loser is withdrawn; then wait for the signal again (3).
fn race_then_wait() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![scripted::signal(1, "go", None), timer(2, s.now + 1000.0)],
                &[1, 2],
            )
        }
        1 => {
            let first = match &d[0] {
                Delivery::Settled { handle, .. } => handle.0,
                Delivery::Cancel => 0,
            };
            s.vars.insert("winner".into(), json!(first));
            s.step = 2;
            let loser = if first == 1 { 2 } else { 1 };
            suspend(
                vec![scripted::withdraw(loser), scripted::signal(3, "go", None)],
                &[3],
            )
        }
        _ => match got(d, 3) {
            Some(Ok(v)) => complete(json!({ "winner": s.vars["winner"], "second": v })),
            _ => suspend(vec![], &[3]),
        },
    })
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

/// Awaits Promise.all over timers at the given instants; returns the order they were handed over.
fn timers_at(instants: Vec<f64>) -> ScriptedVm {
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

fn child_vm() -> ScriptedVm {
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
