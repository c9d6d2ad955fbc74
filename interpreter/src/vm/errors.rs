//! Exceptions: thrown values, fatal limit failures, and the error objects the VM creates.

use crate::effects::Json;
use crate::value::{Obj, Props, Str, Value};

use super::Machine;

/// Why execution stopped unwinding normally.
#[derive(Debug, Clone)]
pub enum Exc {
    /// A JavaScript exception (catchable).
    Throw(Value),
    /// An uncatchable failure (instruction budget, heap size): the error JSON.
    Fatal(Json),
}

impl Machine<'_> {
    /// The source range of the instruction being executed.
    pub fn current_range(&self) -> Option<(u32, u32)> {
        let frame = self.s.frames.iter().rev().find(|f| f.native.is_none())?;
        let func = self.prog.funcs.get(frame.func as usize)?;
        let pc = (frame.pc as usize).checked_sub(1)?;
        let r = func.ranges.get(pc)?;
        Some((u32::from(r.start()), u32::from(r.end())))
    }

    /// Creates an error object (`name` is also its `type`).
    pub fn make_error(&mut self, name: &str, message: &str) -> Value {
        let mut props = Props::default();
        props.set(Str::from("message"), Value::str(message));
        props.set(Str::from("name"), Value::str(name));
        props.set(Str::from("type"), Value::str(name));
        props.hidden = 3;
        let range = self.current_range();
        Value::Object(self.s.heap.alloc(Obj::Error(props, range)))
    }

    /// An exception carrying a new error object.
    pub fn error(&mut self, name: &str, message: impl AsRef<str>) -> Exc {
        Exc::Throw(self.make_error(name, message.as_ref()))
    }

    /// `TypeError`.
    pub fn type_error(&mut self, message: impl AsRef<str>) -> Exc {
        self.error("TypeError", message)
    }

    /// `RangeError`.
    pub fn range_error(&mut self, message: impl AsRef<str>) -> Exc {
        self.error("RangeError", message)
    }

    /// `ReferenceError`.
    pub fn reference_error(&mut self, message: impl AsRef<str>) -> Exc {
        self.error("ReferenceError", message)
    }

    /// An uncatchable `LimitExceeded` failure.
    pub fn fatal_limit(&self, message: impl Into<String>) -> Exc {
        let mut e = serde_json::Map::new();
        e.insert("type".into(), Json::from("LimitExceeded"));
        e.insert("name".into(), Json::from("LimitExceeded"));
        e.insert("message".into(), Json::from(message.into()));
        if let Some(loc) = self.current_range() {
            e.insert("location".into(), self.prog.location_json(loc));
        }
        Exc::Fatal(Json::Object(e))
    }

    /// The source text of a byte range (for messages like "x is not a function").
    pub fn source_text(&self, range: Option<(u32, u32)>) -> String {
        range
            .and_then(|(s, e)| self.prog.source.get(s as usize..e as usize))
            .unwrap_or("expression")
            .to_string()
    }
}
