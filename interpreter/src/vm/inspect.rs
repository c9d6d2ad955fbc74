//! `console.log` formatting, following Node's `util.inspect` (depth 2, `compact: 3`,
//! `breakLength: 80`, array grouping for more than six entries, single-quoted strings).

use super::Machine;
use super::conv::inspect_number;
use crate::value::{Obj, ObjId, PromiseState, Str, Value};

const BREAK_LENGTH: usize = 80;
const DEPTH: usize = 2;
const COMPACT: usize = 3;

struct Ctx {
    seen: Vec<ObjId>,
    circular: Vec<ObjId>,
    indent: usize,
    current_depth: usize,
}

/// Quotes a string as `util.inspect` does.
pub fn quote(s: &str) -> String {
    crate::js::string::quote_inspect(s)
}

fn is_ident(k: &str) -> bool {
    let mut chars = k.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Machine<'_> {
    /// Formats the arguments of `console.log` into one line of text.
    pub fn format_log(&mut self, args: &[Value]) -> String {
        let parts: Vec<String> = args
            .iter()
            .map(|a| match a {
                Value::String(s) => s.to_string(),
                other => self.inspect(other),
            })
            .collect();
        parts.join(" ")
    }

    /// `util.inspect(v)`.
    pub fn inspect(&mut self, v: &Value) -> String {
        let mut ctx = Ctx {
            seen: Vec::new(),
            circular: Vec::new(),
            indent: 0,
            current_depth: 0,
        };
        // A first pass finds the circular references so the top gets its `<ref *1>` marker.
        let _ = self.fmt_value(&mut ctx, v, 0, false);
        let circular = std::mem::take(&mut ctx.circular);
        let mut ctx = Ctx {
            seen: Vec::new(),
            circular,
            indent: 0,
            current_depth: 0,
        };
        self.fmt_value(&mut ctx, v, 0, false)
    }

    fn fmt_value(&self, ctx: &mut Ctx, v: &Value, depth: usize, nested: bool) -> String {
        match v {
            Value::Undefined | Value::Uninit => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => inspect_number(*n),
            Value::String(s) => {
                if nested {
                    crate::js::string::inspect_string(s, ctx.indent)
                } else {
                    s.to_string()
                }
            }
            Value::Native(n) => {
                if n.is_callable() {
                    format!("[Function: {}]", n.name())
                } else {
                    format!("Object [{}] {{}}", n.path())
                }
            }
            Value::Object(id) => self.fmt_object(ctx, *id, depth),
        }
    }

    fn fmt_object(&self, ctx: &mut Ctx, id: ObjId, depth: usize) -> String {
        let Some(obj) = self.s.heap.get(id) else {
            return "undefined".into();
        };
        match obj {
            Obj::Date(t) => {
                return if t.is_nan() {
                    "Invalid Date".into()
                } else {
                    super::date::iso_string(*t)
                };
            }
            Obj::Function { func, .. } => {
                let f = self.prog.funcs.get(*func as usize);
                let name = f.map_or("", |f| &*f.name);
                let kind = if f.is_some_and(|f| f.is_async) {
                    "AsyncFunction"
                } else {
                    "Function"
                };
                return if name.is_empty() {
                    format!("[{kind} (anonymous)]")
                } else {
                    format!("[{kind}: {name}]")
                };
            }
            Obj::Env { .. } => return "[Environment]".into(),
            Obj::BoundMethod { name, .. } => return format!("[Function: {name}]"),
            _ => {}
        }
        if ctx.seen.contains(&id) {
            if !ctx.circular.contains(&id) {
                ctx.circular.push(id);
            }
            let n = ctx.circular.iter().position(|c| *c == id).unwrap_or(0) + 1;
            return format!("[Circular *{n}]");
        }
        let is_array = matches!(obj, Obj::Array(_));
        let empty = match obj {
            Obj::Array(items) => items.is_empty(),
            Obj::Object(p) => p.keys().is_empty(),
            _ => false,
        };
        if empty && depth > DEPTH {
            return if is_array { "[]".into() } else { "{}".into() };
        }
        if depth > DEPTH {
            return match obj {
                Obj::Array(_) => "[Array]".into(),
                Obj::Error(..) => self.error_brief(id),
                _ => "[Object]".into(),
            };
        }
        ctx.seen.push(id);
        ctx.current_depth = depth;
        let mut output: Vec<String> = Vec::new();
        let mut base = String::new();
        let braces: (&str, &str);
        match obj {
            Obj::Array(items) => {
                braces = ("[", "]");
                let items = items.clone();
                let shown = items.len().min(100);
                for item in &items[..shown] {
                    ctx.indent += 2;
                    let s = self.fmt_value(ctx, item, depth + 1, true);
                    ctx.indent -= 2;
                    output.push(s);
                }
                if items.len() > shown {
                    let more = items.len() - shown;
                    output.push(format!(
                        "... {more} more item{}",
                        if more > 1 { "s" } else { "" }
                    ));
                }
            }
            Obj::Promise(p) => {
                braces = ("Promise {", "}");
                let state = p.state.clone();
                match state {
                    PromiseState::Pending => output.push("<pending>".into()),
                    PromiseState::Fulfilled(v) => {
                        ctx.indent += 2;
                        output.push(self.fmt_value(ctx, &v, depth + 1, true));
                        ctx.indent -= 2;
                    }
                    PromiseState::Rejected(v) => {
                        ctx.indent += 2;
                        let s = self.fmt_value(ctx, &v, depth + 1, true);
                        ctx.indent -= 2;
                        output.push(format!("<rejected> {s}"));
                    }
                }
            }
            Obj::Error(..) => {
                braces = ("{", "}");
                base = self.error_brief(id);
            }
            _ => {
                braces = ("{", "}");
            }
        }
        if !is_array {
            let entries = self.own_entries(&Value::Object(id));
            for (k, v) in entries {
                ctx.indent += 2;
                let s = self.fmt_value(ctx, &v, depth + 1, true);
                ctx.indent -= 2;
                let key = if is_ident(&k) { k.to_string() } else { quote(&k) };
                output.push(format!("{key}: {s}"));
            }
        }
        ctx.seen.pop();
        if let Some(n) = ctx.circular.iter().position(|c| *c == id) {
            let marker = format!("<ref *{}>", n + 1);
            base = if base.is_empty() {
                marker
            } else {
                format!("{marker} {base}")
            };
        }
        if matches!(obj, Obj::Error(..)) && output.is_empty() {
            return base;
        }
        if output.is_empty() {
            let empty = if is_array { "[]" } else { "{}" };
            return if base.is_empty() {
                empty.to_string()
            } else {
                format!("{base} {empty}")
            };
        }
        let entries = output.len();
        if is_array && output.len() > 6 {
            output = group_array_elements(ctx, output, &self.array_all_numbers(id));
        }
        if ctx.current_depth - depth < COMPACT && entries == output.len() {
            let start = output.len() + ctx.indent + braces.0.len() + base.len() + 10;
            if is_below_break_length(&output, start, &base) {
                let joined = output.join(", ");
                if !joined.contains('\n') {
                    let b = if base.is_empty() {
                        String::new()
                    } else {
                        format!("{base} ")
                    };
                    return format!("{b}{} {joined} {}", braces.0, braces.1);
                }
            }
        }
        let ind = format!("\n{}", " ".repeat(ctx.indent));
        let b = if base.is_empty() {
            String::new()
        } else {
            format!("{base} ")
        };
        format!(
            "{b}{}{ind}  {}{ind}{}",
            braces.0,
            output.join(&format!(",{ind}  ")),
            braces.1
        )
    }

    fn array_all_numbers(&self, id: ObjId) -> bool {
        match self.s.heap.get(id) {
            Some(Obj::Array(items)) => items.iter().all(|v| matches!(v, Value::Number(_))),
            _ => false,
        }
    }

    fn error_brief(&self, id: ObjId) -> String {
        let s = self.error_to_string(id);
        let stack_like = format!("{s}\n    at <workflow>");
        let _ = stack_like;
        format!("[{s}]")
    }

    /// `String(v)` for log formatting of a key.
    pub fn key_string(k: &Str) -> String {
        k.to_string()
    }
}

fn is_below_break_length(output: &[String], start: usize, base: &str) -> bool {
    let mut total = output.len() + start;
    if total + output.len() > BREAK_LENGTH {
        return false;
    }
    for o in output {
        total += crate::js::string::len(o);
        if total > BREAK_LENGTH {
            return false;
        }
    }
    base.is_empty() || !base.contains('\n')
}

fn group_array_elements(ctx: &Ctx, output: Vec<String>, numbers: &bool) -> Vec<String> {
    let mut total = 0usize;
    let mut max_len = 0usize;
    let mut output_len = output.len();
    if output.last().is_some_and(|l| l.starts_with("... ")) {
        output_len -= 1;
    }
    let sep = 2usize;
    let data_len: Vec<usize> = output.iter().map(|o| crate::js::string::len(o)).collect();
    for &len in data_len.iter().take(output_len) {
        total += len + sep;
        max_len = max_len.max(len);
    }
    let actual_max = max_len + sep;
    if actual_max * 3 + ctx.indent < BREAK_LENGTH
        && ((total as f64) / (actual_max as f64) > 5.0 || max_len <= 6)
    {
        let average_bias = ((actual_max as f64) - (total as f64) / (output.len() as f64)).sqrt();
        let biased_max = ((actual_max as f64) - 3.0 - average_bias).max(1.0);
        let columns = [
            ((2.5 * biased_max * output_len as f64).sqrt() / biased_max).round(),
            ((BREAK_LENGTH - ctx.indent) as f64 / actual_max as f64).floor(),
            (COMPACT * 4) as f64,
            15.0,
        ]
        .into_iter()
        .fold(f64::INFINITY, f64::min) as usize;
        if columns <= 1 {
            return output;
        }
        let mut max_line = Vec::new();
        for i in 0..columns {
            let mut line = 0;
            let mut j = i;
            while j < output_len {
                line = line.max(data_len[j]);
                j += columns;
            }
            max_line.push(line + sep);
        }
        let mut tmp = Vec::new();
        let mut i = 0;
        while i < output_len {
            let max = (i + columns).min(output_len);
            let mut s = String::new();
            let mut j = i;
            while j + 1 < max {
                let cell = format!("{}, ", output[j]);
                let pad = max_line[j - i];
                s.push_str(&pad_cell(&cell, pad, *numbers));
                j += 1;
            }
            if *numbers {
                let pad = max_line[j - i] - sep;
                s.push_str(&pad_cell(&output[j], pad, true));
            } else {
                s.push_str(&output[j]);
            }
            tmp.push(s);
            i += columns;
        }
        if output_len < output.len() {
            tmp.push(output[output_len].clone());
        }
        return tmp;
    }
    output
}

fn pad_cell(s: &str, width: usize, start: bool) -> String {
    let len = crate::js::string::len(s);
    if len >= width {
        return s.to_string();
    }
    let pad = " ".repeat(width - len);
    if start {
        format!("{pad}{s}")
    } else {
        format!("{s}{pad}")
    }
}
