//! The checks behind Rhythm's fuzz targets. Each `fuzz_targets/*.rs` is a thin wrapper around
//! one function here, so a finding can be replayed from a unit test or a debugger.
//!
//! Every check panics (which libFuzzer reports as a crash) when a property fails; the code
//! under test must never panic by itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod lsp;
pub mod programs;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use arbitrary::{Arbitrary, Unstructured};
use rhythm_interpreter::{
    Delivery, HandleId, Limits, Outcome, Program, Request, RunContext, Settlement,
};
use rhythm_syntax::{SyntaxKind, SyntaxNode};
use serde_json::{Value, json};

/// The repository root (the fuzz crate lives in `fuzz/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ has a parent")
        .to_path_buf()
}

fn assert_range_in(text: &str, start: usize, end: usize, what: &str) {
    assert!(start <= end, "{what}: range {start}..{end} is reversed");
    assert!(
        end <= text.len(),
        "{what}: range {start}..{end} beyond {}",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: range {start}..{end} splits a character"
    );
}

/// Parsing is lossless and never fails: the tree's text is the input, every error has a range
/// inside it, tokens tile the text, and the tree can be dumped.
pub fn check_parse(text: &str) {
    let parse = rhythm_syntax::parse(text);
    let root = parse.syntax();
    assert_eq!(root.to_string(), text, "the tree lost or changed text");
    assert_eq!(usize::from(root.text_range().end()), text.len());
    for e in parse.errors() {
        assert_range_in(
            text,
            e.range.start().into(),
            e.range.end().into(),
            "syntax error",
        );
    }
    // Token ranges tile the input.
    let mut at = 0usize;
    for t in root
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        assert_eq!(
            usize::from(t.text_range().start()),
            at,
            "tokens do not tile the text"
        );
        at = t.text_range().end().into();
    }
    assert_eq!(at, text.len());
    let _ = rhythm_syntax::debug_tree(&root);
}

/// Analysis never panics, and every diagnostic points inside the text.
pub fn check_analyze(text: &str) {
    let analysis = rhythm_analyzer::analyze(text);
    for d in &analysis.diagnostics {
        assert_range_in(
            text,
            d.range.start().into(),
            d.range.end().into(),
            &format!("diagnostic {}", d.code),
        );
        assert!(
            !d.message.is_empty(),
            "diagnostic {} has no message",
            d.code
        );
    }
    let _ = analysis.has_errors();
}

/// The tokens formatting must keep: everything but whitespace, newlines, `;`, `,` and
/// parentheses (the style adds and drops those); strings compared by their value; comments
/// without trailing spaces.
fn kept_tokens(root: &SyntaxNode) -> Vec<(SyntaxKind, String)> {
    root.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| {
            !matches!(
                t.kind(),
                SyntaxKind::WHITESPACE
                    | SyntaxKind::NEWLINE
                    | SyntaxKind::SEMICOLON
                    | SyntaxKind::COMMA
                    | SyntaxKind::L_PAREN
                    | SyntaxKind::R_PAREN
            )
        })
        .map(|t| {
            let text = match t.kind() {
                SyntaxKind::STRING => rhythm_syntax::cook_string_literal(t.text())
                    .map(|s| format!("{s:?}"))
                    .unwrap_or_else(|_| t.text().to_string()),
                SyntaxKind::LINE_COMMENT | SyntaxKind::BLOCK_COMMENT => {
                    t.text().trim_end().to_string()
                }
                _ => t.text().to_string(),
            };
            (t.kind(), text)
        })
        .collect()
}

/// Formatting: a file with syntax errors is refused; otherwise the result keeps every token
/// and comment, parses cleanly, and formatting it again changes nothing. An internal
/// formatter error is a bug.
pub fn check_format(text: &str) {
    let options = rhythm_fmt::Options::default();
    match rhythm_fmt::format(text, &options) {
        Err(rhythm_fmt::FormatError::Syntax(errors)) => {
            assert!(!errors.is_empty());
            assert!(
                !rhythm_syntax::parse(text).errors().is_empty(),
                "refused a file without syntax errors"
            );
        }
        Err(rhythm_fmt::FormatError::Internal(message)) => {
            panic!("internal formatter error: {message}\n--- input ---\n{text}")
        }
        Ok(out) => {
            let before = kept_tokens(&rhythm_syntax::parse(text).syntax());
            let reparsed = rhythm_syntax::parse(&out);
            assert!(
                reparsed.errors().is_empty(),
                "the output does not parse:\n{out}"
            );
            let after = kept_tokens(&reparsed.syntax());
            assert_eq!(
                before, after,
                "tokens changed:\n--- input ---\n{text}\n--- output ---\n{out}"
            );
            match rhythm_fmt::format(&out, &options) {
                Ok(again) => assert_eq!(
                    again, out,
                    "formatting is not idempotent\n--- input ---\n{text}\n--- first ---\n{out}"
                ),
                Err(e) => panic!("formatting the output failed: {e}\n--- output ---\n{out}"),
            }
        }
    }
}

/// The small budgets generated programs run with.
pub fn fuzz_limits() -> Limits {
    Limits {
        max_instructions: 20_000,
        max_call_depth: 64,
        max_heap_bytes: 4 * 1024 * 1024,
        max_state_bytes: 256 * 1024,
    }
}

fn ctx(limits: &Limits) -> RunContext {
    RunContext {
        now: 1_767_225_600_000.0,
        execution_id: "fuzz".into(),
        workflow_name: "fuzz".into(),
        random_seed: 7,
        limits: limits.clone(),
    }
}

/// An input to [`check_interpret`]: a program (generated, or raw text mutated from the
/// corpus) and the choices the simulated world makes.
#[derive(Debug)]
pub struct InterpretInput {
    /// The program's source.
    pub source: String,
    /// Per delivery: fulfil (true) or reject (false).
    pub choices: Vec<bool>,
}

impl<'a> Arbitrary<'a> for InterpretInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let source = if u.ratio(1, 4)? {
            String::arbitrary(u)?
        } else {
            programs::GenProgram::arbitrary(u)?.0
        };
        let choices = Vec::arbitrary(u)?;
        Ok(InterpretInput { source, choices })
    }
}

/// The error JSON of a failed run is an object with string `type`, `name` and `message`.
fn check_error(error: &Value) {
    for k in ["type", "name", "message"] {
        assert!(
            error.get(k).is_some_and(Value::is_string),
            "error without a string {k}: {error}"
        );
    }
}

/// What one request's result is, as the simulated world decides.
fn settle(request: &Request, fulfil: bool) -> Option<Delivery> {
    let (handle, value) = match request {
        Request::RunTask { handle, inputs, .. } => (*handle, inputs.clone()),
        Request::StartTimer { handle, .. } => (*handle, Value::Null),
        Request::WaitSignal { handle, .. } => (*handle, json!({ "approved": true })),
        Request::StartWorkflow { handle, .. } => (*handle, json!("child")),
        Request::Withdraw { .. } => return None,
    };
    let settlement = if fulfil {
        Settlement::Fulfilled(value)
    } else {
        Settlement::Rejected(json!({ "type": "TaskFailed", "message": "fuzz says no" }))
    };
    Some(Delivery::Settled { handle, settlement })
}

/// Runs a program with small budgets, answering every request, for a bounded number of
/// steps. Nothing panics; a suspended state never exceeds the state limit; failures are
/// well-formed errors; saving and loading between steps changes nothing.
pub fn check_interpret(input: &InterpretInput) {
    let Ok(program) = Program::compile(&input.source) else {
        return;
    };
    let limits = fuzz_limits();
    let cx = ctx(&limits);
    let inputs = json!({ "n": 3, "s": "in" });
    let mut choices = input.choices.iter().copied().cycle();
    let mut step = rhythm_interpreter::start(&program, inputs.clone(), &cx);
    let (mut mem_step, mut mem_state) =
        rhythm_interpreter::run::in_memory::start(&program, inputs, &cx);
    let mut pending: Vec<Request> = Vec::new();
    for _ in 0..12 {
        compare_steps(&step, &mem_step);
        match &step.outcome {
            Outcome::Completed { .. } => return,
            Outcome::Failed { error } => {
                check_error(error);
                return;
            }
            Outcome::Suspended {
                requests,
                waiting_on,
            } => {
                let state = step.state.as_ref().expect("a suspended step has its state");
                assert!(
                    state.len() <= limits.max_state_bytes,
                    "saved state of {} bytes over the limit",
                    state.len()
                );
                assert!(
                    !waiting_on.is_empty(),
                    "suspended without waiting on anything"
                );
                pending.extend(requests.iter().cloned());
                let mut deliveries = Vec::new();
                pending.retain(|r| {
                    let handle = match r {
                        Request::RunTask { handle, .. }
                        | Request::StartTimer { handle, .. }
                        | Request::WaitSignal { handle, .. }
                        | Request::StartWorkflow { handle, .. }
                        | Request::Withdraw { handle } => *handle,
                    };
                    if matches!(r, Request::Withdraw { .. }) {
                        return false;
                    }
                    if waiting_on.contains(&handle) {
                        if let Some(d) = settle(r, choices.next().unwrap_or(true)) {
                            deliveries.push(d);
                        }
                        false
                    } else {
                        true
                    }
                });
                if deliveries.is_empty() {
                    // Waiting on a handle no request announced (e.g. already withdrawn): a
                    // cancel still has to be accepted.
                    deliveries.push(Delivery::Cancel);
                }
                let next = rhythm_interpreter::resume(&program, state, deliveries.clone(), &cx)
                    .expect("a state just saved must load");
                let vm = mem_state.take().expect("in-memory run suspended too");
                let (s, st) =
                    rhythm_interpreter::run::in_memory::resume(&program, vm, deliveries, &cx);
                step = next;
                mem_step = s;
                mem_state = st;
            }
        }
    }
}

fn compare_steps(saved: &rhythm_interpreter::run::Step, mem: &rhythm_interpreter::run::Step) {
    let is_state_limit = |o: &Outcome| {
        matches!(o, Outcome::Failed { error } if error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("saved state too large")))
    };
    if is_state_limit(&saved.outcome) {
        // The in-memory path never encodes, so it cannot hit the state limit.
        return;
    }
    assert_eq!(
        saved.outcome, mem.outcome,
        "saving and loading changed the run"
    );
    assert_eq!(saved.logs, mem.logs, "saving and loading changed the logs");
}

/// The program whose saved states the `state` target corrupts.
pub const STATE_PROGRAM: &str = r#"
function pick(n, xs) {
  const o = { n, xs, s: "é😀" + n, d: new Date(0) }
  return o
}
let seen = []
const f = async (k) => {
  const r = await Task.run("t", { k })
  seen.push(r)
  return pick(k, [r, ...seen])
}
try {
  const a = await f(1)
  const b = await Promise.race([Signal.next("go", { timeout: 5 }), Timer.delay(9)])
  const c = await Promise.all([f(2), Task.run("u")])
  return { a, b, c, seen }
} catch (e) {
  return { failed: e.message }
} finally {
  console.log("done", seen.length)
}
"#;

struct StateFixture {
    program: Program,
    /// Saved states of successive suspensions of [`STATE_PROGRAM`].
    states: Vec<Vec<u8>>,
}

fn state_fixture() -> &'static StateFixture {
    static FIXTURE: OnceLock<StateFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let program = Program::compile(STATE_PROGRAM).expect("the state program compiles");
        let cx = ctx(&fuzz_limits());
        let mut states = Vec::new();
        let mut step = rhythm_interpreter::start(&program, json!({}), &cx);
        let mut pending = Vec::new();
        while let Outcome::Suspended { requests, .. } = &step.outcome {
            let state = step.state.clone().expect("suspended");
            states.push(state.clone());
            pending.extend(requests.iter().cloned());
            let deliveries: Vec<Delivery> =
                pending.drain(..).filter_map(|r| settle(&r, true)).collect();
            step = rhythm_interpreter::resume(&program, &state, deliveries, &cx).expect("resumes");
        }
        assert!(states.len() >= 2, "the state program suspends");
        StateFixture { program, states }
    })
}

/// Decoding arbitrary bytes as saved state gives a clear error or a state; a state that
/// decodes can be inspected and resumed (with small budgets) without a panic. Three
/// shapes of input: raw bytes; a valid header followed by arbitrary bytes; a real saved
/// state with some bytes changed and its end cut or extended.
pub fn check_state(data: &[u8]) {
    let fixture = state_fixture();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let hash = fixture.program.hash();
    let bytes: Vec<u8> = match mode % 3 {
        0 => rest.to_vec(),
        1 => {
            let mut b = fixture.states[0][..38].to_vec();
            b.extend_from_slice(rest);
            b
        }
        _ => {
            let Some((&which, edits)) = rest.split_first() else {
                return;
            };
            let mut b = fixture.states[usize::from(which) % fixture.states.len()].clone();
            let mut chunks = edits.chunks_exact(3);
            for c in &mut chunks {
                let at = usize::from(u16::from_le_bytes([c[0], c[1]]));
                match at % 7 {
                    6 => b.truncate(38 + at % b.len().saturating_sub(37).max(1)),
                    5 => b.push(c[2]),
                    _ => {
                        let len = b.len();
                        if len > 38 {
                            b[38 + at % (len - 38)] = c[2];
                        }
                    }
                }
            }
            b
        }
    };
    let _ = rhythm_interpreter::state::state_to_json(&bytes);
    let Ok(_vm) = rhythm_interpreter::state::decode(&bytes, hash) else {
        return;
    };
    let cx = ctx(&fuzz_limits());
    for deliveries in [
        Vec::new(),
        vec![Delivery::Cancel],
        (0..6)
            .map(|h| Delivery::Settled {
                handle: HandleId(h),
                settlement: Settlement::Fulfilled(json!({ "h": h })),
            })
            .collect(),
    ] {
        match rhythm_interpreter::resume(&fixture.program, &bytes, deliveries, &cx) {
            Ok(step) => {
                if let Outcome::Failed { error } = &step.outcome {
                    check_error(error);
                }
                if let Some(state) = &step.state {
                    assert!(state.len() <= fuzz_limits().max_state_bytes);
                }
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

/// Reads `text` as a test file placed in `examples/orders/` (so the order example's
/// workflows resolve) and runs at most three of its cases. A malformed file is an error
/// with a place inside the text.
pub fn check_testfile(text: &str) {
    static COMPILER: OnceLock<Arc<dyn rhythm_testkit::Compiler>> = OnceLock::new();
    let compiler = COMPILER.get_or_init(rhythm_testkit::flow_compiler).clone();
    let path = repo_root().join("examples/orders/fuzz.test.toml");
    match rhythm_testkit::testfile::parse(&path, text, compiler) {
        Err(m) => {
            assert!(
                m.line >= 1 && m.column >= 1,
                "place {}:{}",
                m.line,
                m.column
            );
            assert!(
                m.line <= text.lines().count().max(1) + 1,
                "line {} beyond the text",
                m.line
            );
            assert!(!m.message.is_empty());
            let _ = m.to_string();
        }
        Ok(file) => {
            for case in file.cases.iter().take(3) {
                let report = rhythm_testkit::testfile::run_case(&file, case);
                let _ = report.passed();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generator keeps producing programs the analyzer accepts (a generator whose output
    /// is all rejected would fuzz nothing), and the checks pass on them.
    #[test]
    fn generated_programs_mostly_compile_and_pass() {
        let mut compiled = 0;
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..300 {
            let bytes: Vec<u8> = (0..512)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed >> 24) as u8
                })
                .collect();
            let mut u = Unstructured::new(&bytes);
            let program = programs::GenProgram::arbitrary(&mut u).unwrap();
            match Program::compile(&program.0) {
                Ok(_) => compiled += 1,
                Err(e) if std::env::var("SHOW").is_ok() => eprintln!("{e}"),
                Err(_) => {}
            }
            check_interpret(&InterpretInput {
                source: program.0,
                choices: vec![true, false, true],
            });
        }
        assert!(
            compiled > 150,
            "only {compiled} of 300 generated programs compile"
        );
    }

    #[test]
    fn the_checks_accept_the_seed_corpus() {
        let flow = std::fs::read_to_string(
            repo_root().join("examples/orders/workflows/process_order.flow"),
        )
        .unwrap();
        check_parse(&flow);
        check_analyze(&flow);
        check_format(&flow);
        check_state(&[2, 0, 1, 0, 0]);
        let toml =
            std::fs::read_to_string(repo_root().join("examples/orders/process_order.test.toml"))
                .unwrap();
        check_testfile(&toml);
    }
}
