//! Handles: effects the host carries out, `Promise.*` combinators, deliveries, withdrawals.

use crate::effects::{Delivery, HandleId, Request, Settlement};
use crate::value::{
    Combinator, EffectKind, Obj, ObjId, PromiseObj, PromiseSource, PromiseState, Str, Value,
};

use super::{Exc, Machine};

impl Machine<'_> {
    /// Registers a new effect and returns its handle value; `make` builds the request.
    pub fn new_effect(
        &mut self,
        kind: EffectKind,
        make: impl FnOnce(HandleId) -> Request,
    ) -> Value {
        let handle = HandleId(self.s.next_handle);
        self.s.next_handle += 1;
        let id = self.s.heap.alloc(Obj::Promise(PromiseObj {
            state: PromiseState::Pending,
            source: PromiseSource::External {
                handle,
                kind,
                withdrawn: false,
            },
            dependents: Vec::new(),
        }));
        self.s.handles.push((handle, id));
        self.requests.push(make(handle));
        Value::Object(id)
    }

    /// A promise already settled (`Promise.resolve/reject`).
    pub fn settled_promise(&mut self, r: Result<Value, Value>) -> Value {
        let state = match r {
            Ok(v) => PromiseState::Fulfilled(v),
            Err(e) => PromiseState::Rejected(e),
        };
        Value::Object(self.s.heap.alloc(Obj::Promise(PromiseObj {
            state,
            source: PromiseSource::Plain,
            dependents: Vec::new(),
        })))
    }

    /// `Some(Ok(value))` / `Some(Err(reason))` when settled, `None` while pending.
    pub fn promise_result(&self, p: ObjId) -> Option<Result<Value, Value>> {
        match self.s.heap.get(p) {
            Some(Obj::Promise(po)) => match &po.state {
                PromiseState::Pending => None,
                PromiseState::Fulfilled(v) => Some(Ok(v.clone())),
                PromiseState::Rejected(e) => Some(Err(e.clone())),
            },
            _ => Some(Ok(Value::Object(p))),
        }
    }

    fn is_promise(&self, v: &Value) -> Option<ObjId> {
        match v {
            Value::Object(id) if matches!(self.s.heap.get(*id), Some(Obj::Promise(_))) => Some(*id),
            _ => None,
        }
    }

    /// `Promise.all` and friends over the elements of `iterable`.
    pub fn combinator(&mut self, kind: Combinator, iterable: &Value) -> Result<Value, Exc> {
        let items = match self.iterate(iterable) {
            Ok(items) => items,
            Err(_) => {
                let t = self.type_of(iterable);
                let shown = if iterable.is_nullish() {
                    self.plain_to_string(iterable)
                } else {
                    format!("{t} {}", self.plain_to_string(iterable))
                };
                return Err(self.type_error(format!(
                    "{shown} is not iterable (cannot read property Symbol(Symbol.iterator))"
                )));
            }
        };
        let n = items.len();
        let id = self.s.heap.alloc(Obj::Promise(PromiseObj {
            state: PromiseState::Pending,
            source: PromiseSource::Combinator {
                kind,
                items: items.clone(),
                results: vec![None; n],
                remaining: n as u32,
            },
            dependents: Vec::new(),
        }));
        if n == 0 {
            match kind {
                Combinator::All | Combinator::AllSettled => {
                    let arr = self.new_array(Vec::new());
                    self.settle(id, Ok(arr));
                }
                Combinator::Any => {
                    let e = self.aggregate_error(Vec::new());
                    self.settle(id, Err(e));
                }
                Combinator::Race => {}
            }
            return Ok(Value::Object(id));
        }
        // Register with pending inputs first, then feed the settled ones in list order.
        for item in &items {
            if let Some(p) = self.is_promise(item)
                && self.promise_result(p).is_none()
                && let Some(Obj::Promise(po)) = self.s.heap.get_mut(p)
            {
                po.dependents.push(id);
            }
        }
        for (i, item) in items.iter().enumerate() {
            let r = match self.is_promise(item) {
                Some(p) => self.promise_result(p),
                None => Some(Ok(item.clone())),
            };
            if let Some(r) = r {
                self.combinator_input(id, i, r);
            }
            if self.promise_result(id).is_some() {
                break;
            }
        }
        Ok(Value::Object(id))
    }

    fn aggregate_error(&mut self, errors: Vec<Value>) -> Value {
        let e = self.make_error("AggregateError", "All promises were rejected");
        let arr = self.new_array(errors);
        if let Value::Object(id) = &e
            && let Some(Obj::Error(p, _)) = self.s.heap.get_mut(*id)
        {
            p.set(Str::from("errors"), arr);
        }
        e
    }

    /// Input `i` of combinator `c` settled.
    fn combinator_input(&mut self, c: ObjId, i: usize, r: Result<Value, Value>) {
        let Some(Obj::Promise(po)) = self.s.heap.get(c) else {
            return;
        };
        if !matches!(po.state, PromiseState::Pending) {
            return;
        }
        let PromiseSource::Combinator {
            kind,
            results,
            remaining,
            ..
        } = &po.source
        else {
            return;
        };
        let kind = *kind;
        if results.get(i).is_none_or(Option::is_some) {
            return;
        }
        let _ = remaining;
        let stored = match (&kind, &r) {
            (Combinator::AllSettled, Ok(v)) => Some(self.new_object(vec![
                (Str::from("status"), Value::str("fulfilled")),
                (Str::from("value"), v.clone()),
            ])),
            (Combinator::AllSettled, Err(e)) => Some(self.new_object(vec![
                (Str::from("status"), Value::str("rejected")),
                (Str::from("reason"), e.clone()),
            ])),
            (Combinator::All, Ok(v)) => Some(v.clone()),
            (Combinator::Any, Err(e)) => Some(e.clone()),
            _ => None,
        };
        let outcome: Option<Result<Value, Value>> = match (kind, r) {
            (Combinator::Race, r) => Some(r),
            (Combinator::All, Err(e)) => Some(Err(e)),
            (Combinator::Any, Ok(v)) => Some(Ok(v)),
            _ => None,
        };
        if let Some(out) = outcome {
            self.settle(c, out);
            if matches!(kind, Combinator::Race | Combinator::Any) {
                self.withdraw_losers(c);
            }
            return;
        }
        let mut finished = None;
        if let Some(Obj::Promise(po)) = self.s.heap.get_mut(c)
            && let PromiseSource::Combinator {
                results, remaining, ..
            } = &mut po.source
        {
            if let Some(slot) = results.get_mut(i) {
                *slot = stored;
            }
            *remaining = remaining.saturating_sub(1);
            if *remaining == 0 {
                finished = Some(
                    results
                        .iter()
                        .map(|r| r.clone().unwrap_or_default())
                        .collect::<Vec<_>>(),
                );
            }
        }
        if let Some(values) = finished {
            let r = match kind {
                Combinator::Any => Err(self.aggregate_error(values)),
                _ => Ok(self.new_array(values)),
            };
            self.settle(c, r);
        }
    }

    /// Settles a promise and informs the combinators waiting on it.
    pub fn settle(&mut self, p: ObjId, r: Result<Value, Value>) {
        let dependents = match self.s.heap.get_mut(p) {
            Some(Obj::Promise(po)) if matches!(po.state, PromiseState::Pending) => {
                po.state = match &r {
                    Ok(v) => PromiseState::Fulfilled(v.clone()),
                    Err(e) => PromiseState::Rejected(e.clone()),
                };
                std::mem::take(&mut po.dependents)
            }
            _ => return,
        };
        for c in dependents {
            let positions: Vec<usize> = match self.s.heap.get(c) {
                Some(Obj::Promise(PromiseObj {
                    source: PromiseSource::Combinator { items, .. },
                    ..
                })) => items
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| matches!(v, Value::Object(id) if *id == p))
                    .map(|(i, _)| i)
                    .collect(),
                _ => Vec::new(),
            };
            for i in positions {
                self.combinator_input(c, i, r.clone());
            }
        }
    }

    /// After a race/any settled: withdraws its pending timer and signal inputs.
    fn withdraw_losers(&mut self, c: ObjId) {
        let items = match self.s.heap.get(c) {
            Some(Obj::Promise(PromiseObj {
                source: PromiseSource::Combinator { items, .. },
                ..
            })) => items.clone(),
            _ => return,
        };
        for item in items {
            let Value::Object(id) = item else { continue };
            let Some(Obj::Promise(po)) = self.s.heap.get_mut(id) else {
                continue;
            };
            po.dependents.retain(|d| *d != c);
            if !matches!(po.state, PromiseState::Pending) || !po.dependents.is_empty() {
                continue;
            }
            if let PromiseSource::External {
                handle,
                kind: EffectKind::Timer | EffectKind::Signal,
                withdrawn,
            } = &mut po.source
                && !*withdrawn
                && self.s.awaiting != Some(id)
            {
                *withdrawn = true;
                let handle = *handle;
                self.requests.push(Request::Withdraw { handle });
                self.s.handles.retain(|(h, _)| *h != handle);
            }
        }
    }

    /// Applies one delivery; returns the exception to throw at the await for a cancel.
    pub fn apply_delivery(&mut self, d: Delivery) -> Option<Value> {
        match d {
            Delivery::Cancel => {
                let e = self.make_error("Cancelled", "the execution was cancelled");
                Some(e)
            }
            Delivery::Settled { handle, settlement } => {
                let pos = self.s.handles.iter().position(|(h, _)| *h == handle)?;
                let (_, p) = self.s.handles.remove(pos);
                let r = match settlement {
                    Settlement::Fulfilled(j) => Ok(self.from_json(&j)),
                    Settlement::Rejected(j) => Err(self.error_from_json(&j)),
                };
                self.settle(p, r);
                None
            }
        }
    }

    /// The external handles a promise still waits on. Linear in the promises and branches
    /// (saved state can hold many of each: no pass over one per the other).
    pub fn waiting_on(&self, p: ObjId) -> Vec<HandleId> {
        let mut out = Vec::new();
        let mut work = vec![p];
        let mut seen = std::collections::HashSet::new();
        // What each parked branch's promise waits on, built once when first needed.
        let mut awaited_by_branch: Option<std::collections::HashMap<ObjId, Vec<ObjId>>> = None;
        while let Some(id) = work.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(Obj::Promise(po)) = self.s.heap.get(id) else {
                continue;
            };
            if !matches!(po.state, PromiseState::Pending) {
                continue;
            }
            match &po.source {
                PromiseSource::External { handle, .. } => out.push(*handle),
                PromiseSource::Combinator { items, .. } => {
                    for v in items.iter().rev() {
                        if let Value::Object(i) = v {
                            work.push(*i);
                        }
                    }
                }
                PromiseSource::Plain => {}
                PromiseSource::Async => {
                    let by_branch = awaited_by_branch.get_or_insert_with(|| {
                        let mut m = std::collections::HashMap::<ObjId, Vec<ObjId>>::new();
                        for c in &self.s.parked {
                            if let (Some(p), Some(a)) = (c.promise, c.awaiting) {
                                m.entry(p).or_default().push(a);
                            }
                        }
                        m
                    });
                    if let Some(awaited) = by_branch.get(&id) {
                        work.extend(awaited);
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The value a rejected settlement throws: the error JSON as a plain object, with `name`
    /// mirroring `type` when absent (a non-object becomes an `Error` with that message).
    pub fn error_from_json(&mut self, j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Object(map) => {
                let v = self.from_json(j);
                if !map.contains_key("name")
                    && let Value::Object(id) = &v
                    && let Some(Obj::Object(p)) = self.s.heap.get_mut(*id)
                {
                    let name = p.get("type").cloned().unwrap_or(Value::str("Error"));
                    p.set(Str::from("name"), name);
                }
                v
            }
            other => {
                let msg = match other {
                    serde_json::Value::String(s) => s.clone(),
                    o => o.to_string(),
                };
                self.make_error("Error", &msg)
            }
        }
    }

    /// Throws when a value that must leave the VM cannot (used by effect builtins).
    pub fn json_out(&mut self, v: &Value, what: &str) -> Result<serde_json::Value, Exc> {
        match self.to_json_out(v) {
            Ok(j) => Ok(j),
            Err(msg) => Err(self.type_error(format!("{what}: {msg}"))),
        }
    }
}
