//! Property access: `o.x`, `o[k]`, assignment to them, and the `in` operator.

use super::{Exc, Machine};
use crate::catalog::Native;
use crate::value::{Obj, Str, Value, array_index};

/// The array index a number denotes, if any.
pub fn num_index(n: f64) -> Option<usize> {
    if n >= 0.0 && n.fract() == 0.0 && n < 4_294_967_295.0 {
        Some(n as usize)
    } else {
        None
    }
}

/// Length of a string in UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// The UTF-16 code unit at `i` as a one-unit string.
pub fn char_at(s: &str, i: usize) -> Option<Str> {
    if s.is_ascii() {
        return s.get(i..i + 1).map(Str::from);
    }
    let unit = s.encode_utf16().nth(i)?;
    Some(Str::from(String::from_utf16_lossy(&[unit])))
}

impl Machine<'_> {
    fn nullish_read(&mut self, obj: &Value, key: &str) -> Exc {
        let what = if matches!(obj, Value::Null) {
            "null"
        } else {
            "undefined"
        };
        self.type_error(format!(
            "Cannot read properties of {what} (reading '{key}')"
        ))
    }

    /// `obj.key`.
    pub fn get_prop(&mut self, obj: &Value, key: &str) -> Result<Value, Exc> {
        match obj {
            Value::Undefined | Value::Null | Value::Uninit => Err(self.nullish_read(obj, key)),
            Value::String(s) => Ok(if key == "length" {
                Value::Number(utf16_len(s) as f64)
            } else if let Some(i) = array_index(key) {
                char_at(s, i as usize).map_or(Value::Undefined, Value::String)
            } else {
                self.bound_method(obj, key, crate::catalog::STRING_METHODS)
            }),
            Value::Number(_) => Ok(self.bound_method(obj, key, crate::catalog::NUMBER_METHODS)),
            Value::Bool(_) => Ok(if key == "toString" || key == "valueOf" {
                self.bound_method(obj, key, &["toString", "valueOf"])
            } else {
                Value::Undefined
            }),
            Value::Native(n) => Ok(self.native_prop(*n, key)),
            Value::Object(id) => Ok(match self.s.heap.get(*id) {
                Some(Obj::Object(p)) => p.get(key).cloned().unwrap_or_default(),
                Some(Obj::Error(p, _)) => match p.get(key) {
                    Some(v) => v.clone(),
                    None if key == "name" => Value::str("Error"),
                    None if key == "message" => Value::str(""),
                    None if key == "stack" => {
                        let s = self.error_to_string(*id);
                        Value::String(Str::from(format!("{s}\n    at <workflow>")))
                    }
                    None => Value::Undefined,
                },
                Some(Obj::Array(items)) => {
                    if key == "length" {
                        Value::Number(items.len() as f64)
                    } else if let Some(i) = array_index(key) {
                        items.get(i as usize).cloned().unwrap_or_default()
                    } else {
                        self.bound_method(obj, key, crate::catalog::ARRAY_METHODS)
                    }
                }
                Some(Obj::Date(_)) => self.bound_method(obj, key, crate::catalog::DATE_METHODS),
                Some(Obj::BoundMethod { name, .. }) if key == "name" => Value::String(name.clone()),
                Some(Obj::Function { func, .. }) => match key {
                    "name" => Value::String(
                        self.prog
                            .funcs
                            .get(*func as usize)
                            .map_or_else(|| Str::from(""), |f| f.name.clone()),
                    ),
                    "length" => Value::Number(
                        self.prog
                            .funcs
                            .get(*func as usize)
                            .map_or(0.0, |f| f64::from(f.nparams)),
                    ),
                    _ => Value::Undefined,
                },
                _ => Value::Undefined,
            }),
        }
    }

    /// A method of a builtin type read as a value.
    fn bound_method(&mut self, recv: &Value, key: &str, methods: &[&str]) -> Value {
        if methods.contains(&key) {
            Value::Object(self.s.heap.alloc(Obj::BoundMethod {
                recv: recv.clone(),
                name: Str::from(key),
            }))
        } else {
            Value::Undefined
        }
    }

    /// A static property of a builtin (`Math.PI`, `Context.executionId`, `Math.floor`).
    fn native_prop(&mut self, n: Native, key: &str) -> Value {
        if n == Native::Context {
            return match key {
                "executionId" => Value::str(&self.ctx.execution_id),
                "workflowName" => Value::str(&self.ctx.workflow_name),
                "version" => Value::str(self.prog.hash()),
                _ => Value::Undefined,
            };
        }
        if key == "name" && n.is_callable() {
            return Value::str(n.name());
        }
        if let Some(c) = n.constant(key) {
            return Value::Number(c);
        }
        n.member_fn(key).map_or(Value::Undefined, Value::Native)
    }

    /// `obj[key]`.
    pub fn get_index(&mut self, obj: &Value, key: &Value) -> Result<Value, Exc> {
        if let (Value::Object(id), Value::Number(n)) = (obj, key)
            && let Some(Obj::Array(items)) = self.s.heap.get(*id)
            && let Some(i) = num_index(*n)
        {
            return Ok(items.get(i).cloned().unwrap_or_default());
        }
        if let (Value::String(s), Value::Number(n)) = (obj, key)
            && let Some(i) = num_index(*n)
        {
            return Ok(char_at(s, i).map_or(Value::Undefined, Value::String));
        }
        if obj.is_nullish() {
            let k = self.to_key(key)?;
            return Err(self.nullish_read(obj, &k));
        }
        let k = self.to_key(key)?;
        self.get_prop(obj, &k)
    }

    /// `obj.key = value`.
    pub fn set_prop(&mut self, obj: &Value, key: Str, value: Value) -> Result<(), Exc> {
        let max_len = self.limits().max_heap_bytes / 8;
        match obj {
            Value::Undefined | Value::Null | Value::Uninit => {
                let what = if matches!(obj, Value::Null) {
                    "null"
                } else {
                    "undefined"
                };
                Err(self.type_error(format!("Cannot set properties of {what} (setting '{key}')")))
            }
            Value::Object(id) => {
                let id = *id;
                match self.s.heap.get_mut(id) {
                    Some(Obj::Object(p)) | Some(Obj::Error(p, _)) => {
                        p.set(key, value);
                        Ok(())
                    }
                    Some(Obj::Array(items)) => {
                        if &*key == "length" {
                            let n = match value {
                                Value::Number(n) => num_index(n),
                                _ => None,
                            };
                            match n {
                                Some(n) if n <= max_len => {
                                    items.resize(n, Value::Undefined);
                                    Ok(())
                                }
                                _ => Err(self.range_error("Invalid array length")),
                            }
                        } else if let Some(i) = array_index(&key) {
                            let i = i as usize;
                            if i < items.len() {
                                items[i] = value;
                            } else if i <= max_len {
                                items.resize(i, Value::Undefined);
                                items.push(value);
                            } else {
                                return Err(self.range_error("Invalid array length"));
                            }
                            Ok(())
                        } else {
                            Ok(())
                        }
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// `obj[key] = value`.
    pub fn set_index(&mut self, obj: &Value, key: &Value, value: Value) -> Result<(), Exc> {
        if let (Value::Object(id), Value::Number(n)) = (obj, key)
            && let Some(i) = num_index(*n)
            && let Some(Obj::Array(items)) = self.s.heap.get_mut(*id)
            && i < items.len()
        {
            items[i] = value;
            return Ok(());
        }
        let k = self.to_key(key)?;
        self.set_prop(obj, k, value)
    }

    /// `key in obj`.
    pub fn has_property(&mut self, obj: &Value, key: &str) -> Result<bool, Exc> {
        match obj {
            Value::Object(id) => Ok(match self.s.heap.get(*id) {
                Some(Obj::Object(p)) => p.get(key).is_some(),
                Some(Obj::Error(p, _)) => {
                    p.get(key).is_some() || matches!(key, "name" | "message" | "stack")
                }
                Some(Obj::Array(items)) => {
                    key == "length" || array_index(key).is_some_and(|i| (i as usize) < items.len())
                }
                Some(Obj::Function { .. }) => matches!(key, "name" | "length"),
                _ => false,
            }),
            Value::Native(n) => Ok(!matches!(self.native_prop(*n, key), Value::Undefined)),
            other => {
                let s = self.plain_to_string(other);
                Err(self.type_error(format!(
                    "Cannot use 'in' operator to search for '{key}' in {s}"
                )))
            }
        }
    }

    /// Own enumerable keys (`Object.keys`, `for…in`, spread).
    pub fn own_keys(&self, v: &Value) -> Vec<Str> {
        match v {
            Value::Object(id) => match self.s.heap.get(*id) {
                Some(Obj::Object(p)) | Some(Obj::Error(p, _)) => p.keys(),
                Some(Obj::Array(items)) => {
                    (0..items.len()).map(|i| Str::from(i.to_string())).collect()
                }
                _ => Vec::new(),
            },
            Value::String(s) => (0..utf16_len(s))
                .map(|i| Str::from(i.to_string()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Own enumerable entries.
    pub fn own_entries(&self, v: &Value) -> Vec<(Str, Value)> {
        match v {
            Value::Object(id) => match self.s.heap.get(*id) {
                Some(Obj::Object(p)) | Some(Obj::Error(p, _)) => p.entries(),
                Some(Obj::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Str::from(i.to_string()), v.clone()))
                    .collect(),
                _ => Vec::new(),
            },
            Value::String(s) => s
                .encode_utf16()
                .enumerate()
                .map(|(i, u)| {
                    (
                        Str::from(i.to_string()),
                        Value::String(Str::from(String::from_utf16_lossy(&[u]))),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A new array.
    pub fn new_array(&mut self, items: Vec<Value>) -> Value {
        Value::Object(self.s.heap.alloc(Obj::Array(items)))
    }

    /// A new plain object.
    pub fn new_object(&mut self, entries: Vec<(Str, Value)>) -> Value {
        let mut p = crate::value::Props::default();
        for (k, v) in entries {
            p.set(k, v);
        }
        Value::Object(self.s.heap.alloc(Obj::Object(p)))
    }

    /// The elements of an array value (a copy), or `None` when it is not an array.
    pub fn array_items(&self, v: &Value) -> Option<Vec<Value>> {
        match v {
            Value::Object(id) => match self.s.heap.get(*id) {
                Some(Obj::Array(items)) => Some(items.clone()),
                _ => None,
            },
            _ => None,
        }
    }
}
