//! The object heap: an arena of [`Obj`] indexed by [`ObjId`], with a mark-and-sweep
//! collector and a compacting pass used before the state is saved.

use serde::{Deserialize, Serialize};

use crate::value::{Obj, ObjId, PromiseSource, PromiseState, Value};

/// All heap objects of one execution.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Heap {
    objs: Vec<Option<Obj>>,
    #[serde(skip)]
    free: Vec<u32>,
    #[serde(skip)]
    allocated_since_gc: usize,
    #[serde(skip)]
    live_after_gc: usize,
}

/// Something that holds object references.
pub trait Trace {
    /// Pushes every directly referenced object.
    fn trace(&self, out: &mut Vec<ObjId>);
    /// Rewrites every reference through `map`.
    fn remap(&mut self, map: &dyn Fn(ObjId) -> ObjId);
}

impl Trace for Value {
    fn trace(&self, out: &mut Vec<ObjId>) {
        if let Value::Object(id) = self {
            out.push(*id);
        }
    }
    fn remap(&mut self, map: &dyn Fn(ObjId) -> ObjId) {
        if let Value::Object(id) = self {
            *id = map(*id);
        }
    }
}

impl<T: Trace> Trace for Vec<T> {
    fn trace(&self, out: &mut Vec<ObjId>) {
        for v in self {
            v.trace(out);
        }
    }
    fn remap(&mut self, map: &dyn Fn(ObjId) -> ObjId) {
        for v in self {
            v.remap(map);
        }
    }
}

impl<T: Trace> Trace for Option<T> {
    fn trace(&self, out: &mut Vec<ObjId>) {
        if let Some(v) = self {
            v.trace(out);
        }
    }
    fn remap(&mut self, map: &dyn Fn(ObjId) -> ObjId) {
        if let Some(v) = self {
            v.remap(map);
        }
    }
}

impl Trace for ObjId {
    fn trace(&self, out: &mut Vec<ObjId>) {
        out.push(*self);
    }
    fn remap(&mut self, map: &dyn Fn(ObjId) -> ObjId) {
        *self = map(*self);
    }
}

impl Trace for Obj {
    fn trace(&self, out: &mut Vec<ObjId>) {
        match self {
            Obj::Object(p) | Obj::Error(p, _) => {
                for v in p.map.values() {
                    v.trace(out);
                }
            }
            Obj::Array(items) => items.trace(out),
            Obj::Date(_) => {}
            Obj::Function { env, .. } => env.trace(out),
            Obj::BoundMethod { recv, .. } => recv.trace(out),
            Obj::Env { slots, parent } => {
                slots.trace(out);
                parent.trace(out);
            }
            Obj::Promise(p) => {
                match &p.state {
                    PromiseState::Pending => {}
                    PromiseState::Fulfilled(v) | PromiseState::Rejected(v) => v.trace(out),
                }
                if let PromiseSource::Combinator { items, results, .. } = &p.source {
                    items.trace(out);
                    for r in results.iter().flatten() {
                        r.trace(out);
                    }
                }
                p.dependents.trace(out);
            }
        }
    }
    fn remap(&mut self, map: &dyn Fn(ObjId) -> ObjId) {
        match self {
            Obj::Object(p) | Obj::Error(p, _) => {
                for v in p.map.values_mut() {
                    v.remap(map);
                }
            }
            Obj::Array(items) => items.remap(map),
            Obj::Date(_) => {}
            Obj::Function { env, .. } => env.remap(map),
            Obj::BoundMethod { recv, .. } => recv.remap(map),
            Obj::Env { slots, parent } => {
                slots.remap(map);
                parent.remap(map);
            }
            Obj::Promise(p) => {
                match &mut p.state {
                    PromiseState::Pending => {}
                    PromiseState::Fulfilled(v) | PromiseState::Rejected(v) => v.remap(map),
                }
                if let PromiseSource::Combinator { items, results, .. } = &mut p.source {
                    items.remap(map);
                    for r in results.iter_mut().flatten() {
                        r.remap(map);
                    }
                }
                p.dependents.remap(map);
            }
        }
    }
}

impl Heap {
    /// Stores a new object.
    pub fn alloc(&mut self, obj: Obj) -> ObjId {
        self.allocated_since_gc += 1;
        if let Some(i) = self.free.pop() {
            self.objs[i as usize] = Some(obj);
            ObjId(i)
        } else {
            self.objs.push(Some(obj));
            ObjId((self.objs.len() - 1) as u32)
        }
    }

    /// The object with this id (`None` for a dangling id, which only corrupt state produces).
    pub fn get(&self, id: ObjId) -> Option<&Obj> {
        self.objs.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// The object with this id, mutably.
    pub fn get_mut(&mut self, id: ObjId) -> Option<&mut Obj> {
        self.objs.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    /// Number of live objects (after the last collection, plus allocations since).
    pub fn len(&self) -> usize {
        self.objs.len() - self.free.len()
    }

    /// True when the heap holds no objects.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Counts work that grew memory without allocating objects (long arrays and strings built
    /// by builtins), in elements or bytes, so that such growth also leads to a collection and
    /// the heap-limit check that follows it.
    pub fn note_growth(&mut self, units: usize) {
        self.allocated_since_gc = self.allocated_since_gc.saturating_add(units / 8);
    }

    /// True when enough was allocated since the last collection to make one worthwhile.
    pub fn wants_gc(&self) -> bool {
        self.allocated_since_gc > 50_000 && self.allocated_since_gc > self.live_after_gc
    }

    /// Rebuilds the free list after deserialization.
    pub fn rebuild_free_list(&mut self) {
        self.free = self
            .objs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.is_none())
            .map(|(i, _)| i as u32)
            .collect();
        self.live_after_gc = self.len();
    }

    fn mark(&self, roots: Vec<ObjId>) -> Vec<bool> {
        let mut marked = vec![false; self.objs.len()];
        let mut work = roots;
        while let Some(id) = work.pop() {
            let i = id.0 as usize;
            if i >= marked.len() || marked[i] {
                continue;
            }
            marked[i] = true;
            if let Some(obj) = &self.objs[i] {
                obj.trace(&mut work);
            }
        }
        marked
    }

    /// Frees every object not reachable from `roots`. Returns the marks (true = live).
    pub fn sweep(&mut self, roots: Vec<ObjId>) -> Vec<bool> {
        let marked = self.mark(roots);
        for (i, live) in marked.iter().enumerate() {
            if !live && self.objs[i].is_some() {
                self.objs[i] = None;
            }
        }
        self.rebuild_free_list();
        self.allocated_since_gc = 0;
        marked
    }

    /// Drops unreachable objects and renumbers the live ones densely. Returns the mapping
    /// (old id → new id) that every holder of references outside the heap must apply.
    pub fn compact(&mut self, roots: Vec<ObjId>) -> Vec<u32> {
        let marked = self.mark(roots);
        let mut map = vec![u32::MAX; self.objs.len()];
        let mut next = 0u32;
        for (i, live) in marked.iter().enumerate() {
            if *live && self.objs[i].is_some() {
                map[i] = next;
                next += 1;
            }
        }
        let old = std::mem::take(&mut self.objs);
        let remap = |id: ObjId| ObjId(map.get(id.0 as usize).copied().unwrap_or(u32::MAX));
        let mut objs = Vec::with_capacity(next as usize);
        for (i, o) in old.into_iter().enumerate() {
            if map[i] != u32::MAX
                && let Some(mut o) = o
            {
                o.remap(&remap);
                objs.push(Some(o));
            }
        }
        self.objs = objs;
        self.free.clear();
        self.allocated_since_gc = 0;
        self.live_after_gc = self.objs.len();
        map
    }

    /// All objects (for inspection tools).
    pub fn iter(&self) -> impl Iterator<Item = (ObjId, &Obj)> {
        self.objs
            .iter()
            .enumerate()
            .filter_map(|(i, o)| o.as_ref().map(|o| (ObjId(i as u32), o)))
    }
}
