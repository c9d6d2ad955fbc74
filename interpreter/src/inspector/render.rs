//! Values of a saved state as JSON for people and tools: JSON-like values as themselves, the
//! rest (functions, handles, dates, `undefined`, non-finite numbers, cycles) as tagged objects
//! `{"$type": ..., "display": ...}`, and everything cut at a budget with the cut marked.

use serde_json::{Map, Value as Json, json};

use crate::heap::Heap;
use crate::value::{Obj, ObjId, PromiseSource, PromiseState, Value};

/// How much of a value is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderLimits {
    /// JSON nodes (values, keys count with their values) per rendered variable.
    pub max_nodes: usize,
    /// Characters of one string.
    pub max_string: usize,
    /// Nesting depth of objects and arrays.
    pub max_depth: usize,
}

impl Default for RenderLimits {
    fn default() -> Self {
        RenderLimits {
            max_nodes: 200,
            max_string: 1000,
            max_depth: 8,
        }
    }
}

/// Renders values of one heap within limits.
pub struct Renderer<'a> {
    heap: &'a Heap,
    func_names: &'a dyn Fn(u32) -> String,
    limits: RenderLimits,
}

fn tagged(kind: &str, display: impl Into<String>) -> Json {
    json!({"$type": kind, "display": display.into()})
}

fn truncated(display: impl Into<String>) -> Json {
    tagged("truncated", display)
}

impl<'a> Renderer<'a> {
    /// A renderer over `heap`; `func_names` names compiled functions by index.
    pub fn new(
        heap: &'a Heap,
        func_names: &'a dyn Fn(u32) -> String,
        limits: RenderLimits,
    ) -> Self {
        Renderer {
            heap,
            func_names,
            limits,
        }
    }

    /// Renders one value with a fresh budget.
    pub fn render(&self, v: &Value) -> Json {
        let mut budget = self.limits.max_nodes;
        let mut path = Vec::new();
        self.value(v, 0, &mut budget, &mut path)
    }

    fn value(&self, v: &Value, depth: usize, budget: &mut usize, path: &mut Vec<ObjId>) -> Json {
        if *budget == 0 {
            return truncated("…");
        }
        *budget -= 1;
        match v {
            Value::Undefined => tagged("undefined", "undefined"),
            Value::Uninit => tagged("uninitialized", "<uninitialized>"),
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => number(*n),
            Value::String(s) => self.string(s),
            Value::Native(n) => tagged("function", format!("[Function: {}]", n.path())),
            Value::Object(id) => self.object(*id, depth, budget, path),
        }
    }

    fn string(&self, s: &str) -> Json {
        let count = s.chars().count();
        if count <= self.limits.max_string {
            return Json::String(s.to_owned());
        }
        let head: String = s.chars().take(self.limits.max_string).collect();
        json!({"$type": "truncated", "display": format!("{head}…"), "length": count})
    }

    fn object(&self, id: ObjId, depth: usize, budget: &mut usize, path: &mut Vec<ObjId>) -> Json {
        if path.contains(&id) {
            return tagged("circular", "[Circular]");
        }
        let Some(obj) = self.heap.get(id) else {
            return tagged("invalid", "<dangling reference>");
        };
        let nested = matches!(obj, Obj::Object(_) | Obj::Array(_));
        if nested && depth >= self.limits.max_depth {
            return truncated(match obj {
                Obj::Array(items) => format!("[Array({})]", items.len()),
                _ => "[Object]".to_owned(),
            });
        }
        path.push(id);
        let out = match obj {
            Obj::Object(props) => {
                let mut map = Map::new();
                for (k, v) in props.entries() {
                    if *budget == 0 {
                        map.insert("…".into(), truncated("more properties"));
                        break;
                    }
                    map.insert(k.to_string(), self.value(&v, depth + 1, budget, path));
                }
                Json::Object(map)
            }
            Obj::Array(items) => {
                let mut out = Vec::new();
                for (i, v) in items.iter().enumerate() {
                    if *budget == 0 {
                        out.push(truncated(format!("{} more items", items.len() - i)));
                        break;
                    }
                    out.push(self.value(v, depth + 1, budget, path));
                }
                Json::Array(out)
            }
            Obj::Error(props, _) => {
                let text = |k: &str| match props.get(k) {
                    Some(Value::String(s)) => s.to_string(),
                    _ => String::new(),
                };
                let (name, message) = (text("name"), text("message"));
                json!({"$type": "error", "display": format!("{name}: {message}"),
                       "name": name, "message": message})
            }
            Obj::Date(t) => tagged("date", crate::vm::date::iso_string(*t)),
            Obj::Function { func, .. } => {
                let name = (self.func_names)(*func);
                let shown = if name.is_empty() {
                    "(anonymous)"
                } else {
                    &name
                };
                tagged("function", format!("[Function: {shown}]"))
            }
            Obj::BoundMethod { name, .. } => tagged("function", format!("[Function: {name}]")),
            Obj::Env { .. } => tagged("invalid", "<environment>"),
            Obj::Promise(p) => promise(p),
        };
        path.pop();
        out
    }
}

fn number(n: f64) -> Json {
    if n.is_finite() {
        crate::vm::json::json_number(n)
    } else {
        tagged("number", crate::vm::conv::inspect_number(n))
    }
}

fn promise(p: &crate::value::PromiseObj) -> Json {
    let state = match p.state {
        PromiseState::Pending => "pending",
        PromiseState::Fulfilled(_) => "fulfilled",
        PromiseState::Rejected(_) => "rejected",
    };
    let what = match &p.source {
        PromiseSource::External { handle, kind, .. } => format!("{kind:?} #{}", handle.0),
        PromiseSource::Combinator { kind, items, .. } => {
            format!("Promise.{}({} items)", combinator_name(*kind), items.len())
        }
        PromiseSource::Plain => "Promise".to_owned(),
        PromiseSource::Async => "async call".to_owned(),
    };
    json!({"$type": "handle", "display": format!("[{what} <{state}>]"), "state": state})
}

fn combinator_name(kind: crate::value::Combinator) -> &'static str {
    use crate::value::Combinator::*;
    match kind {
        All => "all",
        AllSettled => "allSettled",
        Any => "any",
        Race => "race",
    }
}
