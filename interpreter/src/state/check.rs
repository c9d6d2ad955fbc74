//! Validation of a decoded state before it runs: every object reference points at a live
//! object, and the saved progress of builtins is consistent with itself, so that resuming a
//! state that decoded but was corrupt fails with an error instead of looping or panicking.
//!
//! Only what a state saved by this interpreter always satisfies is checked: states are
//! compacted before saving, so every reference held anywhere is to a live object.

use crate::heap::{Heap, Trace};
use crate::value::{Obj, ObjId};
use crate::vm::callbacks::NativeTask;
use crate::vm::{Coroutine, Frame, VmState};

/// Why a decoded state is inconsistent (the message of [`super::StateError::Inconsistent`]).
pub(super) fn check(s: &VmState) -> Result<(), String> {
    let heap = &s.heap;
    let mut refs = Vec::new();
    for (_, obj) in heap.iter() {
        obj.trace(&mut refs);
        live(heap, &refs, "an object")?;
        refs.clear();
    }
    live(heap, &s.roots(), "the execution")?;
    let handle_promises: Vec<ObjId> = s.handles.iter().map(|(_, p)| *p).collect();
    live(heap, &handle_promises, "a pending handle")?;
    if let Some((h, _)) = s.handles.iter().find(|(h, _)| h.0 >= s.next_handle) {
        return Err(format!(
            "handle {} is not below the next handle number {}",
            h.0, s.next_handle
        ));
    }
    frames(heap, &s.frames)?;
    for c in s.callers.iter().chain(&s.parked) {
        coroutine(heap, c)?;
    }
    Ok(())
}

fn live(heap: &Heap, ids: &[ObjId], holder: &str) -> Result<(), String> {
    match ids.iter().find(|id| heap.get(**id).is_none()) {
        Some(id) => Err(format!(
            "{holder} refers to object {}, which does not exist",
            id.0
        )),
        None => Ok(()),
    }
}

fn coroutine(heap: &Heap, c: &Coroutine) -> Result<(), String> {
    frames(heap, &c.frames)
}

/// Native frames (and only they) have a builtin's progress, and that progress is consistent.
fn frames(heap: &Heap, frames: &[Frame]) -> Result<(), String> {
    for f in frames {
        match &f.native {
            None if f.func == u32::MAX => {
                return Err("a builtin's frame without its progress".into());
            }
            None => {}
            Some(_) if f.func != u32::MAX => {
                return Err(format!(
                    "the frame of function {} has a builtin's progress",
                    f.func
                ));
            }
            Some(task) => native(heap, task)?,
        }
    }
    Ok(())
}

fn native(heap: &Heap, task: &NativeTask) -> Result<(), String> {
    let array = |arr: &ObjId| match heap.get(*arr) {
        Some(Obj::Array(_)) => Ok(()),
        _ => Err(format!(
            "a builtin iterates over object {}, not an array",
            arr.0
        )),
    };
    match task {
        NativeTask::Each { arr, i, len, .. } | NativeTask::Reduce { arr, i, len, .. } => {
            array(arr)?;
            if i > len {
                return Err(format!("an iteration at {i} of {len}"));
            }
        }
        NativeTask::Sort {
            arr,
            items,
            buf,
            width,
            lo,
            li,
            ri,
            k,
            ..
        } => {
            array(arr)?;
            let n = items.len() as u64;
            let within = [*lo, *li, *ri, *k].iter().all(|c| u64::from(*c) <= n);
            if buf.len() != items.len() || *width == 0 || !within {
                return Err("a sort's progress is inconsistent".into());
            }
        }
        NativeTask::Replace {
            pieces,
            offsets,
            subject,
            done,
            ..
        } => {
            let in_subject = offsets.iter().all(|o| *o as usize <= subject.len());
            if pieces.len() != offsets.len() + 1 || done.len() > offsets.len() || !in_subject {
                return Err("a replace's progress is inconsistent".into());
            }
        }
    }
    Ok(())
}
