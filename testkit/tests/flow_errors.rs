//! Every error type of language.md §7, produced by real `.flow` programs in the kit.

use std::sync::Arc;

use rhythm_engine::FlowVm;
use rhythm_interpreter::Limits;
use rhythm_testkit::{Compiler, Kit, KitStatus, Registry, SharedVm, Stub, StubResult};
use serde_json::{Value as Json, json};

struct Small;

impl Compiler for Small {
    fn compile(&self, _name: &str, source: &str) -> Result<SharedVm, String> {
        let limits = Limits {
            max_instructions: 100_000,
            max_call_depth: 200,
            ..Limits::default()
        };
        FlowVm::compile(source)
            .map(|vm| Arc::new(vm.with_limits(limits)) as SharedVm)
            .map_err(|e| e.to_string())
    }
}

fn kit(workflows: &[(&str, &str)]) -> Kit {
    let mut registry = Registry::new(Arc::new(Small));
    for (name, source) in workflows {
        registry.add(name, source);
    }
    let mut kit = Kit::new(registry);
    kit.stub_task("ok", Stub::output(json!("fine")));
    kit.stub_task(
        "boom",
        Stub::error(json!({ "type": "Boom", "message": "it broke" })),
    );
    kit.stub_task(
        "slow",
        Stub::Always(StubResult::output(json!(1)).takes(3_600_000.0)),
    );
    kit
}

/// Runs `source` and returns (status, error or output).
fn run(source: &str) -> (KitStatus, Json) {
    let mut kit = kit(&[("main", source), ("child", "await Task.run(\"boom\")\n")]);
    let id = kit.start("main", json!({})).unwrap();
    kit.run_until_done(id).unwrap();
    let status = kit.status(id).unwrap();
    let value = kit
        .error(id)
        .or(kit.output(id))
        .cloned()
        .unwrap_or(Json::Null);
    (status, value)
}

fn error_type(source: &str) -> String {
    let (status, error) = run(source);
    assert_eq!(status, KitStatus::Failed, "{error}");
    assert_eq!(error["name"], error["type"], "name mirrors type: {error}");
    assert!(error["message"].is_string(), "{error}");
    error["type"].as_str().unwrap().to_owned()
}

#[test]
fn task_failed() {
    assert_eq!(error_type("await Task.run(\"boom\")\n"), "TaskFailed");
    let (_, e) = run("await Task.run(\"boom\", { x: 1 }, { retries: 2 })\n");
    assert_eq!(e["attempts"], 3);
    assert_eq!(e["task"], "boom");
    assert_eq!(e["cause"]["type"], "Boom");
}

#[test]
fn workflow_failed() {
    assert_eq!(
        error_type("await Workflow.run(\"child\", {})\n"),
        "WorkflowFailed"
    );
    let (_, e) = run("await Workflow.run(\"child\", {})\n");
    assert_eq!(e["workflow"], "child");
    assert_eq!(e["cause"]["type"], "TaskFailed");
}

#[test]
fn timeouts_of_signals_and_attempts() {
    assert_eq!(
        error_type("await Signal.next(\"never\", { timeout: \"1h\" })\n"),
        "Timeout"
    );
    let (_, e) = run("await Task.run(\"slow\", {}, { timeout: \"1m\" })\n");
    assert_eq!(e["type"], "TaskFailed");
    assert_eq!(e["cause"]["type"], "Timeout");
}

#[test]
fn cancelled() {
    let mut kit = kit(&[("main", "await Signal.next(\"never\")\n")]);
    let id = kit.start("main", json!({})).unwrap();
    kit.cancel(id).unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Cancelled));
    assert_eq!(kit.error(id).unwrap()["type"], "Cancelled");
}

#[test]
fn cancel_cleanup_runs_in_finally() {
    let source = "try {\n  await Task.run(\"slow\")\n} finally {\n  await Task.run(\"ok\", { cleanup: true })\n}\n";
    let mut kit = kit(&[("main", source)]);
    let id = kit.start("main", json!({})).unwrap();
    kit.cancel_after(id, 60_000.0);
    kit.run_until_done(id).unwrap();
    assert_eq!(kit.status(id), Some(KitStatus::Cancelled));
    assert_eq!(kit.call_names(), vec!["slow", "ok"]);
    assert_eq!(kit.calls()[1].inputs, json!({ "cleanup": true }));
}

#[test]
fn vm_errors() {
    assert_eq!(error_type("const x = null\nreturn x.a\n"), "TypeError");
    assert_eq!(
        error_type("function f() { return y }\nconst a = f()\nlet y = 1\nreturn a\n"),
        "ReferenceError"
    );
    assert_eq!(error_type("return \"a\".repeat(-1)\n"), "RangeError");
    assert_eq!(
        error_type("function f(n) { return f(n + 1) }\nreturn f(0)\n"),
        "LimitExceeded"
    );
    assert_eq!(
        error_type("let i = 0\nwhile (true) { i++ }\n"),
        "LimitExceeded"
    );
}

#[test]
fn every_error_can_be_caught_with_readable_fields() {
    let source = r#"
const seen = []
async function attempt(f) {
  try { await f() } catch (e) { seen.push(`${e.type}/${e.name}`) }
}
await attempt(() => Task.run("boom"))
await attempt(() => Workflow.run("child", {}))
await attempt(() => Signal.next("never", { timeout: "1s" }))
await attempt(() => null.x)
await attempt(() => "a".repeat(-1))
return seen
"#;
    let (status, output) = run(source);
    assert_eq!(status, KitStatus::Completed, "{output}");
    assert_eq!(
        output,
        json!([
            "TaskFailed/TaskFailed",
            "WorkflowFailed/WorkflowFailed",
            "Timeout/Timeout",
            "TypeError/TypeError",
            "RangeError/RangeError"
        ])
    );
}

#[test]
fn math_random_is_seeded_and_date_now_is_the_fake_clock() {
    let source = "const r = [Math.random(), Math.random()]\nawait Timer.delay(\"1h\")\nreturn { r, now: Date.now(), iso: new Date().toISOString() }\n";
    let run_once = || {
        let mut kit = kit(&[("main", source)]);
        let id = kit.start("main", json!({})).unwrap();
        kit.run_until_done(id).unwrap();
        kit.output(id).unwrap().clone()
    };
    let a = run_once();
    assert_eq!(a, run_once());
    assert_eq!(a["iso"], "2026-01-01T01:00:00.000Z");
    assert_eq!(
        a["now"].as_f64(),
        Some(rhythm_testkit::kit::DEFAULT_START_MS + 3_600_000.0)
    );
    assert_ne!(a["r"][0], a["r"][1]);
}

#[test]
fn race_losers_withdrawn_and_signals_buffered_end_to_end() {
    let source = r#"
const first = await Promise.race([Signal.next("go"), Timer.delay("1m")])
const second = await Signal.next("go")
return { first, second }
"#;
    let mut kit = kit(&[("main", source)]);
    let id = kit.start("main", json!({})).unwrap();
    kit.signal_after(id, 120_000.0, "go", json!("a"));
    kit.run_until_done(id).unwrap();
    // The timer won; the withdrawn wait took nothing, so the later signal reaches `second`.
    assert_eq!(
        kit.output(id),
        Some(&json!({ "first": null, "second": "a" }))
    );

    let mut kit = self::kit(&[("main", source)]);
    let id = kit.start("main", json!({})).unwrap();
    kit.signal(id, "go", json!(1)).unwrap();
    kit.signal(id, "go", json!(2)).unwrap();
    kit.run_until_done(id).unwrap();
    assert_eq!(kit.output(id), Some(&json!({ "first": 1, "second": 2 })));
}

#[test]
fn timers_at_zero_past_and_the_same_instant() {
    // Zero and past instants fire at once; of two things due at the same instant, the one
    // with the lower handle (created first) fires first, whatever the order in the race.
    let race = |first: &str, second: &str| {
        format!(
            "await Timer.delay(0)\nawait Timer.until(\"2000-01-01T00:00:00Z\")\nconst a = {first}\nconst b = {second}\ntry {{\n  const v = await Promise.race([b, a])\n  return {{ v, at: new Date().toISOString() }}\n}} catch (e) {{\n  return {{ v: e.type, at: new Date().toISOString() }}\n}}\n"
        )
    };
    let timer = "Timer.delay(\"1h\")";
    let wait = "Signal.next(\"x\", { timeout: \"1h\" })";
    let (status, output) = run(&race(timer, wait));
    assert_eq!(status, KitStatus::Completed, "{output}");
    assert_eq!(
        output,
        json!({ "v": null, "at": "2026-01-01T01:00:00.000Z" })
    );
    let (_, output) = run(&race(wait, timer));
    assert_eq!(
        output,
        json!({ "v": "Timeout", "at": "2026-01-01T01:00:00.000Z" })
    );
}
