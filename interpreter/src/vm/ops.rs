//! JavaScript's abstract operations over VM values: truthiness, `ToNumber`, `ToString`,
//! `ToPrimitive`, equality, comparison and the binary operators.

use std::cmp::Ordering;

use rhythm_analyzer::ir::BinaryOp;

use super::conv::{num_to_string, string_to_number, to_int32, to_uint32};
use super::{Exc, Machine};
use crate::value::{Obj, Str, Value};

/// The longest string JavaScript engines build (V8: 2^29 - 24 characters), in bytes here.
pub const MAX_JS_STRING_BYTES: usize = 1 << 29;

/// Which primitive `ToPrimitive` prefers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// `+`, `==`: numbers, except dates.
    Default,
    /// Arithmetic.
    Number,
    /// Template literals, `String(x)`.
    String,
}

/// JavaScript truthiness.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Undefined | Value::Null | Value::Uninit => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        Value::Object(_) | Value::Native(_) => true,
    }
}

/// Orders two strings by UTF-16 code units, as JavaScript does.
pub fn cmp_str(a: &str, b: &str) -> Ordering {
    crate::js::string::compare(a, b)
}

/// `===`.
pub fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
        (Value::Object(x), Value::Object(y)) => x == y,
        (Value::Native(x), Value::Native(y)) => x == y,
        _ => false,
    }
}

/// `SameValueZero` (used by `includes`).
pub fn same_value_zero(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || (x.is_nan() && y.is_nan()),
        _ => strict_eq(a, b),
    }
}

impl Machine<'_> {
    /// `typeof v`.
    pub fn type_of(&self, v: &Value) -> &'static str {
        match v {
            Value::Undefined | Value::Uninit => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Native(n) => {
                if n.is_function() {
                    "function"
                } else {
                    "object"
                }
            }
            Value::Object(id) => self.s.heap.get(*id).map_or("object", Obj::type_of),
        }
    }

    /// `ToPrimitive`.
    pub fn to_primitive(&mut self, v: &Value, hint: Hint) -> Result<Value, Exc> {
        let Value::Object(id) = v else {
            if let Value::Native(n) = v {
                return Ok(Value::String(Str::from(native_source(n.path()))));
            }
            return Ok(v.clone());
        };
        let s = match self.s.heap.get(*id) {
            Some(Obj::Date(t)) => {
                if hint == Hint::Number {
                    return Ok(Value::Number(*t));
                }
                super::date::date_string(*t)
            }
            Some(Obj::Array(_)) => self.array_join(*id, ",", 0)?,
            Some(Obj::Error(..)) => self.error_to_string(*id),
            Some(Obj::Function { func, .. }) => {
                let f = self.prog.funcs.get(*func as usize);
                match f {
                    Some(_) => self.function_source(*func),
                    None => String::new(),
                }
            }
            Some(Obj::Promise(_)) => "[object Promise]".to_string(),
            _ => "[object Object]".to_string(),
        };
        Ok(Value::String(Str::from(s)))
    }

    /// The source text of a compiled function (what `String(f)` gives).
    pub fn function_source(&self, func: u32) -> String {
        self.prog
            .function_range(func)
            .and_then(|(s, e)| self.prog.source.get(s as usize..e as usize))
            .unwrap_or("function () { [native code] }")
            .to_string()
    }

    /// `Error.prototype.toString`.
    pub fn error_to_string(&self, id: crate::value::ObjId) -> String {
        let get = |k: &str| match self.s.heap.get(id) {
            Some(Obj::Error(p, _)) | Some(Obj::Object(p)) => p.get(k).cloned(),
            _ => None,
        };
        let name = match get("name") {
            Some(Value::String(s)) => s.to_string(),
            Some(Value::Undefined) | None => "Error".to_string(),
            Some(v) => self.plain_to_string(&v),
        };
        let msg = match get("message") {
            Some(Value::String(s)) => s.to_string(),
            Some(Value::Undefined) | None => String::new(),
            Some(v) => self.plain_to_string(&v),
        };
        if name.is_empty() {
            msg
        } else if msg.is_empty() {
            name
        } else {
            format!("{name}: {msg}")
        }
    }

    /// `ToString` of a primitive (objects give `[object Object]`).
    pub fn plain_to_string(&self, v: &Value) -> String {
        match v {
            Value::Undefined | Value::Uninit => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => num_to_string(*n),
            Value::String(s) => s.to_string(),
            _ => "[object Object]".into(),
        }
    }

    /// `ToString`.
    pub fn to_str(&mut self, v: &Value) -> Result<Str, Exc> {
        Ok(match v {
            Value::String(s) => s.clone(),
            Value::Object(_) | Value::Native(_) => {
                let p = self.to_primitive(v, Hint::String)?;
                return self.to_str(&p);
            }
            other => Str::from(self.plain_to_string(other)),
        })
    }

    /// `ToNumber`.
    pub fn to_num(&mut self, v: &Value) -> Result<f64, Exc> {
        Ok(match v {
            Value::Undefined | Value::Uninit => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::String(s) => string_to_number(s),
            Value::Object(_) | Value::Native(_) => {
                let p = self.to_primitive(v, Hint::Number)?;
                return self.to_num(&p);
            }
        })
    }

    /// A property key from any value.
    pub fn to_key(&mut self, v: &Value) -> Result<Str, Exc> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(Str::from(num_to_string(*n))),
            other => self.to_str(other),
        }
    }

    /// `==`.
    pub fn loose_eq(&mut self, a: &Value, b: &Value) -> Result<bool, Exc> {
        Ok(match (a, b) {
            (Value::Undefined | Value::Null, Value::Undefined | Value::Null) => true,
            (Value::Undefined | Value::Null, _) | (_, Value::Undefined | Value::Null) => false,
            (Value::Number(_), Value::String(s)) => {
                strict_eq(a, &Value::Number(string_to_number(s)))
            }
            (Value::String(s), Value::Number(_)) => {
                strict_eq(&Value::Number(string_to_number(s)), b)
            }
            (Value::Bool(x), _) => {
                let n = Value::Number(f64::from(u8::from(*x)));
                return self.loose_eq(&n, b);
            }
            (_, Value::Bool(y)) => {
                let n = Value::Number(f64::from(u8::from(*y)));
                return self.loose_eq(a, &n);
            }
            (Value::Object(_) | Value::Native(_), Value::Number(_) | Value::String(_)) => {
                let p = self.to_primitive(a, Hint::Default)?;
                return self.loose_eq(&p, b);
            }
            (Value::Number(_) | Value::String(_), Value::Object(_) | Value::Native(_)) => {
                let p = self.to_primitive(b, Hint::Default)?;
                return self.loose_eq(a, &p);
            }
            _ => strict_eq(a, b),
        })
    }

    /// `<` / `>` / `<=` / `>=` as `Some(ordering)`; `None` when either side is `NaN`.
    fn compare(&mut self, a: &Value, b: &Value) -> Result<Option<Ordering>, Exc> {
        if let (Value::Number(x), Value::Number(y)) = (a, b) {
            return Ok(x.partial_cmp(y));
        }
        let pa = self.to_primitive(a, Hint::Number)?;
        let pb = self.to_primitive(b, Hint::Number)?;
        if let (Value::String(x), Value::String(y)) = (&pa, &pb) {
            return Ok(Some(cmp_str(x, y)));
        }
        let x = self.to_num(&pa)?;
        let y = self.to_num(&pb)?;
        Ok(x.partial_cmp(&y))
    }

    /// `a + b`.
    pub fn add(&mut self, a: &Value, b: &Value) -> Result<Value, Exc> {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => Ok(Value::Number(x + y)),
            (Value::String(x), Value::String(y)) => self.concat(x, y),
            _ => {
                let pa = self.to_primitive(a, Hint::Default)?;
                let pb = self.to_primitive(b, Hint::Default)?;
                if matches!(pa, Value::String(_)) || matches!(pb, Value::String(_)) {
                    let x = self.to_str(&pa)?;
                    let y = self.to_str(&pb)?;
                    self.concat(&x, &y)
                } else {
                    Ok(Value::Number(self.to_num(&pa)? + self.to_num(&pb)?))
                }
            }
        }
    }

    /// String concatenation with the length limit.
    pub fn concat(&mut self, x: &str, y: &str) -> Result<Value, Exc> {
        let len = x.len() + y.len();
        self.check_string_len(len)?;
        let mut s = String::with_capacity(len);
        s.push_str(x);
        s.push_str(y);
        Ok(Value::String(Str::from(s)))
    }

    /// Refuses strings longer than JavaScript allows (a `RangeError`, as in JavaScript) or
    /// larger than the heap limit (the sandbox bound: an uncatchable `LimitExceeded`).
    pub fn check_string_len(&mut self, len: usize) -> Result<(), Exc> {
        if len > MAX_JS_STRING_BYTES {
            return Err(self.range_error("Invalid string length"));
        }
        if len > self.limits().max_heap_bytes {
            return Err(self.heap_limit(format!("a string of {len} bytes")));
        }
        self.s.heap.note_growth(len);
        Ok(())
    }

    /// The uncatchable `LimitExceeded` failure of something too large for the heap limit.
    pub fn heap_limit(&self, what: String) -> Exc {
        self.fatal_limit(format!(
            "heap limit exceeded ({what}, limit {} bytes)",
            self.limits().max_heap_bytes
        ))
    }

    /// Applies a binary operator.
    pub fn binary(&mut self, op: BinaryOp, a: &Value, b: &Value) -> Result<Value, Exc> {
        use BinaryOp::*;
        if let (Value::Number(x), Value::Number(y)) = (a, b) {
            let (x, y) = (*x, *y);
            let r = match op {
                Add => Value::Number(x + y),
                Sub => Value::Number(x - y),
                Mul => Value::Number(x * y),
                Div => Value::Number(x / y),
                Rem => Value::Number(js_rem(x, y)),
                Lt => Value::Bool(x < y),
                Le => Value::Bool(x <= y),
                Gt => Value::Bool(x > y),
                Ge => Value::Bool(x >= y),
                StrictEq | LooseEq => Value::Bool(x == y),
                StrictNe | LooseNe => Value::Bool(x != y),
                _ => return self.binary_slow(op, a, b),
            };
            return Ok(r);
        }
        self.binary_slow(op, a, b)
    }

    fn binary_slow(&mut self, op: BinaryOp, a: &Value, b: &Value) -> Result<Value, Exc> {
        use BinaryOp::*;
        Ok(match op {
            Add => return self.add(a, b),
            Sub | Mul | Div | Rem | Pow => {
                let x = self.to_num(a)?;
                let y = self.to_num(b)?;
                Value::Number(match op {
                    Sub => x - y,
                    Mul => x * y,
                    Div => x / y,
                    Rem => js_rem(x, y),
                    _ => js_pow(x, y),
                })
            }
            BitAnd | BitOr | BitXor | Shl | Shr | UShr => {
                let x = self.to_num(a)?;
                let y = self.to_num(b)?;
                let (i, j) = (to_int32(x), to_uint32(y) & 31);
                Value::Number(match op {
                    BitAnd => f64::from(i & to_int32(y)),
                    BitOr => f64::from(i | to_int32(y)),
                    BitXor => f64::from(i ^ to_int32(y)),
                    Shl => f64::from(i.wrapping_shl(j)),
                    Shr => f64::from(i >> j),
                    _ => f64::from(to_uint32(x) >> j),
                })
            }
            StrictEq => Value::Bool(strict_eq(a, b)),
            StrictNe => Value::Bool(!strict_eq(a, b)),
            LooseEq => Value::Bool(self.loose_eq(a, b)?),
            LooseNe => Value::Bool(!self.loose_eq(a, b)?),
            Lt => Value::Bool(self.compare(a, b)? == Some(Ordering::Less)),
            Gt => Value::Bool(self.compare(a, b)? == Some(Ordering::Greater)),
            Le => Value::Bool(matches!(
                self.compare(a, b)?,
                Some(Ordering::Less | Ordering::Equal)
            )),
            Ge => Value::Bool(matches!(
                self.compare(a, b)?,
                Some(Ordering::Greater | Ordering::Equal)
            )),
            In => {
                let key = self.to_key(a)?;
                Value::Bool(self.has_property(b, &key)?)
            }
            Instanceof => Value::Bool(self.instance_of(a, b)?),
        })
    }

    fn instance_of(&mut self, a: &Value, b: &Value) -> Result<bool, Exc> {
        use crate::catalog::Native;
        let Value::Native(ctor) = b else {
            let t = self.type_of(b);
            if t == "function" {
                return Ok(false);
            }
            return Err(self.type_error("Right-hand side of 'instanceof' is not callable"));
        };
        let Value::Object(id) = a else {
            return Ok(false);
        };
        let obj = self.s.heap.get(*id);
        Ok(match ctor {
            Native::Object => !matches!(obj, Some(Obj::Env { .. })),
            Native::Array => matches!(obj, Some(Obj::Array(_))),
            Native::Date => matches!(obj, Some(Obj::Date(_))),
            Native::Error => matches!(obj, Some(Obj::Error(..))),
            Native::Promise => matches!(obj, Some(Obj::Promise(_))),
            _ => false,
        })
    }
}

/// JavaScript's `%` (the sign follows the dividend).
pub fn js_rem(x: f64, y: f64) -> f64 {
    crate::js::math::rem(x, y)
}

/// JavaScript's `**`.
pub fn js_pow(x: f64, y: f64) -> f64 {
    crate::js::math::pow(x, y)
}

/// What `String(Math.floor)` shows.
fn native_source(path: &str) -> String {
    let name = path.rsplit('.').next().unwrap_or(path);
    format!("function {name}() {{ [native code] }}")
}
