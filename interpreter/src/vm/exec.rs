//! The interpreter loop and the call machinery.

use super::callbacks::NativeStep;
use super::ops::truthy;
use super::{Exc, Frame, Handler, Machine};
use crate::bytecode::{BinaryOp, Op};
use crate::value::{Obj, PromiseState, Str, Value};

/// The result of a binary operator on two numbers.
enum NumOut {
    Num(f64),
    Bool(bool),
}

/// `x op y` for the operators whose result on two numbers needs no conversion.
#[inline(always)]
fn num_binary(bop: BinaryOp, x: f64, y: f64) -> Option<NumOut> {
    Some(match bop {
        BinaryOp::Add => NumOut::Num(x + y),
        BinaryOp::Sub => NumOut::Num(x - y),
        BinaryOp::Mul => NumOut::Num(x * y),
        BinaryOp::Div => NumOut::Num(x / y),
        BinaryOp::Rem => NumOut::Num(super::ops::js_rem(x, y)),
        BinaryOp::Lt => NumOut::Bool(x < y),
        BinaryOp::Le => NumOut::Bool(x <= y),
        BinaryOp::Gt => NumOut::Bool(x > y),
        BinaryOp::Ge => NumOut::Bool(x >= y),
        BinaryOp::StrictEq | BinaryOp::LooseEq => NumOut::Bool(x == y),
        BinaryOp::StrictNe | BinaryOp::LooseNe => NumOut::Bool(x != y),
        _ => return None,
    })
}

/// What is being called, as far as `invoke` needs to know.
enum Callee {
    Object(crate::value::ObjId),
    Native(crate::catalog::Native),
    Other,
}

/// What invoking a callee did.
pub enum Invoked {
    /// A frame was pushed; the loop continues in it.
    Frame,
    /// A builtin returned at once.
    Value(Value),
}

impl Machine<'_> {
    fn pop(&mut self) -> Value {
        self.s.stack.pop().unwrap_or_default()
    }

    fn top(&self) -> &Value {
        static UNDEF: Value = Value::Undefined;
        self.s.stack.last().unwrap_or(&UNDEF)
    }

    fn konst(&self, i: u32) -> Str {
        self.prog
            .consts
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| Str::from(""))
    }

    fn env_at(&mut self, depth: u16) -> Result<crate::value::ObjId, Exc> {
        let mut env = self.s.frames.last().and_then(|f| f.env);
        for _ in 0..depth {
            env = match env.and_then(|e| self.s.heap.get(e)) {
                Some(Obj::Env { parent, .. }) => *parent,
                _ => None,
            };
        }
        match env {
            Some(e) => Ok(e),
            None => Err(self.fatal_internal("environment chain is broken")),
        }
    }

    /// An internal inconsistency (corrupt state): fails the execution.
    pub fn fatal_internal(&self, what: &str) -> Exc {
        let mut e = serde_json::Map::new();
        e.insert("type".into(), "InternalError".into());
        e.insert("name".into(), "InternalError".into());
        e.insert("message".into(), format!("internal error: {what}").into());
        Exc::Fatal(serde_json::Value::Object(e))
    }

    /// Runs instructions until the script returns (`Some`) or suspends (`None`).
    pub fn exec(&mut self) -> Result<Option<Value>, Exc> {
        let prog = self.prog;
        loop {
            #[cfg(test)]
            let fast = !self.slow_only;
            #[cfg(not(test))]
            let fast = true;
            if fast {
                self.fast();
            }
            let Some(frame) = self.s.frames.last_mut() else {
                return Ok(Some(Value::Undefined));
            };
            let Some(func) = prog.funcs.get(frame.func as usize) else {
                return Err(self.fatal_internal("frame of an unknown function"));
            };
            let pc = frame.pc as usize;
            let base = frame.base as usize;
            let Some(op) = func.code.get(pc).copied() else {
                return Err(self.fatal_internal("program counter out of range"));
            };
            frame.pc += 1;
            if self.budget == 0 {
                return Err(self.fatal_limit(format!(
                    "instruction limit exceeded ({} instructions in one step)",
                    self.limits().max_instructions
                )));
            }
            self.budget -= 1;
            match op {
                Op::Undef => self.s.stack.push(Value::Undefined),
                Op::Null => self.s.stack.push(Value::Null),
                Op::Bool(b) => self.s.stack.push(Value::Bool(b)),
                Op::Num(n) => self.s.stack.push(Value::Number(n)),
                Op::Str(i) => {
                    let s = self.konst(i);
                    self.s.stack.push(Value::String(s));
                }
                Op::Native(n) => self.s.stack.push(Value::Native(n)),
                Op::Inputs => {
                    let v = self.s.inputs.clone();
                    self.s.stack.push(v);
                }
                Op::Pop => {
                    self.s.stack.pop();
                }
                Op::Dup => {
                    let v = self.top().clone();
                    self.s.stack.push(v);
                }
                Op::Dup2 => {
                    let n = self.s.stack.len();
                    if n >= 2 {
                        let a = self.s.stack[n - 2].clone();
                        let b = self.s.stack[n - 1].clone();
                        self.s.stack.push(a);
                        self.s.stack.push(b);
                    }
                }
                Op::Swap => {
                    let n = self.s.stack.len();
                    if n >= 2 {
                        self.s.stack.swap(n - 1, n - 2);
                    }
                }
                Op::Bury(k) => {
                    let v = self.pop();
                    let at = self.s.stack.len().saturating_sub(k as usize);
                    self.s.stack.insert(at, v);
                }
                Op::Load(slot) => {
                    let v = self
                        .s
                        .stack
                        .get(base + slot as usize)
                        .cloned()
                        .unwrap_or_default();
                    if let Value::Uninit = v {
                        let name = func
                            .local_names
                            .get(slot as usize)
                            .cloned()
                            .unwrap_or_else(|| Str::from("variable"));
                        return Err(self.reference_error(format!(
                            "Cannot access '{name}' before initialization"
                        )));
                    }
                    self.s.stack.push(v);
                }
                Op::Store(slot) => {
                    let v = self.pop();
                    if let Some(s) = self.s.stack.get_mut(base + slot as usize) {
                        *s = v;
                    }
                }
                Op::Uninit(slot) => {
                    if let Some(s) = self.s.stack.get_mut(base + slot as usize) {
                        *s = Value::Uninit;
                    }
                }
                Op::LoadEnv(depth, slot, name) => {
                    let e = self.env_at(depth)?;
                    let v = match self.s.heap.get(e) {
                        Some(Obj::Env { slots, .. }) => {
                            slots.get(slot as usize).cloned().unwrap_or_default()
                        }
                        _ => Value::Undefined,
                    };
                    if let Value::Uninit = v {
                        let name = self.konst(name);
                        return Err(self.reference_error(format!(
                            "Cannot access '{name}' before initialization"
                        )));
                    }
                    self.s.stack.push(v);
                }
                Op::StoreEnv(depth, slot) => {
                    let v = self.pop();
                    let e = self.env_at(depth)?;
                    if let Some(Obj::Env { slots, .. }) = self.s.heap.get_mut(e)
                        && let Some(s) = slots.get_mut(slot as usize)
                    {
                        *s = v;
                    }
                }
                Op::UninitEnv(depth, slot) => {
                    let e = self.env_at(depth)?;
                    if let Some(Obj::Env { slots, .. }) = self.s.heap.get_mut(e)
                        && let Some(s) = slots.get_mut(slot as usize)
                    {
                        *s = Value::Uninit;
                    }
                }
                Op::ConstAssign => {
                    return Err(self.type_error("Assignment to constant variable."));
                }
                Op::PushEnv(n) => {
                    let parent = self.s.frames.last().and_then(|f| f.env);
                    let e = self.s.heap.alloc(Obj::Env {
                        slots: vec![Value::Uninit; n as usize],
                        parent,
                    });
                    if let Some(f) = self.s.frames.last_mut() {
                        f.env = Some(e);
                    }
                    self.maybe_gc()?;
                }
                Op::PopEnv => {
                    let cur = self.s.frames.last().and_then(|f| f.env);
                    let parent = match cur.and_then(|e| self.s.heap.get(e)) {
                        Some(Obj::Env { parent, .. }) => *parent,
                        _ => None,
                    };
                    if let Some(f) = self.s.frames.last_mut() {
                        f.env = parent;
                    }
                }
                Op::CopyEnv => {
                    let cur = self.s.frames.last().and_then(|f| f.env);
                    if let Some(Obj::Env { slots, parent }) = cur.and_then(|e| self.s.heap.get(e)) {
                        let copy = Obj::Env {
                            slots: slots.clone(),
                            parent: *parent,
                        };
                        let e = self.s.heap.alloc(copy);
                        if let Some(f) = self.s.frames.last_mut() {
                            f.env = Some(e);
                        }
                    }
                }
                Op::GetProp(k) => {
                    let obj = self.pop();
                    let key = self.konst(k);
                    let v = self.get_prop(&obj, &key)?;
                    self.s.stack.push(v);
                }
                Op::GetIndex => {
                    let key = self.pop();
                    let obj = self.pop();
                    let v = self.get_index(&obj, &key)?;
                    self.s.stack.push(v);
                }
                Op::SetProp(k) => {
                    let v = self.pop();
                    let obj = self.pop();
                    let key = self.konst(k);
                    self.set_prop(&obj, key, v.clone())?;
                    self.s.stack.push(v);
                }
                Op::SetIndex => {
                    let v = self.pop();
                    let key = self.pop();
                    let obj = self.pop();
                    self.set_index(&obj, &key, v.clone())?;
                    self.s.stack.push(v);
                }
                Op::Call(argc) => {
                    if let Invoked::Value(v) = self.invoke(argc as usize)? {
                        self.deliver(v)?;
                    }
                }
                Op::CallAwaited(argc) => {
                    self.awaited_call = true;
                    let r = self.invoke(argc as usize);
                    self.awaited_call = false;
                    if let Invoked::Value(v) = r? {
                        self.deliver(v)?;
                    }
                }
                Op::CallSpread => {
                    let args = self.pop();
                    let argc = self.spread_onto_stack(&args)?;
                    if let Invoked::Value(v) = self.invoke(argc)? {
                        self.deliver(v)?;
                    }
                }
                Op::CallMethod(k, argc) => {
                    let name = self.konst(k);
                    if let Invoked::Value(v) = self.call_method(&name, argc as usize)? {
                        self.deliver(v)?;
                    }
                }
                Op::CallMethodSpread(k) => {
                    let name = self.konst(k);
                    let args = self.pop();
                    let argc = self.spread_onto_stack(&args)?;
                    if let Invoked::Value(v) = self.call_method(&name, argc)? {
                        self.deliver(v)?;
                    }
                }
                Op::New(argc) => {
                    let v = self.construct(argc as usize)?;
                    self.s.stack.push(v);
                }
                Op::NewSpread => {
                    let args = self.pop();
                    let argc = self.spread_onto_stack(&args)?;
                    let v = self.construct(argc)?;
                    self.s.stack.push(v);
                }
                Op::Return => {
                    let v = self.pop();
                    let done = self.s.frames.pop();
                    if let Some(f) = done {
                        self.s.stack.truncate((f.base as usize).saturating_sub(1));
                    }
                    if self.s.frames.is_empty() {
                        if self.s.current.is_some() {
                            self.finish_branch(Ok(v))?;
                            return Ok(None);
                        }
                        return Ok(Some(v));
                    }
                    self.deliver(v)?;
                }
                Op::Jump(t) => self.set_pc(t),
                Op::JumpIfFalse(t) => {
                    let v = self.pop();
                    if !truthy(&v) {
                        self.set_pc(t);
                    }
                }
                Op::JumpIfTrue(t) => {
                    let v = self.pop();
                    if truthy(&v) {
                        self.set_pc(t);
                    }
                }
                Op::JumpIfFalseKeep(t) => {
                    if truthy(self.top()) {
                        self.s.stack.pop();
                    } else {
                        self.set_pc(t);
                    }
                }
                Op::JumpIfTrueKeep(t) => {
                    if truthy(self.top()) {
                        self.set_pc(t);
                    } else {
                        self.s.stack.pop();
                    }
                }
                Op::JumpIfNotNullishKeep(t) => {
                    if self.top().is_nullish() {
                        self.s.stack.pop();
                    } else {
                        self.set_pc(t);
                    }
                }
                Op::JumpIfNotUndef(t) => {
                    if matches!(self.top(), Value::Undefined) {
                        self.s.stack.pop();
                    } else {
                        self.set_pc(t);
                    }
                }
                Op::OptCheck(t, n) => {
                    if self.top().is_nullish() {
                        for _ in 0..n {
                            self.s.stack.pop();
                        }
                        self.set_pc(t);
                    }
                }
                Op::Binary(bop) => {
                    let b = self.pop();
                    let a = self.pop();
                    let v = self.binary(bop, &a, &b)?;
                    self.s.stack.push(v);
                }
                Op::Neg => {
                    let a = self.pop();
                    let n = self.to_num(&a)?;
                    self.s.stack.push(Value::Number(-n));
                }
                Op::Plus | Op::ToNumber => {
                    let a = self.pop();
                    let n = self.to_num(&a)?;
                    self.s.stack.push(Value::Number(n));
                }
                Op::Not => {
                    let a = self.pop();
                    self.s.stack.push(Value::Bool(!truthy(&a)));
                }
                Op::BitNot => {
                    let a = self.pop();
                    let n = self.to_num(&a)?;
                    self.s
                        .stack
                        .push(Value::Number(f64::from(!super::conv::to_int32(n))));
                }
                Op::Typeof => {
                    let a = self.pop();
                    let t = self.type_of(&a);
                    self.s.stack.push(Value::str(t));
                }
                Op::Inc | Op::Dec => {
                    let a = self.pop();
                    let n = self.to_num(&a)?;
                    let d = if op == Op::Inc { 1.0 } else { -1.0 };
                    self.s.stack.push(Value::Number(n + d));
                }
                Op::Template(n) => {
                    let at = self.s.stack.len().saturating_sub(n as usize);
                    let parts: Vec<Value> = self.s.stack.drain(at..).collect();
                    let mut out = String::new();
                    for p in &parts {
                        let s = self.to_str(p)?;
                        out.push_str(&s);
                    }
                    self.check_string_len(out.len())?;
                    self.s.stack.push(Value::String(Str::from(out)));
                }
                Op::Array(n) => {
                    let at = self.s.stack.len().saturating_sub(n as usize);
                    let items: Vec<Value> = self.s.stack.drain(at..).collect();
                    let v = self.new_array(items);
                    self.s.stack.push(v);
                    self.maybe_gc()?;
                }
                Op::ArrayPush => {
                    let v = self.pop();
                    if let Value::Object(id) = self.top()
                        && let Some(Obj::Array(items)) = self.s.heap.get_mut(*id)
                    {
                        items.push(v);
                    }
                }
                Op::ArraySpread => {
                    let src = self.pop();
                    let items = self.iterate(&src)?;
                    if let Value::Object(id) = self.top()
                        && let Some(Obj::Array(dst)) = self.s.heap.get_mut(*id)
                    {
                        dst.extend(items);
                    }
                }
                Op::Object => {
                    let v = self.new_object(Vec::new());
                    self.s.stack.push(v);
                    self.maybe_gc()?;
                }
                Op::DefineProp(k) => {
                    let v = self.pop();
                    let key = self.konst(k);
                    self.define(key, v);
                }
                Op::DefineIndex => {
                    let v = self.pop();
                    let k = self.pop();
                    let key = self.to_key(&k)?;
                    self.define(key, v);
                }
                Op::ObjectSpread => {
                    let src = self.pop();
                    let entries = self.own_entries(&src);
                    for (k, v) in entries {
                        self.define(k, v);
                    }
                }
                Op::Closure(f) => {
                    let env = self.s.frames.last().and_then(|fr| fr.env);
                    let id = self.s.heap.alloc(Obj::Function { func: f, env });
                    self.s.stack.push(Value::Object(id));
                    self.maybe_gc()?;
                }
                Op::Callee => {
                    let v = self
                        .s
                        .stack
                        .get(base.saturating_sub(1))
                        .cloned()
                        .unwrap_or_default();
                    self.s.stack.push(v);
                }
                Op::Await => {
                    let v = self.pop();
                    if let Value::Object(id) = v
                        && let Some(Obj::Promise(p)) = self.s.heap.get(id)
                    {
                        match &p.state {
                            PromiseState::Fulfilled(x) => {
                                let x = x.clone();
                                self.s.stack.push(x);
                            }
                            PromiseState::Rejected(e) => return Err(Exc::Throw(e.clone())),
                            PromiseState::Pending => {
                                if self.s.current.is_some() {
                                    self.park_branch(id)?;
                                } else {
                                    self.s.awaiting = Some(id);
                                }
                                return Ok(None);
                            }
                        }
                    } else {
                        self.s.stack.push(v);
                    }
                }
                Op::Throw => {
                    let v = self.pop();
                    self.throw_range = self.current_range();
                    return Err(Exc::Throw(v));
                }
                Op::PushHandler(t) => {
                    let sp = self.s.stack.len() as u32;
                    if let Some(f) = self.s.frames.last_mut() {
                        let env = f.env;
                        f.handlers.push(Handler { pc: t, sp, env });
                    }
                }
                Op::PopHandler => {
                    if let Some(f) = self.s.frames.last_mut() {
                        f.handlers.pop();
                    }
                }
                Op::IterArray => {
                    let v = self.pop();
                    let arr = match &v {
                        Value::Object(id)
                            if matches!(self.s.heap.get(*id), Some(Obj::Array(_))) =>
                        {
                            v.clone()
                        }
                        _ => {
                            let items = self.iterate(&v)?;
                            self.new_array(items)
                        }
                    };
                    self.s.stack.push(arr);
                }
                Op::IterNext(a, i, t) => {
                    let arr = self.s.stack.get(base + a as usize).cloned();
                    let idx = match self.s.stack.get(base + i as usize) {
                        Some(Value::Number(n)) => *n as usize,
                        _ => 0,
                    };
                    let next = match arr {
                        Some(Value::Object(id)) => match self.s.heap.get(id) {
                            Some(Obj::Array(items)) => items.get(idx).cloned(),
                            _ => None,
                        },
                        _ => None,
                    };
                    match next {
                        Some(v) => {
                            if let Some(s) = self.s.stack.get_mut(base + i as usize) {
                                *s = Value::Number((idx + 1) as f64);
                            }
                            self.s.stack.push(v);
                        }
                        None => self.set_pc(t),
                    }
                }
                Op::ForInKeys => {
                    let v = self.pop();
                    let keys: Vec<Value> =
                        self.own_keys(&v).into_iter().map(Value::String).collect();
                    let arr = self.new_array(keys);
                    self.s.stack.push(arr);
                }
                Op::RequireObject => {
                    let v = self.top().clone();
                    if v.is_nullish() {
                        let what = self.plain_to_string(&v);
                        return Err(self
                            .type_error(format!("Cannot destructure '{what}' as it is {what}.")));
                    }
                }
                Op::ObjectRest(n) => {
                    let at = self.s.stack.len().saturating_sub(n as usize);
                    let keys: Vec<Value> = self.s.stack.drain(at..).collect();
                    let src = self.pop();
                    let mut excluded = Vec::new();
                    for k in &keys {
                        excluded.push(self.to_key(k)?);
                    }
                    let entries: Vec<(Str, Value)> = self
                        .own_entries(&src)
                        .into_iter()
                        .filter(|(k, _)| !excluded.contains(k))
                        .collect();
                    let v = self.new_object(entries);
                    self.s.stack.push(v);
                }
                Op::SliceFrom(n) => {
                    let v = self.pop();
                    let items = self.array_items(&v).unwrap_or_default();
                    let rest: Vec<Value> = items.into_iter().skip(n as usize).collect();
                    let v = self.new_array(rest);
                    self.s.stack.push(v);
                }
                Op::ThrowUndefinedName(k) => {
                    let name = self.konst(k);
                    return Err(self.reference_error(format!("{name} is not defined")));
                }
            }
        }
    }

    /// Runs the simple instructions of the top frame (constants, locals, jumps, arithmetic
    /// on numbers) with the frame's state in registers. Stops, without consuming it, at the
    /// first instruction that needs the general path (calls, errors, allocation, ...).
    ///
    /// Kept out of `exec`: inlined there, it shared registers with the general path and kept
    /// its own loop state (the budget among it) in memory.
    #[inline(never)]
    fn fast(&mut self) {
        let prog = self.prog;
        let Some(frame) = self.s.frames.last() else {
            return;
        };
        if frame.native.is_some() {
            return;
        }
        let Some(func) = prog.funcs.get(frame.func as usize) else {
            return;
        };
        let mut code = &func.code[..];
        let mut base = frame.base as usize;
        let mut env = frame.env;
        let mut pc = frame.pc as usize;
        let mut budget = self.budget;
        let max_depth = self.ctx.limits.max_call_depth;
        let stack = &mut self.s.stack;
        let heap = &self.s.heap;
        let frames = &mut self.s.frames;
        while budget > 0 {
            let Some(&op) = code.get(pc) else { break };
            match op {
                Op::Num(n) => {
                    stack.push(Value::Number(n));
                    pc += 1;
                }
                Op::Undef => {
                    stack.push(Value::Undefined);
                    pc += 1;
                }
                Op::Null => {
                    stack.push(Value::Null);
                    pc += 1;
                }
                Op::Bool(b) => {
                    stack.push(Value::Bool(b));
                    pc += 1;
                }
                Op::Str(i) => match prog.consts.get(i as usize) {
                    Some(s) => {
                        stack.push(Value::String(s.clone()));
                        pc += 1;
                    }
                    None => break,
                },
                Op::Pop => {
                    stack.pop();
                    pc += 1;
                }
                Op::Dup => match stack.last() {
                    Some(v) => {
                        let v = v.clone();
                        stack.push(v);
                        pc += 1;
                    }
                    None => break,
                },
                Op::Load(slot) => {
                    let x = match stack.get(base + slot as usize) {
                        Some(Value::Uninit) | None => break,
                        Some(Value::Number(x)) => *x,
                        Some(v) => {
                            let v = v.clone();
                            stack.push(v);
                            pc += 1;
                            budget -= 1;
                            continue;
                        }
                    };
                    // `local op constant` and `local op local` on numbers (`n - 1`, `i < n`,
                    // `a - b`) run as one step, each instruction counted, when the budget has
                    // room for all of them; anything else is a plain load.
                    let y = match code.get(pc + 1) {
                        Some(Op::Num(y)) => Some(*y),
                        Some(Op::Load(s)) => match stack.get(base + *s as usize) {
                            Some(Value::Number(y)) => Some(*y),
                            _ => None,
                        },
                        _ => None,
                    };
                    let out = match (y, code.get(pc + 2)) {
                        (Some(y), Some(Op::Binary(bop))) if budget >= 3 => num_binary(*bop, x, y),
                        _ => None,
                    };
                    // One push of a number for both the plain load and an arithmetic result
                    // keeps that push inline (several push sites were merged into an out-of-line
                    // call taking the value through memory).
                    let (n, steps) = match out {
                        None => (Some(x), 1),
                        Some(NumOut::Num(r)) => (Some(r), 3),
                        Some(NumOut::Bool(_)) => (None, 0),
                    };
                    if let Some(n) = n {
                        stack.push(Value::Number(n));
                        pc += steps;
                        budget -= steps as u64;
                        continue;
                    }
                    match out {
                        None | Some(NumOut::Num(_)) => {}
                        Some(NumOut::Bool(b)) => match code.get(pc + 3) {
                            Some(Op::JumpIfFalse(t)) if budget >= 4 => {
                                pc = if b { pc + 4 } else { *t as usize };
                                budget -= 3;
                            }
                            Some(Op::JumpIfTrue(t)) if budget >= 4 => {
                                pc = if b { *t as usize } else { pc + 4 };
                                budget -= 3;
                            }
                            _ => {
                                stack.push(Value::Bool(b));
                                pc += 3;
                                budget -= 2;
                            }
                        },
                    }
                }
                Op::Store(slot) => {
                    let i = base + slot as usize;
                    if i + 1 >= stack.len() {
                        break;
                    }
                    let v = stack.pop().unwrap_or_default();
                    stack[i] = v;
                    pc += 1;
                }
                Op::LoadEnv(depth, slot, _) => {
                    let mut e = env;
                    for _ in 0..depth {
                        e = match e.and_then(|e| heap.get(e)) {
                            Some(Obj::Env { parent, .. }) => *parent,
                            _ => None,
                        };
                    }
                    match e.and_then(|e| heap.get(e)) {
                        Some(Obj::Env { slots, .. }) => match slots.get(slot as usize) {
                            Some(Value::Uninit) | None => break,
                            // A closure (a captured function) is pushed by its id: the derived
                            // clone copied it through stack temporaries that stalled.
                            Some(Value::Object(id)) => {
                                let id = *id;
                                stack.push(Value::Object(id));
                                pc += 1;
                            }
                            Some(v) => {
                                stack.push(v.clone());
                                pc += 1;
                            }
                        },
                        _ => break,
                    }
                }
                Op::Jump(t) => pc = t as usize,
                Op::JumpIfFalse(t) => {
                    let Some(v) = stack.last() else { break };
                    pc = if truthy(v) { pc + 1 } else { t as usize };
                    stack.truncate(stack.len() - 1);
                }
                Op::JumpIfTrue(t) => {
                    let Some(v) = stack.last() else { break };
                    pc = if truthy(v) { t as usize } else { pc + 1 };
                    stack.truncate(stack.len() - 1);
                }
                Op::Not => match stack.last_mut() {
                    Some(v) => {
                        *v = Value::Bool(!truthy(v));
                        pc += 1;
                    }
                    None => break,
                },
                Op::Inc | Op::Dec | Op::ToNumber => match stack.last_mut() {
                    Some(Value::Number(n)) => {
                        match op {
                            Op::Inc => *n += 1.0,
                            Op::Dec => *n -= 1.0,
                            _ => {}
                        }
                        pc += 1;
                    }
                    _ => break,
                },
                Op::Binary(bop) => {
                    let n = stack.len();
                    if n < 2 {
                        break;
                    }
                    let (Value::Number(x), Value::Number(y)) = (&stack[n - 2], &stack[n - 1])
                    else {
                        break;
                    };
                    let (x, y) = (*x, *y);
                    let cmp = match bop {
                        BinaryOp::Lt => Some(x < y),
                        BinaryOp::Le => Some(x <= y),
                        BinaryOp::Gt => Some(x > y),
                        BinaryOp::Ge => Some(x >= y),
                        BinaryOp::StrictEq | BinaryOp::LooseEq => Some(x == y),
                        BinaryOp::StrictNe | BinaryOp::LooseNe => Some(x != y),
                        _ => None,
                    };
                    // Results are written straight into their stack slot: building a `Value`
                    // first and moving it made the CPU stall on store forwarding.
                    if let Some(b) = cmp {
                        // A comparison feeding a conditional jump (`if (a < b)`, loop tests)
                        // takes the jump here, both instructions counted, without pushing the
                        // boolean.
                        let jump = match code.get(pc + 1) {
                            Some(Op::JumpIfFalse(t)) if budget >= 2 => {
                                Some(if b { pc + 2 } else { *t as usize })
                            }
                            Some(Op::JumpIfTrue(t)) if budget >= 2 => {
                                Some(if b { *t as usize } else { pc + 2 })
                            }
                            _ => None,
                        };
                        match jump {
                            Some(to) => {
                                stack.truncate(n - 2);
                                budget -= 1;
                                pc = to;
                            }
                            None => {
                                stack.truncate(n - 1);
                                stack[n - 2] = Value::Bool(b);
                                pc += 1;
                            }
                        }
                    } else {
                        let r = match bop {
                            BinaryOp::Add => x + y,
                            BinaryOp::Sub => x - y,
                            BinaryOp::Mul => x * y,
                            BinaryOp::Div => x / y,
                            BinaryOp::Rem => super::ops::js_rem(x, y),
                            _ => break,
                        };
                        // A result returned at once (`return a + b`) is written straight into
                        // the callee's slot of a compiled caller, both instructions counted.
                        let nf = frames.len();
                        let callee_at = base.saturating_sub(1);
                        let caller = match code.get(pc + 1) {
                            Some(Op::Return) if budget >= 2 && nf >= 2 && callee_at <= n - 2 => {
                                frames
                                    .get(nf - 2)
                                    .filter(|c| c.native.is_none())
                                    .and_then(|c| Some((c, prog.funcs.get(c.func as usize)?)))
                            }
                            _ => None,
                        };
                        match caller {
                            Some((caller, cf)) => {
                                code = &cf.code[..];
                                base = caller.base as usize;
                                env = caller.env;
                                pc = caller.pc as usize;
                                stack[callee_at] = Value::Number(r);
                                stack.truncate(callee_at + 1);
                                frames.truncate(nf - 1);
                                budget -= 1;
                            }
                            None => {
                                stack.truncate(n - 1);
                                stack[n - 2] = Value::Number(r);
                                pc += 1;
                            }
                        }
                    }
                }
                Op::Call(argc) | Op::CallAwaited(argc) => {
                    // Calls of plain closures stay in registers; everything else (builtins,
                    // rest parameters, the depth limit, concurrent async calls) takes the
                    // general path.
                    let awaited = matches!(op, Op::CallAwaited(_));
                    let argc = argc as usize;
                    let Some(at) = stack.len().checked_sub(argc + 1) else {
                        break;
                    };
                    let Some(Value::Object(id)) = stack.get(at) else {
                        break;
                    };
                    let Some(Obj::Function { func: f, env: fenv }) = heap.get(*id) else {
                        break;
                    };
                    let Some(callee) = prog.funcs.get(*f as usize) else {
                        break;
                    };
                    if callee.has_rest || frames.len() >= max_depth || (callee.is_async && !awaited)
                    {
                        break;
                    }
                    let (f, fenv) = (*f, *fenv);
                    if let Some(caller) = frames.last_mut() {
                        caller.pc = (pc + 1) as u32;
                    }
                    let args_at = at + 1;
                    let nparams = callee.nparams as usize;
                    if argc > nparams {
                        stack.truncate(args_at + nparams);
                    }
                    let frame_top = args_at + (callee.nlocals as usize).max(nparams);
                    if stack.len() != frame_top {
                        stack.resize(frame_top, Value::Uninit);
                    }
                    for v in &mut stack[args_at + argc.min(nparams)..args_at + nparams] {
                        *v = Value::Undefined;
                    }
                    // `resize_with` builds the frame where it lands; `push` built it on the
                    // Rust stack and copied it, stalling the CPU on store forwarding.
                    frames.resize_with(frames.len() + 1, || Frame {
                        func: f,
                        pc: 0,
                        base: args_at as u32,
                        env: fenv,
                        handlers: Vec::new(),
                        native: None,
                    });
                    code = &callee.code[..];
                    base = args_at;
                    env = fenv;
                    pc = 0;
                }
                Op::Return => {
                    let n = frames.len();
                    if n < 2 || frames[n - 2].native.is_some() {
                        break;
                    }
                    // The result takes the callee's slot; the callee, arguments, locals and
                    // temporaries above it go.
                    let callee_at = base.saturating_sub(1);
                    let Some(top) = stack.len().checked_sub(1) else {
                        break;
                    };
                    if top < callee_at {
                        break;
                    }
                    stack.swap(callee_at, top);
                    stack.truncate(callee_at + 1);
                    frames.truncate(n - 1);
                    let Some(caller) = frames.last() else { break };
                    let Some(cf) = prog.funcs.get(caller.func as usize) else {
                        break;
                    };
                    code = &cf.code[..];
                    base = caller.base as usize;
                    env = caller.env;
                    pc = caller.pc as usize;
                }
                _ => break,
            }
            budget -= 1;
        }
        self.budget = budget;
        if let Some(frame) = frames.last_mut() {
            frame.pc = pc as u32;
        }
    }

    /// Charges the instruction budget for work proportional to `units` (elements, bytes), and
    /// checks the heap limit when the work since the last collection calls for it (builtins
    /// can grow arrays and strings a lot without allocating objects).
    pub fn charge(&mut self, units: usize) -> Result<(), Exc> {
        self.budget = self.budget.saturating_sub((units / 8) as u64);
        self.s.heap.note_growth(units);
        self.maybe_gc()
    }

    fn set_pc(&mut self, t: u32) {
        if let Some(f) = self.s.frames.last_mut() {
            f.pc = t;
        }
    }

    /// Defines a property on the object at the top of the stack.
    fn define(&mut self, key: Str, v: Value) {
        if let Value::Object(id) = self.top()
            && let Some(Obj::Object(p)) = self.s.heap.get_mut(*id)
        {
            p.set(key, v);
        }
    }

    /// Collects garbage when enough was allocated; enforces the heap limit.
    pub fn maybe_gc(&mut self) -> Result<(), Exc> {
        if self.s.heap.wants_gc() {
            self.s.collect();
            let approx = self.approx_heap_bytes();
            if approx > self.limits().max_heap_bytes {
                return Err(self.fatal_limit(format!(
                    "heap limit exceeded (about {approx} bytes in use, limit {})",
                    self.limits().max_heap_bytes
                )));
            }
        }
        Ok(())
    }

    /// A rough count of the bytes the heap holds.
    pub fn approx_heap_bytes(&self) -> usize {
        let mut n = 0usize;
        // Strings are shared, so one held in many places is counted in each: an upper bound.
        let strings = |vs: &mut dyn Iterator<Item = &Value>| -> usize {
            vs.map(|v| match v {
                Value::String(s) => s.len(),
                _ => 0,
            })
            .sum()
        };
        for (_, o) in self.s.heap.iter() {
            n += 48
                + match o {
                    Obj::Object(p) | Obj::Error(p, _) => {
                        p.map.len() * 48
                            + strings(&mut p.map.values())
                            + p.map.keys().map(|k| k.len()).sum::<usize>()
                    }
                    Obj::Array(items) => items.len() * 24 + strings(&mut items.iter()),
                    Obj::Env { slots, .. } => slots.len() * 24 + strings(&mut slots.iter()),
                    _ => 16,
                };
        }
        n + strings(&mut self.s.stack.iter())
    }

    /// The elements `for…of` and spread visit.
    pub fn iterate(&mut self, v: &Value) -> Result<Vec<Value>, Exc> {
        match v {
            Value::String(s) => Ok(s
                .chars()
                .map(|c| Value::String(Str::from(c.to_string())))
                .collect()),
            Value::Object(id) => match self.s.heap.get(*id) {
                Some(Obj::Array(items)) => Ok(items.clone()),
                _ => {
                    let what = self.type_of(v);
                    let desc = if what == "object" { "object" } else { what };
                    Err(self.type_error(format!("{desc} is not iterable")))
                }
            },
            other => {
                let s = match other {
                    Value::Undefined | Value::Uninit => "undefined".to_string(),
                    Value::Null => "null".to_string(),
                    _ => self.plain_to_string(other),
                };
                Err(self.type_error(format!("{s} is not iterable")))
            }
        }
    }

    /// Replaces the array on top of the stack by its elements; returns how many.
    fn spread_onto_stack(&mut self, args: &Value) -> Result<usize, Exc> {
        let items = self.iterate(args)?;
        let n = items.len();
        if n > 65_535 {
            return Err(self.range_error("Maximum call stack size exceeded"));
        }
        self.s.stack.extend(items);
        Ok(n)
    }

    /// Calls the callee below `argc` arguments on the stack.
    pub fn invoke(&mut self, argc: usize) -> Result<Invoked, Exc> {
        if self.s.stack.len() < argc + 1 {
            return Err(self.fatal_internal("operand stack underflow"));
        }
        let at = self.s.stack.len().saturating_sub(argc + 1);
        // Only the callee's object id or builtin is read: cloning the whole value went through
        // temporaries that stalled the CPU on store forwarding.
        let callee = match self.s.stack.get(at) {
            Some(Value::Object(id)) => Callee::Object(*id),
            Some(Value::Native(n)) => Callee::Native(*n),
            _ => Callee::Other,
        };
        match callee {
            Callee::Object(id) => match self.s.heap.get(id) {
                Some(Obj::Function { func, env }) => {
                    let (func, env) = (*func, *env);
                    let is_async = self
                        .prog
                        .funcs
                        .get(func as usize)
                        .is_some_and(|f| f.is_async);
                    if is_async && !self.awaited_call {
                        self.spawn(func, env, at, argc)?;
                    } else {
                        self.awaited_call = false;
                        self.push_frame(func, env, at + 1, argc)?;
                    }
                    return Ok(Invoked::Frame);
                }
                Some(Obj::BoundMethod { recv, name }) => {
                    let (recv, name) = (recv.clone(), name.clone());
                    if let Some(slot) = self.s.stack.get_mut(at) {
                        *slot = recv;
                    }
                    return self.call_method(&name, argc);
                }
                _ => {}
            },
            Callee::Native(n) if n.is_callable() => {
                let args: Vec<Value> = self.s.stack.drain(at + 1..).collect();
                self.s.stack.pop();
                return self.call_native(n, args);
            }
            _ => {}
        }
        let text = self.source_text(self.current_range());
        Err(self.type_error(format!("{text} is not a function")))
    }

    /// Pushes a frame for compiled function `func` whose arguments start at `args_at`.
    pub fn push_frame(
        &mut self,
        func: u32,
        env: Option<crate::value::ObjId>,
        args_at: usize,
        argc: usize,
    ) -> Result<(), Exc> {
        if self.s.frames.len() >= self.limits().max_call_depth {
            return Err(self.error(
                "LimitExceeded",
                format!(
                    "Maximum call stack size exceeded (call depth limit {})",
                    self.limits().max_call_depth
                ),
            ));
        }
        let Some(code) = self.prog.funcs.get(func as usize) else {
            return Err(self.fatal_internal("call of an unknown function"));
        };
        let nparams = code.nparams as usize;
        if code.has_rest {
            let rest: Vec<Value> = if argc > nparams {
                self.s.stack.drain(args_at + nparams..).collect()
            } else {
                Vec::new()
            };
            self.s.stack.resize(args_at + nparams, Value::Undefined);
            let r = self.new_array(rest);
            self.s.stack.push(r);
        } else if argc != nparams {
            self.s.stack.resize(args_at + nparams, Value::Undefined);
        }
        let frame_top = args_at + code.nlocals as usize;
        if self.s.stack.len() != frame_top {
            self.s.stack.resize(frame_top, Value::Uninit);
        }
        // Built where it lands (see the fast call in `fast`).
        let frames = &mut self.s.frames;
        frames.resize_with(frames.len() + 1, || Frame {
            func,
            pc: 0,
            base: args_at as u32,
            env,
            handlers: Vec::new(),
            native: None,
        });
        Ok(())
    }

    /// Hands a call's result to whoever made the call: pushes it for a code frame, or steps
    /// the native frame that waits for it.
    pub fn deliver(&mut self, mut v: Value) -> Result<(), Exc> {
        loop {
            let Some(frame) = self.s.frames.last_mut() else {
                self.s.stack.push(v);
                return Ok(());
            };
            let Some(mut task) = frame.native.take() else {
                self.s.stack.push(v);
                return Ok(());
            };
            let base = frame.base as usize;
            let step = self.native_step(&mut task, v);
            match step {
                Ok(NativeStep::Call(callee, args)) => {
                    if let Some(f) = self.s.frames.last_mut() {
                        f.native = Some(task);
                    }
                    let argc = args.len();
                    self.s.stack.push(callee);
                    self.s.stack.extend(args);
                    match self.invoke(argc)? {
                        Invoked::Frame => return Ok(()),
                        Invoked::Value(r) => {
                            // A builtin callback (`xs.map(Number)`) ran no instruction: the
                            // call counts as one, as `Number(x)` in code does, so this loop is
                            // bounded by the budget whatever length saved state claims.
                            if self.budget == 0 {
                                return Err(self.fatal_limit(format!(
                                    "instruction limit exceeded ({} instructions in one step)",
                                    self.limits().max_instructions
                                )));
                            }
                            self.budget -= 1;
                            v = r;
                        }
                    }
                }
                Ok(NativeStep::Done(r)) => {
                    self.s.frames.pop();
                    self.s.stack.truncate(base);
                    v = r;
                }
                Err(e) => {
                    if let Some(f) = self.s.frames.last_mut() {
                        f.native = Some(task);
                    }
                    return Err(e);
                }
            }
        }
    }

    /// Starts a builtin that calls back into the program.
    pub fn start_native(&mut self, task: super::callbacks::NativeTask) -> Result<Invoked, Exc> {
        if self.s.frames.len() >= self.limits().max_call_depth {
            return Err(self.error("LimitExceeded", "Maximum call stack size exceeded"));
        }
        let base = self.s.stack.len() as u32;
        self.s.frames.push(Frame {
            func: u32::MAX,
            pc: 0,
            base,
            env: None,
            handlers: Vec::new(),
            native: Some(Box::new(task)),
        });
        self.deliver(Value::Uninit)?;
        Ok(Invoked::Frame)
    }
}

#[cfg(test)]
mod tests {
    use crate::program::{Limits, Program, RunContext};
    use crate::value::Value;
    use crate::vm::{Machine, RunEnd, VmState};

    /// Runs `src` with the given instruction budget: the result (or error) and the budget left.
    fn run(src: &str, max_instructions: u64, slow_only: bool) -> (String, u64) {
        let program = Program::compile(src).unwrap();
        let ctx = RunContext {
            limits: Limits {
                max_instructions,
                ..Limits::default()
            },
            ..RunContext::default()
        };
        let mut m = Machine::start(&program, &ctx, Value::Undefined, VmState::default());
        m.slow_only = slow_only;
        let end = match m.run() {
            RunEnd::Completed(v) => format!("completed {v:?}"),
            RunEnd::Suspended => "suspended".to_string(),
            RunEnd::Failed(e) => format!("failed {e:?}"),
        };
        (end, m.budget)
    }

    /// The fast path (with its fused steps) computes what the general path computes and
    /// counts exactly the same instructions, also when the budget runs out in the middle of
    /// a fused step.
    #[test]
    fn fast_path_matches_the_general_path_instruction_for_instruction() {
        let programs = [
            "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }\nreturn fib(12)",
            "let s = 0\nfor (let i = 0; i < 50; i++) { if (i % 3 === 0) s += i; else s -= 1 }\nreturn s",
            "const xs = [5, 3, 9, 1]\nxs.sort((a, b) => a - b)\nlet k = 2\nreturn [xs, k * 3, k > 1, k <= 1, k !== 2]",
            "let a = 1\nlet b = \"x\"\nreturn [a + b, a < 2, b + a, a - 1 > 0]",
            "function f(x, y) { return x - y }\nreturn f(1) + \"\" + f(3, 1, 7)",
            "let t = 0\nwhile (t < 30) { t = t + 1 }\nreturn t",
        ];
        for src in programs {
            let full = run(src, 100_000_000, true);
            assert!(full.0.starts_with("completed"), "{src}: {}", full.0);
            assert_eq!(run(src, 100_000_000, false), full, "{src}");
            let used = 100_000_000 - full.1;
            for budget in [used, used - 1, used / 2, used / 3 + 1, 7, 3, 2, 1] {
                let slow = run(src, budget, true);
                assert_eq!(run(src, budget, false), slow, "{src} with budget {budget}");
            }
        }
    }
}
