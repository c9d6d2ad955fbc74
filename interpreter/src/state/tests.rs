//! Corrupt saved state: refused at once, whatever lengths and indices its bytes claim.

use serde::Deserialize;
use serde_json::json;

use super::bounded::{Bounded, Budget};
use super::{HEADER, StateError, decode, encode};
use crate::bytecode::Op;
use crate::catalog::Native;
use crate::effects::{Delivery, HandleId, Outcome, Settlement};
use crate::program::{Limits, Program, RunContext};
use crate::value::{Obj, ObjId, Value};
use crate::vm::callbacks::{EachOp, NativeTask};
use crate::vm::{Frame, VmState};

/// The program whose saved states the `state` fuzz target corrupts (`fuzz/src/lib.rs`).
const STATE_PROGRAM: &str = r#"
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

/// The `state` fuzz target's hang (`fuzz/regressions/state/each-len-dangling-array`): mode 1,
/// the first 38 bytes of a real saved state followed by these 36.
const HANG_TAIL: &str = "00010000000101014d00000180000000063328f8e7fc1101000000010000740000000000";

fn ctx() -> RunContext {
    RunContext {
        limits: Limits {
            max_instructions: 20_000,
            max_call_depth: 64,
            max_heap_bytes: 4 * 1024 * 1024,
            max_state_bytes: 256 * 1024,
        },
        ..RunContext::default()
    }
}

fn first_state(program: &Program) -> Vec<u8> {
    let step = crate::run::start(program, json!({}), &ctx());
    assert!(matches!(step.outcome, Outcome::Suspended { .. }));
    step.state.expect("suspended")
}

fn deliveries() -> Vec<Delivery> {
    (0..6)
        .map(|h| Delivery::Settled {
            handle: HandleId(h),
            settlement: Settlement::Fulfilled(json!({ "h": h })),
        })
        .collect()
}

/// The hang's cause: one native `map` frame (on function 0, which no native frame has) over
/// object 0 of an empty heap, its length 37,696,504 read from four bytes, its callback the
/// builtin `Native` number 51: resuming looped the map over 37.7 million callbacks that each
/// returned at once, charged to no budget, pushing every result. Now the state is refused when
/// decoded.
#[test]
fn the_fuzz_hang_is_refused_when_decoded() {
    let program = Program::compile(STATE_PROGRAM).expect("compiles");
    let mut bytes = first_state(&program)[..HEADER].to_vec();
    bytes.extend(hex::decode(HANG_TAIL).expect("hex"));
    let e = decode(&bytes, program.hash()).expect_err("refused");
    assert!(matches!(e, StateError::Inconsistent(_)), "{e}");
    assert!(
        e.to_string().starts_with("state could not be decoded: "),
        "{e}"
    );
    let r = crate::run::resume(&program, &bytes, deliveries(), &ctx());
    assert!(r.is_err());
    assert!(super::state_to_json(&bytes).is_err());
}

/// Bench-style figure (not a pass/fail condition): `cargo test -p rhythm-interpreter
/// fuzz_hang_time -- --nocapture`.
#[test]
fn fuzz_hang_time() {
    let program = Program::compile(STATE_PROGRAM).expect("compiles");
    let mut bytes = first_state(&program)[..HEADER].to_vec();
    bytes.extend(hex::decode(HANG_TAIL).expect("hex"));
    let t = std::time::Instant::now();
    for _ in 0..1000 {
        let _ = crate::run::resume(&program, &bytes, deliveries(), &ctx());
    }
    println!(
        "refusing the fuzz hang: {:?} per resume",
        t.elapsed() / 1000
    );
}

/// Real states still decode, and every state along the run resumes.
#[test]
fn real_states_decode() {
    let program = Program::compile(STATE_PROGRAM).expect("compiles");
    let bytes = first_state(&program);
    let vm = decode(&bytes, program.hash()).expect("decodes");
    assert!(!vm.frames.is_empty());
    let step = crate::run::resume(&program, &bytes, deliveries(), &ctx()).expect("resumes");
    assert!(step.state.is_some() || !matches!(step.outcome, Outcome::Suspended { .. }));
}

/// A body (postcard) prefixed with a valid header for `program`.
fn with_header(program: &Program, body: &[u8]) -> Vec<u8> {
    let mut bytes = encode(program.hash(), &VmState::default()).expect("encodes");
    bytes.truncate(HEADER);
    bytes.extend_from_slice(body);
    bytes
}

/// Lengths near `u32::MAX` or `u64::MAX` in a few bytes, for each collection of the state
/// (operand stack, frames, heap, handles, callers): an error, nothing preallocated or looped.
#[test]
fn huge_lengths_are_errors() {
    let program = Program::compile("return 1").expect("compiles");
    let huge32 = [0xff, 0xff, 0xff, 0xff, 0x0f];
    let huge64 = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    for huge in [&huge32[..], &huge64[..]] {
        // Before it, zeros (empty collections, `undefined`, `None`): the length is that of
        // the stack, frames, heap, handles, callers or parked branches.
        for zeros_before in [0, 1, 2, 5, 9, 10] {
            let mut body = vec![0u8; zeros_before];
            body.extend_from_slice(huge);
            body.extend_from_slice(&[0; 16]);
            let r = decode(&with_header(&program, &body), program.hash());
            assert!(r.is_err(), "{body:?}");
        }
    }
}

/// The classic postcard trap: a sequence of elements that take no bytes, its length huge.
/// The budget stops it at the input's length.
#[test]
fn zero_sized_elements_are_bounded_by_the_input() {
    for bytes in [
        &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01][..],
        &[0x80, 0x80, 0x80, 0x80, 0x08][..],
    ] {
        let budget = Budget::new(bytes.len());
        let mut de = postcard::Deserializer::from_bytes(bytes);
        let r = Vec::<()>::deserialize(Bounded {
            inner: &mut de,
            budget: &budget,
        });
        assert!(r.is_err());
        let budget = Budget::new(bytes.len());
        let mut de = postcard::Deserializer::from_bytes(bytes);
        let r = std::collections::BTreeMap::<(), ()>::deserialize(Bounded {
            inner: &mut de,
            budget: &budget,
        });
        assert!(r.is_err());
    }
    // As many as the input has bytes is fine.
    let budget = Budget::new(1);
    let mut de = postcard::Deserializer::from_bytes(&[1]);
    let r = Vec::<()>::deserialize(Bounded {
        inner: &mut de,
        budget: &budget,
    });
    assert_eq!(r.ok(), Some(vec![()]));
}

fn saved(program: &Program, s: &VmState) -> Vec<u8> {
    encode(program.hash(), s).expect("encodes")
}

/// References to objects that do not exist, wherever they are held, are refused.
#[test]
fn dangling_references_are_refused() {
    let program = Program::compile("return 1").expect("compiles");
    let mut cases = Vec::new();
    let mut s = VmState::default();
    s.stack.push(Value::Object(ObjId(3)));
    cases.push(s);
    cases.push(VmState {
        awaiting: Some(ObjId(0)),
        ..VmState::default()
    });
    cases.push(VmState {
        handles: vec![(HandleId(0), ObjId(7))],
        next_handle: 1,
        ..VmState::default()
    });
    let mut s = VmState::default();
    s.heap.alloc(Obj::Array(vec![Value::Object(ObjId(9))]));
    cases.push(s);
    let mut s = VmState::default();
    s.heap.alloc(Obj::Env {
        slots: Vec::new(),
        parent: Some(ObjId(u32::MAX)),
    });
    cases.push(s);
    for s in cases {
        let e = decode(&saved(&program, &s), program.hash()).expect_err("refused");
        assert!(matches!(e, StateError::Inconsistent(_)), "{e}");
    }
}

fn native_frame(task: NativeTask) -> Frame {
    Frame {
        func: u32::MAX,
        pc: 0,
        base: 0,
        env: None,
        handlers: Vec::new(),
        native: Some(Box::new(task)),
    }
}

/// A builtin's progress that contradicts itself is refused.
#[test]
fn inconsistent_builtin_progress_is_refused() {
    let program = Program::compile("return 1").expect("compiles");
    let each = |arr, i, len| NativeTask::Each {
        op: EachOp::Map,
        arr,
        f: Value::Native(Native::Number),
        i,
        len,
        out: Vec::new(),
        cur: Value::Undefined,
    };
    let mut cases = Vec::new();
    // Past its end.
    let mut s = VmState::default();
    let arr = s.heap.alloc(Obj::Array(Vec::new()));
    s.frames.push(native_frame(each(arr, 5, 2)));
    cases.push(s);
    // Over something that is not an array.
    let mut s = VmState::default();
    let date = s.heap.alloc(Obj::Date(0.0));
    s.frames.push(native_frame(each(date, 0, 2)));
    cases.push(s);
    // A code frame with a builtin's progress.
    let mut s = VmState::default();
    let arr = s.heap.alloc(Obj::Array(Vec::new()));
    let mut f = native_frame(each(arr, 0, 2));
    f.func = 0;
    s.frames.push(f);
    cases.push(s);
    // A sort whose run width is 0.
    let mut s = VmState::default();
    let arr = s.heap.alloc(Obj::Array(Vec::new()));
    s.frames.push(native_frame(NativeTask::Sort {
        arr,
        f: Value::Undefined,
        items: vec![Value::Null; 2],
        buf: vec![Value::Null; 2],
        width: 0,
        lo: 0,
        li: 0,
        ri: 0,
        k: 0,
        comparing: false,
    }));
    cases.push(s);
    // A replace with more results than matches.
    let mut s = VmState::default();
    s.frames.push(native_frame(NativeTask::Replace {
        pieces: vec!["a".into()],
        offsets: Vec::new(),
        subject: "a".into(),
        needle: "b".into(),
        f: Value::Undefined,
        done: vec!["x".into()],
    }));
    cases.push(s);
    for s in cases {
        let e = decode(&saved(&program, &s), program.hash()).expect_err("refused");
        assert!(matches!(e, StateError::Inconsistent(_)), "{e}");
    }
}

/// A consistent state can still claim a huge iteration (the array may have shrunk since the
/// `map` started): each builtin callback counts as an instruction, so the step ends at the
/// instruction limit instead of looping 37 million times.
#[test]
fn a_huge_iteration_over_builtin_callbacks_ends_at_the_budget() {
    let program = Program::compile("const xs = [1]\nreturn xs.map((x) => x)").expect("compiles");
    let mut s = VmState::default();
    let arr = s.heap.alloc(Obj::Array(vec![Value::Number(1.0)]));
    s.frames.push(native_frame(NativeTask::Each {
        op: EachOp::Map,
        arr,
        f: Value::Native(Native::Number),
        i: 1,
        len: 37_696_504,
        out: Vec::new(),
        cur: Value::Undefined,
    }));
    // A code frame above it, about to return to the map: the callback's `return`.
    let (func, pc) = program
        .funcs
        .iter()
        .enumerate()
        .skip(1)
        .find_map(|(f, code)| {
            let pc = code.code.iter().position(|op| matches!(op, Op::Return))?;
            Some((f as u32, pc as u32))
        })
        .expect("the callback returns");
    s.frames.push(Frame {
        func,
        pc,
        base: 0,
        env: None,
        handlers: Vec::new(),
        native: None,
    });
    for _ in 0..8 {
        s.stack.push(Value::Undefined);
    }
    let bytes = saved(&program, &s);
    let step = crate::run::resume(&program, &bytes, Vec::new(), &ctx()).expect("decodes");
    match step.outcome {
        Outcome::Failed { error } => assert_eq!(error["type"], "LimitExceeded", "{error}"),
        other => panic!("{other:?}"),
    }
}
