//! Calling the builtin globals and their static members (the [`Native`] values of
//! [`crate::catalog`]): `Task.run`, `Math.max`, `JSON.stringify`, `Object.keys`, the
//! conversions, and `new Error`/`new Date`; the option and argument checks they share.

use super::callbacks::{EachOp, NativeTask};
use super::exec::Invoked;
use super::ops::{js_pow, truthy};
use super::{Exc, Machine};
use crate::catalog::Native;
use crate::effects::{Request, RetryPolicy, TaskOptions, WorkflowOptions};
use crate::js::math as jm;
use crate::value::{Combinator, EffectKind, Obj, Props, Str, Value};

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

impl Machine<'_> {
    /// A duration argument in milliseconds: seconds as a number, or a string like `"1h30m"`.
    pub fn duration_ms(&mut self, v: &Value, what: &str) -> Result<f64, Exc> {
        match v {
            Value::Number(n) if n.is_finite() && *n >= 0.0 => Ok(n * 1000.0),
            Value::String(s) => match rhythm_analyzer::duration::parse_duration(s) {
                Ok(ms) => Ok(ms),
                Err(e) => Err(self.type_error(format!("{what}: invalid duration {s:?}: {e}"))),
            },
            other => {
                let shown = self.plain_to_string(other);
                Err(self.type_error(format!(
                    "{what}: a duration must be a number of seconds or a string like \"30s\", got {shown}"
                )))
            }
        }
    }

    fn name_arg(&mut self, v: &Value, what: &str) -> Result<String, Exc> {
        match v {
            Value::String(s) if !s.is_empty() => Ok(s.to_string()),
            other => {
                let shown = self.plain_to_string(other);
                Err(self.type_error(format!(
                    "{what}: the name must be a non-empty string, got {shown}"
                )))
            }
        }
    }

    fn opt_field(&mut self, opts: &Value, key: &str) -> Result<Value, Exc> {
        if opts.is_nullish() {
            return Ok(Value::Undefined);
        }
        self.get_prop(opts, key)
    }

    fn task_options(&mut self, opts: &Value) -> Result<TaskOptions, Exc> {
        let mut o = TaskOptions::default();
        let retries = self.opt_field(opts, "retries")?;
        o.retries = match &retries {
            Value::Undefined | Value::Null => None,
            Value::Number(n) => Some(RetryPolicy::count(n.max(0.0) as u32)),
            Value::Object(_) => {
                let max = self.get_prop(&retries, "max")?;
                let initial = self.get_prop(&retries, "initial")?;
                let factor = self.get_prop(&retries, "factor")?;
                let max_delay = self.get_prop(&retries, "maxDelay")?;
                Some(RetryPolicy {
                    max: match max {
                        Value::Number(n) => n.max(0.0) as u32,
                        _ => 3,
                    },
                    initial_ms: if initial.is_nullish() {
                        1000.0
                    } else {
                        self.duration_ms(&initial, "Task.run retries.initial")?
                    },
                    factor: match factor {
                        Value::Number(n) => n,
                        _ => 2.0,
                    },
                    max_delay_ms: if max_delay.is_nullish() {
                        None
                    } else {
                        Some(self.duration_ms(&max_delay, "Task.run retries.maxDelay")?)
                    },
                })
            }
            _ => {
                return Err(self.type_error(
                    "Task.run: retries must be a number or { max, initial, factor, maxDelay }",
                ));
            }
        };
        let timeout = self.opt_field(opts, "timeout")?;
        if !timeout.is_nullish() {
            o.timeout_ms = Some(self.duration_ms(&timeout, "Task.run timeout")?);
        }
        let queue = self.opt_field(opts, "queue")?;
        if !queue.is_nullish() {
            o.queue = Some(self.to_str(&queue)?.to_string());
        }
        let priority = self.opt_field(opts, "priority")?;
        if let Value::Number(n) = priority {
            o.priority = Some(n as i64);
        }
        let key = self.opt_field(opts, "idempotencyKey")?;
        if !key.is_nullish() {
            o.idempotency_key = Some(self.to_str(&key)?.to_string());
        }
        Ok(o)
    }

    fn inputs_json(&mut self, v: &Value, what: &str) -> Result<serde_json::Value, Exc> {
        if matches!(v, Value::Undefined) {
            return Ok(serde_json::Value::Null);
        }
        self.json_out(v, what)
    }

    fn time_arg(&mut self, v: &Value) -> Result<f64, Exc> {
        let t = match v {
            Value::Object(id) => match self.s.heap.get(*id) {
                Some(Obj::Date(t)) => *t,
                _ => f64::NAN,
            },
            Value::String(s) => super::date::parse(s),
            Value::Number(n) => *n,
            _ => f64::NAN,
        };
        if t.is_nan() {
            let shown = self.plain_to_string(v);
            return Err(self.type_error(format!(
                "Timer.until: expected a Date or an ISO date string, got {shown}"
            )));
        }
        Ok(t)
    }

    /// Calls a builtin function.
    pub fn call_native(&mut self, n: Native, args: Vec<Value>) -> Result<Invoked, Exc> {
        let a0 = arg(&args, 0);
        let walks = matches!(
            n,
            Native::JsonStringify
                | Native::JsonParse
                | Native::ObjectKeys
                | Native::ObjectValues
                | Native::ObjectEntries
                | Native::ObjectAssign
                | Native::ObjectFromEntries
                | Native::ArrayFrom
                | Native::ConsoleLog
        );
        let size = match &a0 {
            _ if !walks => 0,
            Value::String(s) => s.len(),
            Value::Object(id) => match self.s.heap.get(*id) {
                Some(Obj::Array(items)) => items.len(),
                Some(Obj::Object(p)) => p.map.len(),
                _ => 0,
            },
            _ => 0,
        };
        self.charge(size)?;
        let num = |m: &mut Self, i: usize| -> Result<f64, Exc> { m.to_num(&arg(&args, i)) };
        let v = match n {
            Native::TaskRun => {
                let name = self.name_arg(&a0, "Task.run")?;
                let inputs =
                    self.inputs_json(&arg(&args, 1), &format!("Task.run(\"{name}\") inputs"))?;
                let options = self.task_options(&arg(&args, 2))?;
                self.new_effect(EffectKind::Task, |handle| Request::RunTask {
                    handle,
                    name,
                    inputs,
                    options,
                })
            }
            Native::SignalNext | Native::SignalWhen => {
                let name = self.name_arg(&a0, "Signal.next")?;
                let timeout = self.opt_field(&arg(&args, 1), "timeout")?;
                let timeout_at = if timeout.is_nullish() {
                    None
                } else {
                    Some(self.ctx.now + self.duration_ms(&timeout, "Signal.next timeout")?)
                };
                self.new_effect(EffectKind::Signal, |handle| Request::WaitSignal {
                    handle,
                    name,
                    timeout_at,
                })
            }
            Native::TimerDelay => {
                let ms = self.duration_ms(&a0, "Timer.delay")?;
                let fire_at = self.ctx.now + ms;
                self.new_effect(EffectKind::Timer, |handle| Request::StartTimer {
                    handle,
                    fire_at,
                })
            }
            Native::TimerUntil => {
                let fire_at = self.time_arg(&a0)?;
                self.new_effect(EffectKind::Timer, |handle| Request::StartTimer {
                    handle,
                    fire_at,
                })
            }
            Native::WorkflowRun => {
                let name = self.name_arg(&a0, "Workflow.run")?;
                let inputs =
                    self.inputs_json(&arg(&args, 1), &format!("Workflow.run(\"{name}\") inputs"))?;
                let opts = arg(&args, 2);
                let mut options = WorkflowOptions::default();
                let q = self.opt_field(&opts, "queue")?;
                if !q.is_nullish() {
                    options.queue = Some(self.to_str(&q)?.to_string());
                }
                if let Value::Number(p) = self.opt_field(&opts, "priority")? {
                    options.priority = Some(p as i64);
                }
                let k = self.opt_field(&opts, "idempotencyKey")?;
                if !k.is_nullish() {
                    options.idempotency_key = Some(self.to_str(&k)?.to_string());
                }
                self.new_effect(EffectKind::Workflow, |handle| Request::StartWorkflow {
                    handle,
                    name,
                    inputs,
                    options,
                })
            }
            Native::PromiseAll => self.combinator(Combinator::All, &a0)?,
            Native::PromiseAllSettled => self.combinator(Combinator::AllSettled, &a0)?,
            Native::PromiseAny => self.combinator(Combinator::Any, &a0)?,
            Native::PromiseRace => self.combinator(Combinator::Race, &a0)?,
            Native::MathFloor => Value::Number(jm::floor(num(self, 0)?)),
            Native::MathCeil => Value::Number(jm::ceil(num(self, 0)?)),
            Native::MathRound => Value::Number(jm::round(num(self, 0)?)),
            Native::MathTrunc => Value::Number(jm::trunc(num(self, 0)?)),
            Native::MathSign => Value::Number(jm::sign(num(self, 0)?)),
            Native::MathAbs => Value::Number(jm::abs(num(self, 0)?)),
            Native::MathMin | Native::MathMax => {
                let mut xs = Vec::with_capacity(args.len());
                for i in 0..args.len() {
                    xs.push(num(self, i)?);
                }
                Value::Number(if n == Native::MathMax {
                    jm::max(&xs)
                } else {
                    jm::min(&xs)
                })
            }
            Native::MathPow => {
                let x = num(self, 0)?;
                let y = num(self, 1)?;
                Value::Number(js_pow(x, y))
            }
            Native::MathSqrt => Value::Number(jm::sqrt(num(self, 0)?)),
            Native::MathLog => Value::Number(jm::log(num(self, 0)?)),
            Native::MathExp => Value::Number(jm::exp(num(self, 0)?)),
            Native::MathRandom => Value::Number(self.random()),
            Native::JsonParse => {
                let text = self.to_str(&a0)?;
                self.parse_json(&text)?
            }
            Native::JsonStringify => {
                let indent = match arg(&args, 2) {
                    Value::Number(k) => " ".repeat(k.clamp(0.0, 10.0) as usize),
                    Value::String(s) => s.chars().take(10).collect(),
                    _ => String::new(),
                };
                match self.stringify(&a0, &indent)? {
                    Some(s) => Value::str(&s),
                    None => Value::Undefined,
                }
            }
            Native::ConsoleLog => {
                let line = self.format_log(&args);
                self.logs.push(line);
                Value::Undefined
            }
            Native::ObjectKeys | Native::ObjectValues | Native::ObjectEntries => {
                if a0.is_nullish() {
                    return Err(self.type_error("Cannot convert undefined or null to object"));
                }
                let entries = self.own_entries(&a0);
                let items: Vec<Value> = match n {
                    Native::ObjectKeys => {
                        entries.into_iter().map(|(k, _)| Value::String(k)).collect()
                    }
                    Native::ObjectValues => entries.into_iter().map(|(_, v)| v).collect(),
                    _ => entries
                        .into_iter()
                        .map(|(k, v)| self.new_array(vec![Value::String(k), v]))
                        .collect(),
                };
                self.new_array(items)
            }
            Native::ObjectAssign => {
                if a0.is_nullish() {
                    return Err(self.type_error("Cannot convert undefined or null to object"));
                }
                for src in args.iter().skip(1) {
                    for (k, v) in self.own_entries(src) {
                        self.set_prop(&a0, k, v)?;
                    }
                }
                a0
            }
            Native::ObjectFromEntries => {
                let items = self.iterate(&a0)?;
                let mut p = Props::default();
                for item in items {
                    let k = self.get_index(&item, &Value::Number(0.0))?;
                    let v = self.get_index(&item, &Value::Number(1.0))?;
                    let k = self.to_key(&k)?;
                    p.set(k, v);
                }
                Value::Object(self.s.heap.alloc(Obj::Object(p)))
            }
            Native::ArrayIsArray => Value::Bool(self.array_items(&a0).is_some()),
            Native::ArrayFrom => {
                let items = match &a0 {
                    Value::Object(id) if !matches!(self.s.heap.get(*id), Some(Obj::Array(_))) => {
                        let len = self.get_prop(&a0, "length")?;
                        let len = self.to_num(&len)?;
                        let len = if len.is_nan() { 0.0 } else { len.max(0.0) };
                        if len > (self.limits().max_heap_bytes / 8) as f64 {
                            return Err(self.range_error("Invalid array length"));
                        }
                        let mut out = Vec::with_capacity(len as usize);
                        for i in 0..len as usize {
                            out.push(self.get_index(&a0, &Value::Number(i as f64))?);
                        }
                        out
                    }
                    v if v.is_nullish() => {
                        return Err(self.type_error(format!(
                            "{} is not iterable (cannot read property Symbol(Symbol.iterator))",
                            self.plain_to_string(v)
                        )));
                    }
                    Value::String(_) | Value::Object(_) => self.iterate(&a0)?,
                    _ => Vec::new(),
                };
                let arr = self.new_array(items);
                let f = arg(&args, 1);
                if f.is_nullish() {
                    arr
                } else {
                    return self.each(EachOp::Map, &arr, &f);
                }
            }
            Native::Number => {
                if args.is_empty() {
                    Value::Number(0.0)
                } else {
                    Value::Number(num(self, 0)?)
                }
            }
            Native::String => {
                if args.is_empty() {
                    Value::str("")
                } else {
                    Value::String(self.to_str(&a0)?)
                }
            }
            Native::Boolean => Value::Bool(truthy(&a0)),
            Native::ParseInt => {
                let s = self.to_str(&a0)?;
                let radix = match arg(&args, 1) {
                    Value::Undefined => None,
                    r => Some(self.to_num(&r)?),
                };
                Value::Number(super::conv::parse_int(&s, radix))
            }
            Native::ParseFloat => {
                let s = self.to_str(&a0)?;
                Value::Number(super::conv::parse_float(&s))
            }
            Native::IsNaN => Value::Bool(num(self, 0)?.is_nan()),
            Native::IsFinite => Value::Bool(num(self, 0)?.is_finite()),
            Native::NumberIsInteger => {
                Value::Bool(matches!(a0, Value::Number(x) if x.is_finite() && x.fract() == 0.0))
            }
            Native::NumberIsNaN => Value::Bool(matches!(a0, Value::Number(x) if x.is_nan())),
            Native::DateNow => Value::Number(self.ctx.now.floor()),
            Native::Date => Value::str(&super::date::date_string(self.ctx.now.floor())),
            Native::Error => self.new_error(n, &args)?,
            Native::Task
            | Native::Signal
            | Native::Timer
            | Native::Workflow
            | Native::Promise
            | Native::Math
            | Native::Json
            | Native::Console
            | Native::Context
            | Native::Object
            | Native::Array => {
                if n == Native::Object {
                    if a0.is_nullish() {
                        self.new_object(Vec::new())
                    } else {
                        a0
                    }
                } else if n == Native::Array {
                    self.new_array(args.clone())
                } else {
                    return Err(self.type_error(format!("{} is not a function", n.path())));
                }
            }
        };
        Ok(Invoked::Value(v))
    }

    fn new_error(&mut self, n: Native, args: &[Value]) -> Result<Value, Exc> {
        let msg = match arg(args, 0) {
            Value::Undefined => String::new(),
            v => self.to_str(&v)?.to_string(),
        };
        let e = self.make_error(n.path(), &msg);
        if let Value::Object(id) = &e
            && let Some(Obj::Error(p, _)) = self.s.heap.get_mut(*id)
        {
            // `new Error(m)` has only `message` as an own property; `type` stays internal.
            p.map.shift_remove("type");
            p.map.shift_remove("name");
            p.hidden = 1;
            if msg.is_empty() && args.is_empty() {
                p.map.shift_remove("message");
                p.hidden = 0;
            }
        }
        let opts = arg(args, 1);
        if let Value::Object(_) = opts
            && self.has_property(&opts, "cause")?
        {
            let cause = self.get_prop(&opts, "cause")?;
            if let Value::Object(id) = &e
                && let Some(Obj::Error(p, _)) = self.s.heap.get_mut(*id)
            {
                let mut map = indexmap::IndexMap::new();
                map.insert(Str::from("cause"), cause);
                for (k, v) in std::mem::take(&mut p.map) {
                    map.insert(k, v);
                }
                p.map = map;
                p.hidden += 1;
            }
        }
        if n != Native::Error
            && let Value::Object(id) = &e
            && let Some(Obj::Error(p, _)) = self.s.heap.get_mut(*id)
        {
            // Subclass names live on the prototype in JavaScript: keep them non-enumerable.
            let mut map = indexmap::IndexMap::new();
            map.insert(Str::from("name"), Value::str(n.path()));
            for (k, v) in std::mem::take(&mut p.map) {
                map.insert(k, v);
            }
            p.map = map;
            p.hidden += 1;
        }
        Ok(e)
    }

    /// `new callee(args...)` with the callee below `argc` arguments.
    pub fn construct(&mut self, argc: usize) -> Result<Value, Exc> {
        if self.s.stack.len() < argc + 1 {
            return Err(self.fatal_internal("operand stack underflow"));
        }
        let at = self.s.stack.len().saturating_sub(argc + 1);
        let args: Vec<Value> = self.s.stack.drain(at + 1..).collect();
        let callee = self.s.stack.pop().unwrap_or_default();
        match callee {
            Value::Native(Native::Error) => self.new_error(Native::Error, &args),
            Value::Native(Native::Date) => {
                let t = match args.len() {
                    0 => self.ctx.now.floor(),
                    1 => {
                        let a = &args[0];
                        match a {
                            Value::Object(id)
                                if matches!(self.s.heap.get(*id), Some(Obj::Date(_))) =>
                            {
                                match self.s.heap.get(*id) {
                                    Some(Obj::Date(t)) => *t,
                                    _ => f64::NAN,
                                }
                            }
                            _ => {
                                let p = self.to_primitive(a, super::ops::Hint::Default)?;
                                match p {
                                    Value::String(s) => super::date::parse(&s),
                                    other => super::date::time_clip(self.to_num(&other)?),
                                }
                            }
                        }
                    }
                    _ => {
                        let mut f = Vec::new();
                        for a in args.iter().take(7) {
                            f.push(self.to_num(a)?);
                        }
                        super::date::from_components(&f)
                    }
                };
                Ok(Value::Object(self.s.heap.alloc(Obj::Date(t))))
            }
            other => {
                let text = self.source_text(self.current_range());
                let _ = other;
                Err(self.type_error(format!("{text} is not a constructor")))
            }
        }
    }

    /// Starts `map`/`filter`/... over an array.
    pub fn each(&mut self, op: EachOp, arr: &Value, f: &Value) -> Result<Invoked, Exc> {
        let Value::Object(id) = arr else {
            return Err(self.type_error("not an array"));
        };
        self.require_callable(f)?;
        let len = match self.s.heap.get(*id) {
            Some(Obj::Array(items)) => items.len() as u32,
            _ => 0,
        };
        self.start_native(NativeTask::Each {
            op,
            arr: *id,
            f: f.clone(),
            i: 0,
            len,
            out: Vec::new(),
            cur: Value::Undefined,
        })
    }

    /// Throws `TypeError: x is not a function` unless `f` can be called.
    pub fn require_callable(&mut self, f: &Value) -> Result<(), Exc> {
        if self.type_of(f) == "function" {
            return Ok(());
        }
        let shown = match f {
            Value::Object(_) => {
                if self.array_items(f).is_some() {
                    "#<Array>".to_string()
                } else {
                    "#<Object>".to_string()
                }
            }
            Value::String(s) => format!("\"{s}\""),
            other => self.plain_to_string(other),
        };
        Err(self.type_error(format!("{shown} is not a function")))
    }
}
