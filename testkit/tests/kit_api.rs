//! The kit's Rust API, on scripted workflows.

mod support;

use rhythm_engine::EngineConfig;
use rhythm_testkit::{Kit, KitError, KitStatus, Stub, StubResult};
use serde_json::json;

const H: f64 = 3_600_000.0;

fn kit() -> Kit {
    let mut registry = support::registry();
    for name in [
        "order", "retry", "parent", "child", "sleeper", "forever", "random",
    ] {
        registry.add(name, &format!("script {name}"));
    }
    Kit::new(registry).with_engine_config(EngineConfig { retry_jitter: 0.0 })
}

#[test]
fn approval_in_time_completes_and_records_calls_logs_and_timeline() {
    let mut kit = kit();
    kit.stub_task("process-payment", Stub::output(json!({ "id": "pay_1" })));
    let id = kit
        .start(
            "order",
            json!({ "total": 42, "userId": "u1", "orderId": "o1" }),
        )
        .unwrap();
    // The approval wait has a 48h timeout scheduled, so the execution is not idle.
    assert_eq!(kit.status(id), Some(KitStatus::Running));
    kit.signal_after(id, H, "manager-approval", json!({ "approved": true }));
    assert_eq!(kit.status(id), Some(KitStatus::Running));
    kit.run_until_done(id).unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Completed));
    assert_eq!(
        kit.output(id),
        Some(&json!({ "status": "shipped", "paymentId": "pay_1" }))
    );
    assert_eq!(kit.call_names(), vec!["process-payment"]);
    assert_eq!(
        kit.calls()[0].inputs,
        json!({ "amount": 42, "userId": "u1" })
    );
    assert_eq!(kit.logs(id), ["paid pay_1"]);
    assert_eq!(kit.elapsed_ms(), H);
    insta::assert_snapshot!(kit.timeline().to_string());
}

#[test]
fn run_until_idle_stops_where_the_run_completed_not_at_a_leftover_timer() {
    let mut kit = kit();
    kit.stub_task("process-payment", Stub::output(json!({ "id": "pay_1" })));
    let id = kit
        .start(
            "order",
            json!({ "total": 42, "userId": "u1", "orderId": "o1" }),
        )
        .unwrap();
    kit.signal_after(id, H, "manager-approval", json!({ "approved": true }));
    // The approval wait's 48h timeout is still scheduled when the run completes at 1h.
    kit.run_until_idle().unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Completed));
    assert_eq!(kit.elapsed_ms(), H);
    // Advancing past the dead timer fires nothing and only moves the clock as asked.
    kit.advance(48.0 * H).unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Completed));
    assert_eq!(kit.elapsed_ms(), 49.0 * H);
}

#[test]
fn approval_timeout_cancels_the_order() {
    let mut kit = kit();
    kit.stub_task("process-payment", Stub::output(json!({ "id": "pay_1" })));
    kit.stub_task("cancel-order", Stub::output(json!("cancelled")));
    let id = kit
        .start(
            "order",
            json!({ "total": 1, "userId": "u", "orderId": "o9" }),
        )
        .unwrap();
    kit.run_until_idle().unwrap();
    assert_eq!(kit.output(id), Some(&json!("cancelled")));
    assert_eq!(kit.elapsed_ms(), 48.0 * H);
    assert_eq!(kit.calls()[1].inputs, json!({ "orderId": "o9" }));
}

#[test]
fn a_task_with_no_stub_stops_the_kit_naming_the_task_and_inputs() {
    let mut kit = kit();
    let err = kit
        .start("order", json!({ "total": 5, "userId": "u" }))
        .unwrap_err();
    assert_eq!(
        err,
        KitError::NoStub {
            task: "process-payment".into(),
            inputs: "{\"amount\":5,\"userId\":\"u\"}".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "task \"process-payment\" was called with no stub (inputs: {\"amount\":5,\"userId\":\"u\"})"
    );
}

#[test]
fn sequence_stubs_give_successive_attempts_with_backoff_on_the_fake_clock() {
    let mut kit = kit();
    kit.stub_task(
        "flaky",
        Stub::Sequence(vec![
            StubResult::error(json!({ "type": "Flaky", "message": "1" })),
            StubResult::error(json!({ "type": "Flaky", "message": "2" })),
            StubResult::output(json!("ok")),
        ]),
    );
    let id = kit.start("retry", json!({})).unwrap();
    kit.run_until_done(id).unwrap();
    assert_eq!(kit.output(id), Some(&json!("ok")));
    let at: Vec<(u32, f64)> = kit.calls().iter().map(|c| (c.attempt, c.at_ms)).collect();
    assert_eq!(at, vec![(1, 0.0), (2, 1000.0), (3, 3000.0)]);
}

#[test]
fn takes_past_the_timeout_times_out_each_attempt() {
    let mut kit = kit();
    kit.stub_task(
        "flaky",
        Stub::Always(StubResult::output(json!("late")).takes(6000.0)),
    );
    let id = kit.start("retry", json!({})).unwrap();
    kit.run_until_done(id).unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Failed));
    let error = kit.error(id).unwrap();
    assert_eq!(error["type"], "TaskFailed");
    assert_eq!(error["attempts"], 3);
    assert_eq!(error["cause"]["type"], "Timeout");
    // 5s + 1s backoff + 5s + 2s backoff + 5s.
    assert_eq!(kit.elapsed_ms(), 18_000.0);
}

#[test]
fn a_closure_stub_sees_inputs_and_attempts() {
    let mut kit = kit();
    kit.stub_task(
        "flaky",
        Stub::func(|call| {
            if call.attempt < 2 {
                StubResult::error(json!({ "message": "no" }))
            } else {
                StubResult::output(json!({ "n": call.inputs["n"], "attempt": call.attempt }))
            }
        }),
    );
    let id = kit.start("retry", json!({})).unwrap();
    kit.run_until_done(id).unwrap();
    assert_eq!(kit.output(id), Some(&json!({ "n": 1, "attempt": 2 })));
}

#[test]
fn child_workflows_run_for_real_or_stubbed() {
    let mut kit = kit();
    kit.stub_task(
        "child-task",
        Stub::Always(StubResult::output(json!("from child")).takes(1000.0)),
    );
    let id = kit.start("parent", json!({})).unwrap();
    kit.run_until_done(id).unwrap();
    assert_eq!(kit.output(id), Some(&json!({ "child": "from child" })));
    let children = kit.children(id);
    assert_eq!(children.len(), 1);
    assert_eq!(kit.status(children[0]), Some(KitStatus::Completed));
    assert_eq!(kit.calls()[0].inputs, json!({ "from": "parent" }));

    let mut kit = self::kit();
    kit.stub_workflow(
        "child",
        Stub::error(json!({ "type": "Boom", "message": "child broke" })),
    );
    let id = kit.start("parent", json!({})).unwrap();
    kit.run_until_done(id).unwrap();
    let error = kit.error(id).unwrap();
    assert_eq!(error["type"], "WorkflowFailed");
    assert_eq!(error["workflow"], "child");
    assert_eq!(error["cause"]["message"], "child broke");
    assert!(kit.calls().is_empty());
}

#[test]
fn cancel_propagates_to_children() {
    let mut kit = kit();
    kit.stub_task(
        "child-task",
        Stub::Always(StubResult::output(json!(1)).takes(H)),
    );
    let id = kit.start("parent", json!({})).unwrap();
    kit.cancel_after(id, 60_000.0);
    kit.run_until_idle().unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Cancelled));
    let child = kit.children(id)[0];
    assert_eq!(kit.status(child), Some(KitStatus::Cancelled));
    assert_eq!(kit.error(id).unwrap()["type"], "Cancelled");
}

#[test]
fn the_clock_only_moves_to_the_next_due_thing() {
    let mut kit = kit();
    let id = kit.start("sleeper", json!({})).unwrap();
    kit.advance(30.0 * 60_000.0).unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Running));
    kit.advance(30.0 * 60_000.0).unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Completed));
    // Date.now() inside the workflow is the fake clock.
    assert_eq!(
        kit.output(id),
        Some(&json!(rhythm_testkit::kit::DEFAULT_START_MS + H))
    );
    assert_eq!(kit.logs(id), ["woke"]);
}

#[test]
fn waiting_with_nothing_scheduled_and_signals_to_finished_executions() {
    let mut kit = kit();
    let id = kit.start("forever", json!({})).unwrap();
    kit.run_until_idle().unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Waiting));
    kit.signal(id, "never", json!("at last")).unwrap();
    assert_eq!(kit.output(id), Some(&json!("at last")));
    let refused = kit.signal(id, "never", json!("again")).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "the execution has already ended (completed)"
    );
    assert!(kit.cancel(id).is_err());
    assert_eq!(kit.status(id), Some(KitStatus::Completed));
}

#[test]
fn executions_keep_the_version_they_started_with() {
    let mut kit = kit();
    let v1 = kit.registry_mut().latest("forever").unwrap().to_owned();
    let first = kit.start("forever", json!({})).unwrap();
    let v2 = kit
        .registry_mut()
        .add("forever", "script sleeper\n// a new version");
    assert_ne!(v1, v2);
    let second = kit.start("forever", json!({})).unwrap();
    kit.run_until_idle().unwrap();
    assert_eq!(kit.execution_state(first).unwrap().meta.version, v1);
    assert_eq!(kit.execution_state(second).unwrap().meta.version, v2);
    assert_eq!(kit.status(first), Some(KitStatus::Waiting));
    assert_eq!(kit.status(second), Some(KitStatus::Completed));
    assert_eq!(v1, rhythm_testkit::registry::version_of("script forever"));
}

#[test]
fn unknown_and_uncompilable_workflows_are_errors() {
    let mut kit = kit();
    assert_eq!(
        kit.start("nope", json!({})).unwrap_err(),
        KitError::UnknownWorkflow("nope".into())
    );
    kit.registry_mut().add("broken", "not a script");
    assert!(matches!(
        kit.start("broken", json!({})).unwrap_err(),
        KitError::Compile { .. }
    ));
}

#[test]
fn every_execution_gets_its_own_seed_and_a_custom_start() {
    let mut kit = kit().with_start(1000.0).with_seed(7);
    let a = kit.start("random", json!({})).unwrap();
    let b = kit.start("random", json!({})).unwrap();
    assert_eq!(kit.execution_state(a).unwrap().meta.random_seed, 7);
    assert_eq!(kit.execution_state(b).unwrap().meta.random_seed, 8);
    assert_eq!(kit.output(a), Some(&json!({ "now": 1000.0 })));
}

#[test]
fn a_version_compiles_once_for_every_clone_of_the_registry() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting(AtomicUsize);
    impl rhythm_testkit::Compiler for Counting {
        fn compile(&self, name: &str, source: &str) -> Result<rhythm_testkit::SharedVm, String> {
            self.0.fetch_add(1, Ordering::SeqCst);
            support::ScriptCompiler.compile(name, source)
        }
    }
    let counting = Arc::new(Counting(AtomicUsize::new(0)));
    let mut registry = rhythm_testkit::Registry::new(counting.clone());
    registry.add("sleeper", "script sleeper");
    for _ in 0..3 {
        let mut kit = Kit::new(registry.clone());
        let id = kit.start("sleeper", json!({})).unwrap();
        kit.run_until_done(id).unwrap();
        assert_eq!(kit.status(id), Some(KitStatus::Completed));
    }
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
}
