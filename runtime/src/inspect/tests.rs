use chrono::{Duration, TimeZone};
use serde_json::json;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 8, 12, 0, 0)
        .single()
        .expect("a time")
}

fn task(attempt: Option<AttemptState>, error: Option<Json>) -> Execution {
    Execution {
        id: "t1".into(),
        kind: Kind::Task,
        name: "process-payment".into(),
        status: Status::Running,
        inputs: json!({}),
        output: None,
        error,
        parent_id: None,
        queue: "default".into(),
        priority: 0,
        content_hash: None,
        created_at: now() - Duration::seconds(90),
        completed_at: None,
        attempt,
        waiting_for_signals: Vec::new(),
        paused: None,
    }
}

fn worker(id: &str, tasks: &[&str], beat_secs_ago: i64) -> WorkerInfo {
    WorkerInfo {
        id: id.into(),
        host: "box".into(),
        pid: 42,
        queues: vec!["default".into()],
        tasks: tasks.iter().map(|t| (*t).to_owned()).collect(),
        workflows: false,
        sdk: "python 3.11".into(),
        version: "0.1.0".into(),
        started_at: now() - Duration::hours(1),
        heartbeat_at: now() - Duration::seconds(beat_secs_ago),
        stopped_at: None,
        heartbeat_age_secs: beat_secs_ago as f64,
        live: beat_secs_ago < WORKER_LOST_AFTER_SECS,
    }
}

fn inspect(execution: Execution, workers: Vec<WorkerInfo>) -> Inspection {
    let data = InspectData {
        execution,
        source: None,
        version_first_seen: None,
        state: None,
        children: Vec::new(),
        logs: Vec::new(),
        history: Vec::new(),
        workers,
        now: now(),
        paused_queues: Vec::new(),
    };
    build(data, None, RenderLimits::default())
}

#[test]
fn a_queued_task_that_no_live_worker_serves_says_so() {
    let queued = Some(AttemptState::Queued {
        attempt: 1,
        run_at: now() - Duration::seconds(90),
    });
    // A worker for another task, and a lost one for this task.
    let i = inspect(
        task(queued, None),
        vec![
            worker("w1", &["other"], 1),
            worker("w2", &["process-payment"], 300),
        ],
    );
    assert_eq!(i.status, "queued");
    let w = &i.waiting_on[0];
    assert_eq!(w.kind, "task");
    assert_eq!(
        w.reason,
        "queued on queue default for 90 s, and no live worker serves task process-payment on default"
    );
}

#[test]
fn a_claimed_task_names_its_worker_and_heartbeat() {
    let leased = Some(AttemptState::Leased {
        attempt: 2,
        worker_id: "w1".into(),
        lease_expires_at: now(),
        deadline_at: None,
    });
    let i = inspect(
        task(leased, None),
        vec![worker("w1", &["process-payment"], 4)],
    );
    assert_eq!(i.status, "running");
    assert_eq!(
        i.waiting_on[0].reason,
        "attempt 2 claimed by worker w1 (box, pid 42) whose last heartbeat is 4 s old"
    );
}

#[test]
fn a_backing_off_task_names_the_failure() {
    let backing_off = Some(AttemptState::Queued {
        attempt: 3,
        run_at: now() + Duration::seconds(30),
    });
    let error = Some(json!({"type": "ConnectionError", "message": "refused"}));
    let i = inspect(task(backing_off, error), Vec::new());
    let w = &i.waiting_on[0];
    assert!(
        w.reason
            .starts_with("backing off until 2026-12-08 12:00:30")
            && w.reason
                .ends_with("after attempt 2 failed with ConnectionError: refused"),
        "{}",
        w.reason
    );
    assert_eq!(w.due_at, Some(now() + Duration::seconds(30)));
}

#[test]
fn a_queued_step_without_a_workflow_worker_says_so() {
    let mut e = task(
        Some(AttemptState::Queued {
            attempt: 1,
            run_at: now() - Duration::seconds(5),
        }),
        None,
    );
    e.kind = Kind::Workflow;
    e.name = "process_order".into();
    let i = inspect(e, vec![worker("w1", &["process-payment"], 1)]);
    assert_eq!(i.status, "running");
    assert_eq!(i.waiting_on[0].kind, "step");
    assert!(
        i.waiting_on[0]
            .reason
            .contains("no live workflow worker serves that queue")
    );
}

#[test]
fn a_paused_execution_and_a_paused_queue_say_who_paused_them() {
    let queued = Some(AttemptState::Queued {
        attempt: 1,
        run_at: now() - Duration::seconds(90),
    });
    let mut e = task(queued, None);
    e.paused = Some(Paused {
        by: "ada@box".into(),
        reason: Some("incident 42".into()),
        at: now() - Duration::seconds(30),
    });
    let data = InspectData {
        execution: e,
        source: None,
        version_first_seen: None,
        state: None,
        children: Vec::new(),
        logs: Vec::new(),
        history: Vec::new(),
        workers: vec![worker("w1", &["process-payment"], 1)],
        now: now(),
        paused_queues: vec![QueuePause {
            queue: "default".into(),
            paused: Paused {
                by: "bob@box".into(),
                reason: None,
                at: now() - Duration::seconds(60),
            },
        }],
    };
    let i = build(data, None, RenderLimits::default());
    assert_eq!(i.status, "paused");
    assert_eq!(i.waiting_on[0].kind, "paused");
    assert_eq!(
        i.waiting_on[0].reason,
        "paused by ada@box at 2026-12-08 11:59:30 UTC: incident 42"
    );
    assert_eq!(
        i.waiting_on[1].reason,
        "queue default is paused (paused by bob@box at 2026-12-08 11:59:00 UTC)"
    );
}
