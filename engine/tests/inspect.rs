//! The engine's view of a saved execution: frames from the VM, waits from the engine.

use rhythm_engine::inspect::{view_execution, view_state};
use rhythm_engine::{Engine, EngineConfig, Event, ExecutionMeta, ExecutionState, FlowVm, Vm};
use rhythm_interpreter::inspector::RenderLimits;
use serde_json::json;

const ORDER: &str = "let payment = await Task.run(\"process-payment\", { amount: Inputs.total })\n\
    Task.run(\"audit\", {})\n\
    const approval = await Signal.next(\"manager-approval\", { timeout: \"48h\" })\n\
    return { payment, approval }\n";

fn started(source: &str) -> (FlowVm, Engine, ExecutionState) {
    let vm = FlowVm::compile(source).expect("compiles");
    let meta = ExecutionMeta {
        execution_id: "e1".into(),
        workflow_name: "order".into(),
        version: vm.version().into(),
        random_seed: 1,
    };
    let engine = Engine::new(EngineConfig { retry_jitter: 0.0 });
    let mut state = ExecutionState::new(meta);
    engine
        .apply(
            &mut state,
            &vm as &dyn Vm,
            Event::Start {
                inputs: json!({"total": 42}),
            },
            1000.0,
        )
        .expect("starts");
    (vm, engine, state)
}

#[test]
fn a_task_wait_then_a_signal_wait_with_a_buffered_signal() {
    let (vm, engine, mut state) = started(ORDER);
    let view = view_state(vm.program(), &state, RenderLimits::default());
    assert_eq!(view.status, "running");
    assert_eq!(view.frames[0].line, 1);
    assert_eq!(view.waiting_on.len(), 1);
    assert_eq!(view.waiting_on[0].kind, "task");
    assert_eq!(view.waiting_on[0].name.as_deref(), Some("process-payment"));
    assert_eq!(view.waiting_on[0].attempt, Some(1));

    let handle = rhythm_interpreter::HandleId(view.waiting_on[0].handle);
    engine
        .apply(
            &mut state,
            &vm as &dyn Vm,
            Event::TaskSucceeded {
                handle,
                attempt: 1,
                output: json!({"id": "p1"}),
            },
            2000.0,
        )
        .expect("applies");
    engine
        .apply(
            &mut state,
            &vm as &dyn Vm,
            Event::SignalArrived {
                name: "other".into(),
                payload: json!(7),
            },
            3000.0,
        )
        .expect("applies");
    let bytes = state.to_bytes().expect("encodes");
    let view = view_execution(vm.program(), &bytes, RenderLimits::default()).expect("views");
    assert_eq!(view.frames[0].line, 3);
    assert_eq!(view.frames[0].variables["payment"], json!({"id": "p1"}));
    let wait = &view.waiting_on[0];
    assert_eq!(
        (wait.kind, wait.name.as_deref()),
        ("signal", Some("manager-approval"))
    );
    assert_eq!(wait.since, Some(2000.0));
    assert_eq!(wait.timeout_at, Some(2000.0 + 48.0 * 3600.0 * 1000.0));
    // The fire-and-forget task is pending, not awaited.
    assert_eq!(view.pending.len(), 1);
    assert_eq!(view.pending[0].name.as_deref(), Some("audit"));
    assert_eq!(view.buffered_signals["other"], vec![json!(7)]);
    assert!(view.state_error.is_none());
}

#[test]
fn an_unreadable_vm_state_is_reported_not_fatal() {
    let (vm, _, mut state) = started(ORDER);
    if let Some(bytes) = state.vm_state.as_mut() {
        bytes.truncate(10);
    }
    let view = view_state(vm.program(), &state, RenderLimits::default());
    assert!(view.frames.is_empty());
    assert!(
        view.state_error
            .as_deref()
            .is_some_and(|e| e.starts_with("state could not be decoded"))
    );
    assert_eq!(view.waiting_on[0].name.as_deref(), Some("process-payment"));
    assert!(view_execution(vm.program(), b"{not json", RenderLimits::default()).is_err());
}
