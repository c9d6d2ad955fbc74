//! Methods on values: strings, arrays, numbers, dates, errors, and functions stored in
//! object properties.

use super::callbacks::{EachOp, NativeTask};
use super::conv::num_to_string;
use super::exec::Invoked;
use super::ops::{cmp_str, same_value_zero, strict_eq};
use super::props::utf16_len;
use super::{Exc, Machine};
use crate::value::{Obj, ObjId, Str, Value};

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn from_units(u: &[u16]) -> String {
    String::from_utf16_lossy(u)
}

/// Resolves a relative index (`slice`, `at`): negative counts from the end; clamped.
fn rel_index(x: f64, len: usize) -> usize {
    let len_f = len as f64;
    let x = if x.is_nan() { 0.0 } else { x.trunc() };
    if x < 0.0 {
        (len_f + x).max(0.0) as usize
    } else {
        x.min(len_f) as usize
    }
}

impl Machine<'_> {
    /// `receiver.name(args...)` with the receiver below `argc` arguments on the stack.
    pub fn call_method(&mut self, name: &str, argc: usize) -> Result<Invoked, Exc> {
        if self.s.stack.len() < argc + 1 {
            return Err(self.fatal_internal("operand stack underflow"));
        }
        let at = self.s.stack.len().saturating_sub(argc + 1);
        let recv = self.s.stack.get(at).cloned().unwrap_or_default();
        // Functions stored in object properties are called directly (no `this` in Flow).
        if let Value::Object(id) = &recv
            && let Some(Obj::Object(p) | Obj::Error(p, _)) = self.s.heap.get(*id)
            && let Some(f) = p.get(name)
        {
            let f = f.clone();
            if self.type_of(&f) == "function" {
                if let Some(slot) = self.s.stack.get_mut(at) {
                    *slot = f;
                }
                return self.invoke(argc);
            }
            let text = self.source_text(self.current_range());
            return Err(self.type_error(format!("{text} is not a function")));
        }
        if let Value::Native(n) = &recv {
            let n = *n;
            if let Some(f) = n.member_fn(name) {
                if let Some(slot) = self.s.stack.get_mut(at) {
                    *slot = Value::Native(f);
                }
                return self.invoke(argc);
            }
        }
        let args: Vec<Value> = self.s.stack.drain(at + 1..).collect();
        self.s.stack.pop();
        // Builtins that walk a whole string or array cost instructions in proportion, so a
        // loop of them still meets the instruction budget.
        let size = match &recv {
            Value::String(s) => s.len(),
            Value::Object(id) => match self.s.heap.get(*id) {
                Some(Obj::Array(items)) if !matches!(name, "push" | "pop" | "at") => items.len(),
                _ => 0,
            },
            _ => 0,
        };
        self.charge(size)?;
        use crate::catalog::{ARRAY_METHODS, DATE_METHODS, NUMBER_METHODS, STRING_METHODS};
        let r = match &recv {
            Value::String(s) if STRING_METHODS.contains(&name) => {
                self.string_method(s, name, &args)?
            }
            Value::Number(x) if NUMBER_METHODS.contains(&name) => {
                self.number_method(*x, name, &args)?
            }
            Value::Undefined | Value::Null | Value::Uninit => {
                let what = if matches!(recv, Value::Null) {
                    "null"
                } else {
                    "undefined"
                };
                return Err(self.type_error(format!(
                    "Cannot read properties of {what} (reading '{name}')"
                )));
            }
            Value::Object(id) => {
                let id = *id;
                match self.s.heap.get(id) {
                    Some(Obj::Array(_)) if ARRAY_METHODS.contains(&name) => {
                        return self.array_method(id, name, args);
                    }
                    Some(Obj::Date(t)) if DATE_METHODS.contains(&name) => {
                        let t = *t;
                        self.date_method(t, name, &args)?
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match r {
            // A builtin that calls back into the program started a native frame.
            Some(Value::Uninit) => Ok(Invoked::Frame),
            Some(v) => Ok(Invoked::Value(v)),
            None => {
                let text = self.source_text(self.current_range());
                Err(self.type_error(format!("{text} is not a function")))
            }
        }
    }

    fn number_method(&mut self, x: f64, name: &str, args: &[Value]) -> Result<Option<Value>, Exc> {
        Ok(Some(match name {
            "toFixed" => {
                let d = match arg(args, 0) {
                    Value::Undefined => 0.0,
                    v => self.to_num(&v)?,
                };
                match crate::js::number::to_fixed(x, d) {
                    Ok(s) => Value::str(&s),
                    Err(e) => return Err(self.range_error(e.message)),
                }
            }
            "toString" => match arg(args, 0) {
                Value::Undefined => Value::str(&num_to_string(x)),
                r => {
                    let r = self.to_num(&r)?;
                    match crate::js::number::to_string_radix(x, r) {
                        Ok(s) => Value::str(&s),
                        Err(e) => return Err(self.range_error(e.message)),
                    }
                }
            },
            "toPrecision" => {
                let p = match arg(args, 0) {
                    Value::Undefined => None,
                    v => Some(self.to_num(&v)?),
                };
                match crate::js::number::to_precision(x, p) {
                    Ok(s) => Value::str(&s),
                    Err(e) => return Err(self.range_error(e.message)),
                }
            }
            "valueOf" => Value::Number(x),
            _ => return Ok(None),
        }))
    }

    fn date_method(&mut self, t: f64, name: &str, _args: &[Value]) -> Result<Option<Value>, Exc> {
        let field = |i: usize| Value::Number(super::date::field(t, i));
        Ok(Some(match name {
            "getTime" | "valueOf" => Value::Number(t),
            "toISOString" => {
                if t.is_nan() {
                    return Err(self.range_error("Invalid time value"));
                }
                Value::str(&super::date::iso_string(t))
            }
            "toJSON" => {
                if t.is_nan() {
                    Value::Null
                } else {
                    Value::str(&super::date::iso_string(t))
                }
            }
            "toString" => Value::str(&super::date::date_string(t)),
            "toUTCString" => Value::str(&super::date::utc_string(t)),
            "getUTCFullYear" | "getFullYear" => field(0),
            "getUTCMonth" | "getMonth" => field(1),
            "getUTCDate" | "getDate" => field(2),
            "getUTCHours" | "getHours" => field(3),
            "getUTCMinutes" | "getMinutes" => field(4),
            "getUTCSeconds" | "getSeconds" => field(5),
            "getUTCMilliseconds" | "getMilliseconds" => field(6),
            "getUTCDay" | "getDay" => field(7),
            "getTimezoneOffset" => Value::Number(0.0),
            _ => return Ok(None),
        }))
    }

    fn string_method(&mut self, s: &Str, name: &str, args: &[Value]) -> Result<Option<Value>, Exc> {
        use crate::js::string as js;
        let a0 = arg(args, 0);
        // Numeric arguments (`undefined` → NaN, which each operation treats as its default).
        let mut nums = [f64::NAN; 2];
        if matches!(
            name,
            "at" | "charAt"
                | "charCodeAt"
                | "codePointAt"
                | "slice"
                | "substring"
                | "substr"
                | "padStart"
                | "padEnd"
                | "repeat"
        ) {
            for (i, slot) in nums.iter_mut().enumerate() {
                if let Some(v) = args.get(i)
                    && !(i == 1 && matches!(name, "padStart" | "padEnd"))
                    && !matches!(v, Value::Undefined)
                {
                    *slot = self.to_num(v)?;
                }
            }
        }
        let opt1 = |m: &mut Self| -> Result<Option<f64>, Exc> {
            match arg(args, 1) {
                Value::Undefined => Ok(None),
                v => Ok(Some(m.to_num(&v)?)),
            }
        };
        let v = match name {
            "toString" | "valueOf" => Value::String(s.clone()),
            "toUpperCase" | "toLocaleUpperCase" => Value::str(&js::to_upper(s)),
            "toLowerCase" | "toLocaleLowerCase" => Value::str(&js::to_lower(s)),
            "trim" => Value::str(js::trim(s)),
            "trimStart" => Value::str(js::trim_start(s)),
            "trimEnd" => Value::str(js::trim_end(s)),
            "at" => js::at(s, nums[0]).map_or(Value::Undefined, |c| Value::str(&c)),
            "charAt" => Value::str(&js::char_at(s, nums[0])),
            "charCodeAt" => Value::Number(js::char_code_at(s, nums[0])),
            "codePointAt" => js::code_point_at(s, nums[0])
                .map_or(Value::Undefined, |c| Value::Number(f64::from(c))),
            "includes" | "startsWith" | "endsWith" | "indexOf" | "lastIndexOf" => {
                let needle = self.to_str(&a0)?;
                let pos = opt1(self)?;
                match name {
                    "includes" => Value::Bool(js::includes(s, &needle, pos.unwrap_or(0.0))),
                    "startsWith" => Value::Bool(js::starts_with(s, &needle, pos.unwrap_or(0.0))),
                    "endsWith" => Value::Bool(js::ends_with(s, &needle, pos)),
                    "indexOf" => Value::Number(js::index_of(s, &needle, pos.unwrap_or(0.0))),
                    _ => Value::Number(js::last_index_of(s, &needle, pos.unwrap_or(f64::NAN))),
                }
            }
            "slice" => {
                let end = if matches!(arg(args, 1), Value::Undefined) {
                    None
                } else {
                    Some(nums[1])
                };
                Value::str(&js::slice(s, nums[0], end))
            }
            "substring" => {
                let end = if matches!(arg(args, 1), Value::Undefined) {
                    None
                } else {
                    Some(nums[1])
                };
                Value::str(&js::substring(s, nums[0], end))
            }
            "substr" => {
                let u = units(s);
                let len = u.len();
                let from = rel_index(nums[0], len);
                let n = if matches!(arg(args, 1), Value::Undefined) {
                    len as f64
                } else if nums[1].is_nan() {
                    0.0
                } else {
                    nums[1].max(0.0)
                };
                let to = (from as f64 + n).min(len as f64) as usize;
                Value::str(&if from < to {
                    from_units(&u[from..to])
                } else {
                    String::new()
                })
            }
            "split" => {
                let limit = opt1(self)?;
                let sep = match a0 {
                    Value::Undefined => None,
                    v => Some(self.to_str(&v)?),
                };
                let parts = js::split(s, sep.as_deref(), limit);
                let parts = parts.iter().map(|p| Value::str(p)).collect();
                self.new_array(parts)
            }
            "replace" | "replaceAll" => {
                let needle = self.to_str(&a0)?;
                let with = arg(args, 1);
                let all = name == "replaceAll";
                if self.type_of(&with) == "function" {
                    let mut positions = js::match_positions(s, &needle);
                    if !all {
                        positions.truncate(1);
                    }
                    let u = units(s);
                    let nlen = utf16_len(&needle);
                    let mut pieces = Vec::new();
                    let mut last = 0usize;
                    for p in &positions {
                        pieces.push(from_units(&u[last.min(u.len())..(*p).min(u.len())]));
                        last = p + nlen;
                    }
                    pieces.push(from_units(&u[last.min(u.len())..]));
                    return self
                        .start_native(NativeTask::Replace {
                            pieces,
                            offsets: positions.iter().map(|p| *p as u32).collect(),
                            subject: s.to_string(),
                            needle: needle.to_string(),
                            f: with,
                            done: Vec::new(),
                        })
                        .map(|_| Some(Value::Uninit));
                }
                let with = self.to_str(&with)?;
                let out = if all {
                    js::replace_all(s, &needle, &with)
                } else {
                    js::replace(s, &needle, &with)
                };
                self.check_string_len(out.len())?;
                Value::str(&out)
            }
            "padStart" | "padEnd" => {
                let fill = match arg(args, 1) {
                    Value::Undefined => None,
                    v => Some(self.to_str(&v)?),
                };
                if nums[0] > super::ops::MAX_JS_STRING_BYTES as f64 {
                    return Err(self.range_error("Invalid string length"));
                }
                if nums[0] > self.limits().max_heap_bytes as f64 {
                    return Err(self.heap_limit(format!("a string of {} characters", nums[0])));
                }
                let r = if name == "padStart" {
                    js::pad_start(s, nums[0], fill.as_deref())
                } else {
                    js::pad_end(s, nums[0], fill.as_deref())
                };
                match r {
                    Ok(out) => Value::str(&out),
                    Err(e) => return Err(self.range_error(e.message)),
                }
            }
            "repeat" => {
                let n = if nums[0].is_nan() { 0.0 } else { nums[0] };
                if n >= 0.0 && n.is_finite() {
                    self.check_string_len(s.len().saturating_mul(n as usize))?;
                }
                match js::repeat(s, n) {
                    Ok(out) => Value::str(&out),
                    Err(e) => return Err(self.range_error(e.message)),
                }
            }
            "concat" => {
                let mut out = s.to_string();
                for a in args {
                    out.push_str(&self.to_str(a)?);
                }
                self.check_string_len(out.len())?;
                Value::str(&out)
            }
            "localeCompare" => {
                let other = self.to_str(&a0)?;
                Value::Number(match locale_cmp(s, &other) {
                    std::cmp::Ordering::Less => -1.0,
                    std::cmp::Ordering::Equal => 0.0,
                    std::cmp::Ordering::Greater => 1.0,
                })
            }
            _ => return Ok(None),
        };
        Ok(Some(v))
    }

    /// `arr.join(sep)`; nested arrays join recursively, cycles give `""`.
    pub fn array_join(&mut self, id: ObjId, sep: &str, depth: usize) -> Result<String, Exc> {
        if depth > 100 {
            return Ok(String::new());
        }
        let items = match self.s.heap.get(id) {
            Some(Obj::Array(items)) => items.clone(),
            _ => return Ok(String::new()),
        };
        let mut out = String::new();
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            match v {
                Value::Undefined | Value::Null | Value::Uninit => {}
                Value::Object(inner) if matches!(self.s.heap.get(*inner), Some(Obj::Array(_))) => {
                    if *inner != id {
                        let s = self.array_join(*inner, ",", depth + 1)?;
                        out.push_str(&s);
                    }
                }
                other => out.push_str(&self.to_str(other)?),
            }
            self.check_string_len(out.len())?;
        }
        Ok(out)
    }

    fn items_mut(&mut self, id: ObjId) -> Option<&mut Vec<Value>> {
        match self.s.heap.get_mut(id) {
            Some(Obj::Array(items)) => Some(items),
            _ => None,
        }
    }

    fn array_method(&mut self, id: ObjId, name: &str, args: Vec<Value>) -> Result<Invoked, Exc> {
        let arr = Value::Object(id);
        let a0 = arg(&args, 0);
        let len = self.items_mut(id).map_or(0, |v| v.len());
        let each = |op| Some(op);
        let op = match name {
            "map" => each(EachOp::Map),
            "filter" => each(EachOp::Filter),
            "find" => each(EachOp::Find),
            "findIndex" => each(EachOp::FindIndex),
            "findLast" => each(EachOp::FindLast),
            "findLastIndex" => each(EachOp::FindLastIndex),
            "some" => each(EachOp::Some),
            "every" => each(EachOp::Every),
            "forEach" => each(EachOp::ForEach),
            "flatMap" => each(EachOp::FlatMap),
            _ => None,
        };
        if let Some(op) = op {
            return self.each(op, &arr, &a0);
        }
        let v = match name {
            "push" => {
                let max = self.limits().max_heap_bytes / 8;
                let items = self.items_mut(id);
                let n = match items {
                    Some(items) => {
                        if items.len() + args.len() > max {
                            0
                        } else {
                            items.extend(args);
                            items.len() + 1
                        }
                    }
                    None => 1,
                };
                if n == 0 {
                    return Err(self.heap_limit(format!("an array of more than {max} items")));
                }
                Value::Number((n - 1) as f64)
            }
            "pop" => self.items_mut(id).and_then(Vec::pop).unwrap_or_default(),
            "shift" => match self.items_mut(id) {
                Some(items) if !items.is_empty() => items.remove(0),
                _ => Value::Undefined,
            },
            "unshift" => {
                let items = self.items_mut(id);
                let n = match items {
                    Some(items) => {
                        let tail = std::mem::take(items);
                        items.extend(args);
                        items.extend(tail);
                        items.len()
                    }
                    None => 0,
                };
                Value::Number(n as f64)
            }
            "slice" => {
                let from = match a0 {
                    Value::Undefined => 0,
                    v => {
                        let x = self.to_num(&v)?;
                        rel_index(x, len)
                    }
                };
                let to = match arg(&args, 1) {
                    Value::Undefined => len,
                    v => {
                        let x = self.to_num(&v)?;
                        rel_index(x, len)
                    }
                };
                let items = self.array_items(&arr).unwrap_or_default();
                let part = if from < to {
                    items[from..to].to_vec()
                } else {
                    Vec::new()
                };
                self.new_array(part)
            }
            "splice" => {
                let start = match a0 {
                    Value::Undefined => 0,
                    v => {
                        let x = self.to_num(&v)?;
                        rel_index(x, len)
                    }
                };
                let count = match (args.len(), arg(&args, 1)) {
                    (0, _) => 0,
                    (1, _) => len - start,
                    (_, v) => {
                        let x = self.to_num(&v)?;
                        let x = if x.is_nan() { 0.0 } else { x.trunc() };
                        (x.max(0.0) as usize).min(len - start)
                    }
                };
                let inserts: Vec<Value> = args.iter().skip(2).cloned().collect();
                let removed: Vec<Value> = match self.items_mut(id) {
                    Some(items) => items.splice(start..start + count, inserts).collect(),
                    None => Vec::new(),
                };
                self.new_array(removed)
            }
            "concat" => {
                let mut items = self.array_items(&arr).unwrap_or_default();
                for a in &args {
                    match self.array_items(a) {
                        Some(more) => items.extend(more),
                        None => items.push(a.clone()),
                    }
                }
                self.new_array(items)
            }
            "includes" | "indexOf" | "lastIndexOf" => {
                let items = self.array_items(&arr).unwrap_or_default();
                let from = match arg(&args, 1) {
                    Value::Undefined => None,
                    v => Some(self.to_num(&v)?),
                };
                match name {
                    "includes" => {
                        let from = rel_index(from.unwrap_or(0.0), len);
                        Value::Bool(items[from..].iter().any(|x| same_value_zero(x, &a0)))
                    }
                    "indexOf" => {
                        let from = rel_index(from.unwrap_or(0.0), len);
                        Value::Number(
                            items[from..]
                                .iter()
                                .position(|x| strict_eq(x, &a0))
                                .map_or(-1.0, |i| (i + from) as f64),
                        )
                    }
                    _ => {
                        let end = match from {
                            Some(f) if f < 0.0 => (len as f64 + f) as i64,
                            Some(f) => f.min(len as f64 - 1.0) as i64,
                            None => len as i64 - 1,
                        };
                        let mut found = -1.0;
                        let mut i = end;
                        while i >= 0 {
                            if strict_eq(&items[i as usize], &a0) {
                                found = i as f64;
                                break;
                            }
                            i -= 1;
                        }
                        Value::Number(found)
                    }
                }
            }
            "join" | "toString" => {
                let sep = match a0 {
                    Value::Undefined => Str::from(","),
                    v if name == "join" => self.to_str(&v)?,
                    _ => Str::from(","),
                };
                Value::str(&self.array_join(id, &sep, 0)?)
            }
            "reverse" => {
                if let Some(items) = self.items_mut(id) {
                    items.reverse();
                }
                arr
            }
            "at" => {
                let i = self.to_num(&a0)?;
                let i = if i.is_nan() { 0.0 } else { i.trunc() };
                let idx = if i < 0.0 { len as f64 + i } else { i };
                let items = self.array_items(&arr).unwrap_or_default();
                if idx >= 0.0 {
                    items.get(idx as usize).cloned().unwrap_or_default()
                } else {
                    Value::Undefined
                }
            }
            "flat" => {
                let depth = match a0 {
                    Value::Undefined => 1.0,
                    v => self.to_num(&v)?,
                };
                let items = self.array_items(&arr).unwrap_or_default();
                let out = self.flatten(items, depth);
                self.new_array(out)
            }
            "keys" => {
                let keys = (0..len).map(|i| Value::Number(i as f64)).collect();
                self.new_array(keys)
            }
            "entries" => {
                let items = self.array_items(&arr).unwrap_or_default();
                let pairs = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| self.new_array(vec![Value::Number(i as f64), v]))
                    .collect();
                self.new_array(pairs)
            }
            "values" => {
                let items = self.array_items(&arr).unwrap_or_default();
                self.new_array(items)
            }
            "fill" => {
                let from = match arg(&args, 1) {
                    Value::Undefined => 0,
                    v => {
                        let x = self.to_num(&v)?;
                        rel_index(x, len)
                    }
                };
                let to = match arg(&args, 2) {
                    Value::Undefined => len,
                    v => {
                        let x = self.to_num(&v)?;
                        rel_index(x, len)
                    }
                };
                if let Some(items) = self.items_mut(id) {
                    for x in items.iter_mut().take(to).skip(from) {
                        *x = a0.clone();
                    }
                }
                arr
            }
            "reduce" => {
                self.require_callable(&a0)?;
                let acc = if args.len() >= 2 {
                    Some(arg(&args, 1))
                } else {
                    None
                };
                return self.start_native(NativeTask::Reduce {
                    arr: id,
                    f: a0,
                    i: 0,
                    len: len as u32,
                    acc,
                    started: false,
                });
            }
            "sort" => {
                let items = self.array_items(&arr).unwrap_or_default();
                if matches!(a0, Value::Undefined) {
                    let sorted = self.default_sort(items)?;
                    if let Some(dst) = self.items_mut(id) {
                        *dst = sorted;
                    }
                    arr
                } else {
                    self.require_callable(&a0)?;
                    // `undefined` elements go last without calling the comparator.
                    let (defined, undef): (Vec<Value>, Vec<Value>) = items
                        .into_iter()
                        .partition(|v| !matches!(v, Value::Undefined));
                    let n = defined.len() as u32;
                    if let Some(dst) = self.items_mut(id) {
                        *dst = defined.clone();
                        dst.extend(undef);
                    }
                    let buf = vec![Value::Undefined; defined.len()];
                    return self.start_native(NativeTask::Sort {
                        arr: id,
                        f: a0,
                        items: defined,
                        buf,
                        width: 1,
                        lo: 0,
                        li: 0,
                        ri: 1.min(n),
                        k: 0,
                        comparing: false,
                    });
                }
            }
            _ => {
                let text = self.source_text(self.current_range());
                return Err(self.type_error(format!("{text} is not a function")));
            }
        };
        Ok(Invoked::Value(v))
    }

    fn flatten(&self, items: Vec<Value>, depth: f64) -> Vec<Value> {
        let mut out = Vec::new();
        for v in items {
            match self.array_items(&v) {
                Some(inner) if depth >= 1.0 => out.extend(self.flatten(inner, depth - 1.0)),
                _ => out.push(v),
            }
        }
        out
    }

    fn default_sort(&mut self, items: Vec<Value>) -> Result<Vec<Value>, Exc> {
        let mut keyed: Vec<(Str, Value)> = Vec::new();
        let mut undef = Vec::new();
        for v in items {
            if matches!(v, Value::Undefined) {
                undef.push(v);
            } else {
                let k = self.to_str(&v)?;
                keyed.push((k, v));
            }
        }
        keyed.sort_by(|a, b| cmp_str(&a.0, &b.0));
        let mut out: Vec<Value> = keyed.into_iter().map(|(_, v)| v).collect();
        out.extend(undef);
        Ok(out)
    }
}

/// An approximation of ICU's root collation used by `localeCompare`: case-insensitive first,
/// lowercase before uppercase on ties.
fn locale_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let la = a.to_lowercase();
    let lb = b.to_lowercase();
    la.cmp(&lb).then_with(|| b.cmp(a))
}
