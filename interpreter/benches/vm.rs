//! Interpreter figures: `cargo bench -p rhythm-interpreter --bench vm`.
//!
//! Prints fib(30) next to CPython running the same function, a 100k-element build-and-sort,
//! string building, save+load of a state suspended three calls deep, and the order
//! workflow's state size at its signal wait.

use std::time::{Duration, Instant};

use rhythm_interpreter::{
    Delivery, HandleId, Outcome, Program, RunContext, Settlement, resume, start,
};
use serde_json::json;

fn ctx() -> RunContext {
    RunContext {
        now: 1_767_225_600_000.0,
        execution_id: "bench".into(),
        workflow_name: "bench".into(),
        random_seed: 1,
        ..RunContext::default()
    }
}

fn compile(src: &str) -> Program {
    match Program::compile(src) {
        Ok(p) => p,
        Err(e) => panic!("{e:?}"),
    }
}

/// Best of `n` runs.
fn best(n: usize, mut f: impl FnMut()) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..n {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
    }
    best
}

fn completed(p: &Program) {
    let step = start(p, json!({}), &ctx());
    assert!(
        matches!(step.outcome, Outcome::Completed { .. }),
        "{:?}",
        step.outcome
    );
}

fn python_fib() -> Option<Duration> {
    let code = "import time\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nbest = 1e9\nfor _ in range(3):\n    t = time.perf_counter(); fib(30); best = min(best, time.perf_counter() - t)\nprint(best)";
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(code)
        .output()
        .ok()?;
    let secs: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(Duration::from_secs_f64(secs))
}

fn main() {
    let fib =
        compile("function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }\nreturn fib(30)");
    let t = best(3, || completed(&fib));
    match python_fib() {
        Some(py) => println!(
            "fib(30): {:.1} ms; python3: {:.1} ms; ratio {:.2}x",
            t.as_secs_f64() * 1e3,
            py.as_secs_f64() * 1e3,
            t.as_secs_f64() / py.as_secs_f64()
        ),
        None => println!(
            "fib(30): {:.1} ms (python3 not available)",
            t.as_secs_f64() * 1e3
        ),
    }

    let sort = compile(
        "const xs = []\nlet seed = 7\nfor (let i = 0; i < 100000; i++) { seed = (seed * 1103515245 + 12345) % 2147483648; xs.push(seed) }\nxs.sort((a, b) => a - b)\nreturn xs.length",
    );
    let t = best(3, || completed(&sort));
    println!(
        "build + sort 100k numbers (comparator): {:.1} ms",
        t.as_secs_f64() * 1e3
    );

    let strings = compile(
        "let s = \"\"\nfor (let i = 0; i < 20000; i++) { s += `${i},` }\nconst parts = []\nfor (let i = 0; i < 20000; i++) parts.push(\"item\" + i)\nreturn s.length + parts.join(\"-\").length",
    );
    let t = best(3, || completed(&strings));
    println!(
        "string building (20k appends + 20k-part join): {:.1} ms",
        t.as_secs_f64() * 1e3
    );

    let nested = compile(
        "async function a(x) { return await b(x + 1) }\nasync function b(x) { return await c(x + 1) }\nasync function c(x) { const r = await Task.run(\"t\", { x }); return r }\nconst data = { items: [1, 2, 3], name: \"order\" }\nreturn [data, await a(1)]",
    );
    let step = start(&nested, json!({}), &ctx());
    let state = step.state.clone().unwrap_or_default();
    let iters = 10_000;
    let t = Instant::now();
    for _ in 0..iters {
        let s = resume(&nested, &state, vec![], &ctx());
        std::hint::black_box(s.ok());
    }
    let per = t.elapsed() / iters;
    println!(
        "state three calls deep: {} bytes; load + resume + save: {:.1} µs",
        state.len(),
        per.as_secs_f64() * 1e6
    );

    let order = compile(include_str!("../../examples/workflows/process_order.flow"));
    let step = start(
        &order,
        json!({"total": 42, "userId": "u1", "orderId": "o1"}),
        &ctx(),
    );
    let step = resume(
        &order,
        step.state.as_deref().unwrap_or_default(),
        vec![Delivery::Settled {
            handle: HandleId(0),
            settlement: Settlement::Fulfilled(json!({"id": "pay_1"})),
        }],
        &ctx(),
    );
    let size = step.ok().and_then(|s| s.state).map_or(0, |s| s.len());
    println!("order workflow state at its signal wait: {size} bytes");

    let spin = compile("while (true) {}");
    let t = Instant::now();
    let step = start(&spin, json!({}), &ctx());
    println!(
        "while (true) {{}} until the 100M-instruction budget: {:.2} s ({:?})",
        t.elapsed().as_secs_f64(),
        matches!(step.outcome, Outcome::Failed { .. })
    );
}
