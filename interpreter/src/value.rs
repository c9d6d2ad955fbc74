//! Runtime values and heap objects: the data the VM computes with and saves.
//!
//! Primitive values live inline; objects, arrays, closures, errors, dates, environments and
//! promises live in the [`crate::heap::Heap`] and are referenced by [`ObjId`], which gives
//! JavaScript's reference semantics and makes the whole state plain serializable data.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::catalog::Native;
use crate::effects::HandleId;

/// An immutable, cheaply cloned string.
pub type Str = Arc<str>;

/// Index of an object in the heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ObjId(pub u32);

/// A JavaScript value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum Value {
    /// `undefined`.
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (IEEE-754 double).
    Number(f64),
    /// A string.
    String(Str),
    /// A reference to a heap object.
    Object(ObjId),
    /// A builtin global, namespace or function (`Math`, `Math.floor`, `parseInt`).
    Native(Native),
    /// A `let`/`const` binding that is not initialized yet (temporal dead zone).
    Uninit,
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    /// `null` or `undefined`.
    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }
}

/// An object's own properties in insertion order.
///
/// The first `hidden` entries are non-enumerable (used for `message`/`name` of errors).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Props {
    /// Key → value.
    pub map: IndexMap<Str, Value>,
    /// How many leading entries are non-enumerable.
    pub hidden: u8,
}

impl Props {
    /// Reads a property.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    /// Writes a property, appending it if new.
    pub fn set(&mut self, key: Str, value: Value) {
        self.map.insert(key, value);
    }

    /// Enumerable own keys in JavaScript's order: array-index keys ascending, then the others
    /// in insertion order.
    pub fn keys(&self) -> Vec<Str> {
        let visible = self.map.keys().skip(self.hidden as usize);
        let mut ints: Vec<(u32, Str)> = Vec::new();
        let mut others: Vec<Str> = Vec::new();
        for k in visible {
            match array_index(k) {
                Some(i) => ints.push((i, k.clone())),
                None => others.push(k.clone()),
            }
        }
        if ints.is_empty() {
            return others;
        }
        ints.sort_by_key(|(i, _)| *i);
        let mut out: Vec<Str> = ints.into_iter().map(|(_, k)| k).collect();
        out.extend(others);
        out
    }

    /// Enumerable own entries in JavaScript's order.
    pub fn entries(&self) -> Vec<(Str, Value)> {
        self.keys()
            .into_iter()
            .map(|k| {
                let v = self.map.get(&k).cloned().unwrap_or_default();
                (k, v)
            })
            .collect()
    }
}

/// The canonical array index a property key denotes, if any (`"0"`, `"17"`, not `"01"`).
pub fn array_index(key: &str) -> Option<u32> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 10 || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    if !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = key.parse().ok()?;
    if n < u64::from(u32::MAX) {
        Some(n as u32)
    } else {
        None
    }
}

/// How a promise came to be.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PromiseSource {
    /// An effect carried out by the host.
    External {
        /// Its handle.
        handle: HandleId,
        /// What kind of effect (withdrawable or not).
        kind: EffectKind,
        /// Withdrawn after losing a race: never settles.
        withdrawn: bool,
    },
    /// `Promise.all/allSettled/any/race`.
    Combinator {
        /// Which combinator.
        kind: Combinator,
        /// The inputs (promises or plain values).
        items: Vec<Value>,
        /// Results gathered so far, by input position.
        results: Vec<Option<Value>>,
        /// Inputs not settled yet.
        remaining: u32,
    },
    /// Already settled when created.
    Plain,
    /// The result of an async function called without `await` (a concurrent branch).
    Async,
}

/// The kind of external effect behind a promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EffectKind {
    /// `Task.run`.
    Task,
    /// `Timer.delay/until`.
    Timer,
    /// `Signal.next/when`.
    Signal,
    /// `Workflow.run`.
    Workflow,
}

/// `Promise.all` and friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Combinator {
    /// All fulfil, or the first rejection.
    All,
    /// Every outcome as `{ status, value | reason }`.
    AllSettled,
    /// The first fulfilment, or an `AggregateError` when all reject.
    Any,
    /// The first settlement.
    Race,
}

/// Where a promise stands.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PromiseState {
    /// Not settled yet.
    Pending,
    /// Fulfilled with a value.
    Fulfilled(Value),
    /// Rejected with a reason.
    Rejected(Value),
}

/// A handle: the value of `Task.run(...)`, `Timer.delay(...)`, `Promise.all(...)`, ...
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PromiseObj {
    /// Where it stands.
    pub state: PromiseState,
    /// How it came to be.
    pub source: PromiseSource,
    /// Combinators that wait on it.
    pub dependents: Vec<ObjId>,
}

/// A heap object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Obj {
    /// A plain object.
    Object(Props),
    /// An array (holes read as `undefined`).
    Array(Vec<Value>),
    /// An `Error` object, with the byte range of the code that created it.
    Error(Props, Option<(u32, u32)>),
    /// A `Date`: milliseconds since the epoch, `NaN` when invalid.
    Date(f64),
    /// A closure: a compiled function and the environment it was created in.
    Function {
        /// Index of the function in the program.
        func: u32,
        /// The captured environment.
        env: Option<ObjId>,
    },
    /// The heap-allocated bindings of one scope that closures capture.
    Env {
        /// Binding values by slot.
        slots: Vec<Value>,
        /// The enclosing environment.
        parent: Option<ObjId>,
    },
    /// A handle / promise.
    Promise(PromiseObj),
    /// A builtin method read as a value (`"abc".toUpperCase`): calling it calls the method on
    /// the receiver.
    BoundMethod {
        /// The receiver.
        recv: Value,
        /// The method name.
        name: Str,
    },
}

impl Obj {
    /// The `typeof` of this object.
    pub fn type_of(&self) -> &'static str {
        match self {
            Obj::Function { .. } | Obj::BoundMethod { .. } => "function",
            _ => "object",
        }
    }
}
