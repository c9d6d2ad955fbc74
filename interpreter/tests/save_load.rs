//! Property: running with the state saved to bytes and loaded at every suspension gives
//! exactly the same outcome, requests and logs as keeping the state in memory, for any
//! choice of which pending result arrives next and whether tasks succeed.

use proptest::prelude::*;
use rhythm_interpreter::run::in_memory;
use rhythm_interpreter::{Delivery, Json, Outcome, Program, Request, Settlement, resume, start};
use serde_json::json;

mod common;

const PROGRAMS: &[&str] = &[
    include_str!("corpus/effects/promise_all_settled.flow"),
    include_str!("corpus/effects/await_in_try_finally.flow"),
    include_str!("corpus/effects/effects_in_functions.flow"),
    include_str!("corpus/programs/refund_compensation.flow"),
    include_str!("../../examples/workflows/onboarding.flow"),
    include_str!("../../examples/workflows/refund.flow"),
    include_str!("../../examples/workflows/report_batch.flow"),
    include_str!("extra/concurrent_branches.flow"),
    "const work = async (n) => { const a = await Task.run(\"a\", { n }); const t = await Promise.race([Signal.next(\"s\"), Timer.delay(5)]); return [a.task, t] }\nconst all = await Promise.all([1, 2, 3].map(work))\nconsole.log(all.length)\nreturn all",
    "const hs = [Task.run(\"a\"), Timer.delay(1), Signal.next(\"s\")]\nconst first = await Promise.race(hs)\nconst all = await Promise.allSettled(hs)\nconst closures = [1, 2, 3].map(i => () => i * 10)\nlet acc = 0\nfor (const f of closures) { acc += f(); await Task.run(\"step\", { acc }) }\nconsole.log(first, all.length, acc)\nreturn { first, acc }",
];

/// Compiles past the analyzer's refusal of un-awaited async calls (the interpreter runs them
/// as concurrent branches).
fn compile(src: &str) -> Program {
    let analysis = rhythm_analyzer::analyze(src);
    let blocking: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == rhythm_analyzer::Severity::Error)
        .collect();
    assert!(blocking.is_empty(), "{blocking:?}");
    Program::from_module(src, &analysis.module).unwrap()
}

/// The result of a delivery choice.
fn settle(r: &Request, fail: bool) -> Option<Delivery> {
    let (handle, settlement) = common::answer(r)?;
    let settlement = match (r, fail) {
        (Request::RunTask { name, .. }, true) => Settlement::Rejected(json!({
            "type": "TaskFailed", "message": format!("task {name} failed"), "task": name
        })),
        _ => settlement,
    };
    Some(Delivery::Settled { handle, settlement })
}

type Trace = (Outcome, Vec<Request>, Vec<String>);

fn drive(program: &Program, choices: &[(u8, bool)], saved: bool) -> Trace {
    let ctx = common::ctx("prop");
    let inputs: Json = json!({"orderId": "o", "amount": 5, "items": [1], "email": "e", "teammates": ["t"], "since": 1});
    let (mut step, mut mem) = if saved {
        (start(program, inputs, &ctx), None)
    } else {
        in_memory::start(program, inputs, &ctx)
    };
    let mut all = Vec::new();
    let mut logs = Vec::new();
    let mut pending: Vec<Request> = Vec::new();
    for i in 0..200 {
        logs.extend(step.logs.clone());
        let Outcome::Suspended { requests, .. } = &step.outcome else {
            all.extend(step.detached.clone());
            return (step.outcome, all, logs);
        };
        all.extend(requests.clone());
        for r in requests {
            match r {
                Request::Withdraw { handle } => {
                    pending.retain(|p| common::answer(p).map(|a| a.0) != Some(*handle))
                }
                other => pending.push(other.clone()),
            }
        }
        if pending.is_empty() {
            break;
        }
        let (pick, fail) = choices.get(i).copied().unwrap_or((0, false));
        let r = pending.remove(pick as usize % pending.len());
        let deliveries: Vec<Delivery> = settle(&r, fail).into_iter().collect();
        if saved {
            let bytes = step.state.clone().unwrap_or_default();
            step = resume(program, &bytes, deliveries, &ctx).unwrap();
        } else {
            let (s, m) = in_memory::resume(program, mem.take().unwrap(), deliveries, &ctx);
            step = s;
            mem = m;
        }
    }
    (step.outcome, all, logs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn save_and_load_change_nothing(
        which in 0..PROGRAMS.len(),
        choices in proptest::collection::vec((any::<u8>(), proptest::bool::weighted(0.2)), 0..40),
    ) {
        let program = compile(PROGRAMS[which]);
        let saved = drive(&program, &choices, true);
        let memory = drive(&program, &choices, false);
        prop_assert_eq!(saved, memory);
    }

    #[test]
    fn arbitrary_state_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let program = Program::compile("await Timer.delay(1)\nreturn 1").unwrap();
        let mut b = bytes.clone();
        // Give half of the inputs a valid header so the body decoder is exercised.
        if b.len() > 40 && b[0] % 2 == 0 {
            b[..4].copy_from_slice(b"RHYS");
            b[4..6].copy_from_slice(&1u16.to_le_bytes());
            let h = hex::decode(program.hash()).unwrap();
            b[6..38].copy_from_slice(&h);
        }
        let _ = resume(&program, &b, vec![], &common::ctx("fuzz"));
        let _ = rhythm_interpreter::state_to_json(&b);
    }
}
