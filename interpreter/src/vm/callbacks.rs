//! Builtins that call back into the program (`map`, `filter`, `reduce`, `sort`, ...) as
//! explicit state machines: each step either asks the VM to call a function or finishes.
//! Their state is saved with the frames, so a callback may even suspend.

use serde::{Deserialize, Serialize};

use super::ops::truthy;
use super::{Exc, Machine};
use crate::heap::Trace;
use crate::value::{Obj, ObjId, Value};

/// Which array method drives an [`NativeTask::Each`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EachOp {
    /// `map`.
    Map,
    /// `filter`.
    Filter,
    /// `find`.
    Find,
    /// `findIndex`.
    FindIndex,
    /// `findLast`.
    FindLast,
    /// `findLastIndex`.
    FindLastIndex,
    /// `some`.
    Some,
    /// `every`.
    Every,
    /// `forEach`.
    ForEach,
    /// `flatMap`.
    FlatMap,
}

/// The saved progress of a callback-driven builtin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum NativeTask {
    /// `map`/`filter`/`find`/... over an array.
    Each {
        /// Which method.
        op: EachOp,
        /// The array (read live, as JavaScript does).
        arr: ObjId,
        /// The callback.
        f: Value,
        /// Next index to visit (the callback for `i - 1` is running).
        i: u32,
        /// Length fixed at the start.
        len: u32,
        /// Results so far.
        out: Vec<Value>,
        /// The element last passed to the callback.
        cur: Value,
    },
    /// `reduce`.
    Reduce {
        /// The array.
        arr: ObjId,
        /// The reducer.
        f: Value,
        /// Next index.
        i: u32,
        /// Length fixed at the start.
        len: u32,
        /// Accumulator (`None` before the first element when no initial value was given).
        acc: Option<Value>,
        /// A call is running.
        started: bool,
    },
    /// `sort` with a comparator: bottom-up merge sort (stable).
    Sort {
        /// The array sorted in place at the end.
        arr: ObjId,
        /// The comparator.
        f: Value,
        /// Working copy.
        items: Vec<Value>,
        /// Merge buffer.
        buf: Vec<Value>,
        /// Width of the runs being merged.
        width: u32,
        /// Start of the current pair of runs.
        lo: u32,
        /// Left cursor.
        li: u32,
        /// Right cursor.
        ri: u32,
        /// Output cursor.
        k: u32,
        /// A comparison is running.
        comparing: bool,
    },
    /// `String.prototype.replace(All)` with a function: the replacement pieces.
    Replace {
        /// The pieces between matches (one more than the matches).
        pieces: Vec<String>,
        /// Byte offset of each match.
        offsets: Vec<u32>,
        /// The searched string.
        subject: String,
        /// The matched text.
        needle: String,
        /// The callback.
        f: Value,
        /// Replacements computed so far.
        done: Vec<String>,
    },
}

/// What a native step wants.
pub enum NativeStep {
    /// Call `callee(args...)` and step again with the result.
    Call(Value, Vec<Value>),
    /// Finished with this value.
    Done(Value),
}

impl Trace for NativeTask {
    fn trace(&self, out: &mut Vec<ObjId>) {
        match self {
            NativeTask::Each {
                arr,
                f,
                out: o,
                cur,
                ..
            } => {
                out.push(*arr);
                f.trace(out);
                o.trace(out);
                cur.trace(out);
            }
            NativeTask::Reduce { arr, f, acc, .. } => {
                out.push(*arr);
                f.trace(out);
                acc.trace(out);
            }
            NativeTask::Sort {
                arr, f, items, buf, ..
            } => {
                out.push(*arr);
                f.trace(out);
                items.trace(out);
                buf.trace(out);
            }
            NativeTask::Replace { f, .. } => f.trace(out),
        }
    }
    fn remap(&mut self, map: &dyn Fn(ObjId) -> ObjId) {
        match self {
            NativeTask::Each {
                arr, f, out, cur, ..
            } => {
                *arr = map(*arr);
                f.remap(map);
                out.remap(map);
                cur.remap(map);
            }
            NativeTask::Reduce { arr, f, acc, .. } => {
                *arr = map(*arr);
                f.remap(map);
                acc.remap(map);
            }
            NativeTask::Sort {
                arr, f, items, buf, ..
            } => {
                *arr = map(*arr);
                f.remap(map);
                items.remap(map);
                buf.remap(map);
            }
            NativeTask::Replace { f, .. } => f.remap(map),
        }
    }
}

/// `buf[k] = items[i]`, ignoring out-of-range indices (corrupt state).
fn put(buf: &mut [Value], k: u32, items: &[Value], i: u32) {
    if let (Some(slot), Some(v)) = (buf.get_mut(k as usize), items.get(i as usize)) {
        *slot = v.clone();
    }
}

fn at(items: &[Value], i: u32) -> Value {
    items.get(i as usize).cloned().unwrap_or_default()
}

impl Machine<'_> {
    fn elem(&self, arr: ObjId, i: u32) -> Value {
        match self.s.heap.get(arr) {
            Some(Obj::Array(items)) => items.get(i as usize).cloned().unwrap_or_default(),
            _ => Value::Undefined,
        }
    }

    /// Advances a native task with the result of its last call.
    pub fn native_step(&mut self, task: &mut NativeTask, result: Value) -> Result<NativeStep, Exc> {
        match task {
            NativeTask::Each {
                op,
                arr,
                f,
                i,
                len,
                out,
                cur,
            } => {
                let reverse = matches!(op, EachOp::FindLast | EachOp::FindLastIndex);
                // Saved state may be corrupt: the cursor never passes the end.
                if *i > *len {
                    return Err(self.fatal_internal("iteration state is inconsistent"));
                }
                if *i > 0 {
                    let idx = if reverse { *len - *i } else { *i - 1 };
                    match op {
                        EachOp::Map => out.push(result),
                        EachOp::Filter => {
                            if truthy(&result) {
                                out.push(cur.clone());
                            }
                        }
                        EachOp::Find | EachOp::FindLast => {
                            if truthy(&result) {
                                return Ok(NativeStep::Done(cur.clone()));
                            }
                        }
                        EachOp::FindIndex | EachOp::FindLastIndex => {
                            if truthy(&result) {
                                return Ok(NativeStep::Done(Value::Number(f64::from(idx))));
                            }
                        }
                        EachOp::Some => {
                            if truthy(&result) {
                                return Ok(NativeStep::Done(Value::Bool(true)));
                            }
                        }
                        EachOp::Every => {
                            if !truthy(&result) {
                                return Ok(NativeStep::Done(Value::Bool(false)));
                            }
                        }
                        EachOp::ForEach => {}
                        EachOp::FlatMap => match self.array_items(&result) {
                            Some(items) => out.extend(items),
                            None => out.push(result),
                        },
                    }
                }
                if *i < *len {
                    let idx = if reverse { *len - 1 - *i } else { *i };
                    let v = self.elem(*arr, idx);
                    *cur = v.clone();
                    *i += 1;
                    return Ok(NativeStep::Call(
                        f.clone(),
                        vec![v, Value::Number(f64::from(idx)), Value::Object(*arr)],
                    ));
                }
                Ok(NativeStep::Done(match op {
                    EachOp::Map | EachOp::Filter | EachOp::FlatMap => {
                        let items = std::mem::take(out);
                        self.new_array(items)
                    }
                    EachOp::Find | EachOp::FindLast | EachOp::ForEach => Value::Undefined,
                    EachOp::FindIndex | EachOp::FindLastIndex => Value::Number(-1.0),
                    EachOp::Some => Value::Bool(false),
                    EachOp::Every => Value::Bool(true),
                }))
            }
            NativeTask::Reduce {
                arr,
                f,
                i,
                len,
                acc,
                started,
            } => {
                if *started {
                    *acc = Some(result);
                }
                if acc.is_none() {
                    if *len == 0 {
                        return Err(self.type_error("Reduce of empty array with no initial value"));
                    }
                    *acc = Some(self.elem(*arr, 0));
                    *i = 1;
                }
                if *i < *len {
                    let v = self.elem(*arr, *i);
                    let a = acc.clone().unwrap_or_default();
                    let idx = *i;
                    *i += 1;
                    *started = true;
                    return Ok(NativeStep::Call(
                        f.clone(),
                        vec![a, v, Value::Number(f64::from(idx)), Value::Object(*arr)],
                    ));
                }
                Ok(NativeStep::Done(acc.take().unwrap_or_default()))
            }
            NativeTask::Sort {
                arr,
                f,
                items,
                buf,
                width,
                lo,
                li,
                ri,
                k,
                comparing,
            } => {
                let n = items.len() as u32;
                // Saved state may be corrupt: never index out of range.
                if buf.len() != items.len()
                    || *width == 0
                    || *lo > n
                    || *li > n
                    || *ri > n
                    || *k > n
                    || (*comparing && (*li >= n || *ri >= n || *k >= n))
                {
                    return Err(self.fatal_internal("sort state is inconsistent"));
                }
                if *comparing {
                    *comparing = false;
                    let c = match result {
                        Value::Number(x) => x,
                        other => self.to_num(&other)?,
                    };
                    if c > 0.0 {
                        put(buf, *k, items, *ri);
                        *ri += 1;
                    } else {
                        put(buf, *k, items, *li);
                        *li += 1;
                    }
                    *k += 1;
                }
                loop {
                    if *width >= n {
                        let sorted = std::mem::take(items);
                        if let Some(Obj::Array(dst)) = self.s.heap.get_mut(*arr) {
                            // Elements past the sorted part (the `undefined`s) stay last.
                            let tail: Vec<Value> =
                                dst.drain(sorted.len().min(dst.len())..).collect();
                            *dst = sorted;
                            dst.extend(tail);
                        }
                        return Ok(NativeStep::Done(Value::Object(*arr)));
                    }
                    let mid = lo.saturating_add(*width).min(n);
                    let hi = lo.saturating_add(width.saturating_mul(2)).min(n);
                    if *li < mid && *ri < hi {
                        *comparing = true;
                        return Ok(NativeStep::Call(
                            f.clone(),
                            vec![at(items, *li), at(items, *ri)],
                        ));
                    }
                    while *li < mid {
                        put(buf, *k, items, *li);
                        *li += 1;
                        *k += 1;
                    }
                    while *ri < hi {
                        put(buf, *k, items, *ri);
                        *ri += 1;
                        *k += 1;
                    }
                    *lo = hi;
                    if *lo >= n {
                        std::mem::swap(items, buf);
                        *width = width.saturating_mul(2);
                        *lo = 0;
                    }
                    let mid = lo.saturating_add(*width).min(n);
                    *li = *lo;
                    *ri = mid;
                    *k = *lo;
                }
            }
            NativeTask::Replace {
                pieces,
                offsets,
                subject,
                needle,
                f,
                done,
            } => {
                if done.len() < offsets.len() && !matches!(result, Value::Uninit) {
                    let s = self.to_str(&result)?;
                    done.push(s.to_string());
                }
                if let Some(&pos) = offsets.get(done.len()) {
                    return Ok(NativeStep::Call(
                        f.clone(),
                        vec![
                            Value::str(needle),
                            Value::Number(pos as f64),
                            Value::str(subject),
                        ],
                    ));
                }
                let mut out = String::new();
                for (i, p) in pieces.iter().enumerate() {
                    out.push_str(p);
                    if let Some(r) = done.get(i) {
                        out.push_str(r);
                    }
                }
                Ok(NativeStep::Done(Value::str(&out)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::{Program, RunContext};
    use crate::vm::{Machine, VmState};

    /// Found by the `state` fuzz target: a saved sort whose run width is 0 (or near
    /// `u32::MAX`) looped forever. Such state is now refused as inconsistent.
    #[test]
    fn a_corrupt_sort_width_fails_instead_of_looping() {
        let program = Program::compile("return 1").unwrap();
        let ctx = RunContext::default();
        for width in [0, u32::MAX / 2 + 1, u32::MAX] {
            let mut m = Machine::new(&program, &ctx, VmState::default());
            let arr =
                m.s.heap
                    .alloc(Obj::Array(vec![Value::Number(2.0), Value::Number(1.0)]));
            let mut task = NativeTask::Sort {
                arr,
                f: Value::Undefined,
                items: vec![Value::Number(2.0), Value::Number(1.0), Value::Number(0.0)],
                buf: vec![Value::Undefined; 3],
                width,
                lo: 2,
                li: 3,
                ri: 3,
                k: 3,
                comparing: false,
            };
            // Returns (an error, or the array) instead of looping.
            let _ = m.native_step(&mut task, Value::Undefined);
        }
    }

    /// Found by the `state` fuzz target: a saved `findLast` whose cursor is past the end
    /// overflowed (a panic). It is refused as inconsistent.
    #[test]
    fn a_corrupt_iteration_cursor_is_an_error() {
        let program = Program::compile("return 1").unwrap();
        let ctx = RunContext::default();
        let mut m = Machine::new(&program, &ctx, VmState::default());
        let arr = m.s.heap.alloc(Obj::Array(vec![Value::Number(1.0)]));
        let mut task = NativeTask::Each {
            op: EachOp::FindLast,
            arr,
            f: Value::Undefined,
            i: 5,
            len: 1,
            out: Vec::new(),
            cur: Value::Undefined,
        };
        assert!(m.native_step(&mut task, Value::Undefined).is_err());
    }
}
