//! JSON: values entering and leaving the VM, `JSON.stringify` and `JSON.parse`.

use serde_json::Value as Json;

use super::conv::num_to_string;
use super::{Exc, Machine};
use crate::value::{Obj, ObjId, Props, Str, Value};

/// Nesting depth past which conversions give up (cycles are caught separately).
const MAX_DEPTH: usize = 1000;

/// Writes a JSON string literal as `JSON.stringify` does.
pub fn quote_json(s: &str, out: &mut String) {
    out.push_str(&crate::js::string::quote_json(s));
}

/// A JSON number from an f64 (`NaN`/`Infinity` become `null`, integers stay integers).
pub fn json_number(n: f64) -> Json {
    if !n.is_finite() {
        return Json::Null;
    }
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        return Json::from(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
}

impl Machine<'_> {
    /// A fresh heap value from JSON.
    pub fn from_json(&mut self, j: &Json) -> Value {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => Value::str(s),
            Json::Array(items) => {
                let vals = items.iter().map(|i| self.from_json(i)).collect();
                self.new_array(vals)
            }
            Json::Object(map) => {
                let mut p = Props::default();
                for (k, v) in map {
                    let v = self.from_json(v);
                    p.set(Str::from(k.as_str()), v);
                }
                Value::Object(self.s.heap.alloc(Obj::Object(p)))
            }
        }
    }

    /// Converts a value leaving the VM as `JSON.stringify` would; functions, handles and
    /// cycles are errors (the message says what was found).
    pub fn to_json_out(&self, v: &Value) -> Result<Json, String> {
        let mut stack = Vec::new();
        self.json_of(v, &mut stack, true)?
            .map_or(Ok(Json::Null), Ok)
    }

    /// The JSON of a value, `None` for values JSON omits (`undefined`, functions when not
    /// strict).
    fn json_of(&self, v: &Value, stack: &mut Vec<ObjId>, strict: bool) -> Result<Option<Json>, String> {
        Ok(Some(match v {
            Value::Undefined | Value::Uninit => return Ok(None),
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => json_number(*n),
            Value::String(s) => Json::String(s.to_string()),
            Value::Native(n) => {
                if strict {
                    return Err(format!("a function ({}) cannot be converted to JSON", n.path()));
                }
                return Ok(None);
            }
            Value::Object(id) => {
                if stack.contains(id) {
                    return Err("Converting circular structure to JSON".into());
                }
                if stack.len() > MAX_DEPTH {
                    return Err("value nested too deeply".into());
                }
                let Some(obj) = self.s.heap.get(*id) else {
                    return Ok(None);
                };
                match obj {
                    Obj::Date(t) => {
                        if t.is_nan() {
                            Json::Null
                        } else {
                            Json::String(super::date::iso_string(*t))
                        }
                    }
                    Obj::Function { .. } | Obj::Env { .. } | Obj::BoundMethod { .. } => {
                        if strict {
                            return Err("a function cannot be converted to JSON".into());
                        }
                        return Ok(None);
                    }
                    Obj::Promise(_) => {
                        if strict {
                            return Err("a handle (an un-awaited Task.run, Timer or Signal) cannot be converted to JSON; await it first".into());
                        }
                        Json::Object(serde_json::Map::new())
                    }
                    Obj::Array(items) => {
                        stack.push(*id);
                        let mut out = Vec::with_capacity(items.len());
                        for item in items {
                            out.push(self.json_of(item, stack, strict)?.unwrap_or(Json::Null));
                        }
                        stack.pop();
                        Json::Array(out)
                    }
                    Obj::Object(_) | Obj::Error(..) => {
                        stack.push(*id);
                        let mut map = serde_json::Map::new();
                        for (k, v) in self.own_entries(&Value::Object(*id)) {
                            if let Some(j) = self.json_of(&v, stack, strict)? {
                                map.insert(k.to_string(), j);
                            }
                        }
                        stack.pop();
                        Json::Object(map)
                    }
                }
            }
        }))
    }

    /// `JSON.stringify(value, null, indent)`: `None` when the result is `undefined`.
    pub fn stringify(&mut self, v: &Value, indent: &str) -> Result<Option<String>, Exc> {
        let mut out = String::new();
        let mut stack = Vec::new();
        match self.write_json(v, &mut out, &mut stack, indent, 0) {
            Ok(true) => Ok(Some(out)),
            Ok(false) => Ok(None),
            Err(msg) => Err(self.type_error(msg)),
        }
    }

    fn write_json(
        &self,
        v: &Value,
        out: &mut String,
        stack: &mut Vec<ObjId>,
        indent: &str,
        level: usize,
    ) -> Result<bool, String> {
        match v {
            Value::Undefined | Value::Uninit | Value::Native(_) => return Ok(false),
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                if n.is_finite() {
                    out.push_str(&num_to_string(*n));
                } else {
                    out.push_str("null");
                }
            }
            Value::String(s) => quote_json(s, out),
            Value::Object(id) => {
                let Some(obj) = self.s.heap.get(*id) else {
                    return Ok(false);
                };
                if stack.contains(id) {
                    return Err("Converting circular structure to JSON".into());
                }
                if stack.len() > MAX_DEPTH {
                    return Err("Maximum call stack size exceeded".into());
                }
                let nl = |out: &mut String, lvl: usize| {
                    if !indent.is_empty() {
                        out.push('\n');
                        for _ in 0..lvl {
                            out.push_str(indent);
                        }
                    }
                };
                match obj {
                    Obj::Date(t) => {
                        if t.is_nan() {
                            out.push_str("null");
                        } else {
                            quote_json(&super::date::iso_string(*t), out);
                        }
                    }
                    Obj::Function { .. } | Obj::Env { .. } | Obj::BoundMethod { .. } => return Ok(false),
                    Obj::Array(items) => {
                        stack.push(*id);
                        out.push('[');
                        for (i, item) in items.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            nl(out, level + 1);
                            if !self.write_json(item, out, stack, indent, level + 1)? {
                                out.push_str("null");
                            }
                        }
                        if !items.is_empty() {
                            nl(out, level);
                        }
                        out.push(']');
                        stack.pop();
                    }
                    Obj::Object(_) | Obj::Error(..) | Obj::Promise(_) => {
                        stack.push(*id);
                        out.push('{');
                        let mut first = true;
                        for (k, val) in self.own_entries(v) {
                            let mark = out.len();
                            if !first {
                                out.push(',');
                            }
                            nl(out, level + 1);
                            quote_json(&k, out);
                            out.push(':');
                            if !indent.is_empty() {
                                out.push(' ');
                            }
                            if self.write_json(&val, out, stack, indent, level + 1)? {
                                first = false;
                            } else {
                                out.truncate(mark);
                            }
                        }
                        if !first {
                            nl(out, level);
                        }
                        out.push('}');
                        stack.pop();
                    }
                }
            }
        }
        Ok(true)
    }
}
