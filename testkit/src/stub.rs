//! Stubs: what a task or a child workflow gives in the kit.

use std::sync::Arc;

use rhythm_interpreter::effects::Json;

/// The result of one stubbed attempt (or one stubbed child run).
#[derive(Debug, Clone, PartialEq)]
pub struct StubResult {
    /// The output, or the error (an object; becomes the failure).
    pub outcome: Result<Json, Json>,
    /// Fake time the attempt lasts, in milliseconds.
    pub takes_ms: f64,
}

impl StubResult {
    /// Succeeds with `output` at once.
    pub fn output(output: Json) -> Self {
        StubResult {
            outcome: Ok(output),
            takes_ms: 0.0,
        }
    }

    /// Fails with `error` at once.
    pub fn error(error: Json) -> Self {
        StubResult {
            outcome: Err(error),
            takes_ms: 0.0,
        }
    }

    /// The same result, lasting `ms` of fake time.
    pub fn takes(mut self, ms: f64) -> Self {
        self.takes_ms = ms;
        self
    }
}

/// One call as a stub closure sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct StubCall<'a> {
    /// Task or workflow name.
    pub name: &'a str,
    /// Its inputs.
    pub inputs: &'a Json,
    /// Attempt number of this call (1-based; always 1 for workflows).
    pub attempt: u32,
    /// How many times this stub was used before (across calls).
    pub index: usize,
}

/// A stub closure.
pub type StubFn = dyn Fn(&StubCall<'_>) -> StubResult + Send + Sync;

/// How a task or child workflow is stubbed.
#[derive(Clone)]
pub enum Stub {
    /// Every attempt gives this.
    Always(StubResult),
    /// Successive attempts (across every call of the name, in start order) give these; the last
    /// repeats.
    Sequence(Vec<StubResult>),
    /// A closure decides.
    Func(Arc<StubFn>),
}

impl std::fmt::Debug for Stub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stub::Always(r) => f.debug_tuple("Always").field(r).finish(),
            Stub::Sequence(r) => f.debug_tuple("Sequence").field(r).finish(),
            Stub::Func(_) => f.write_str("Func(..)"),
        }
    }
}

impl Stub {
    /// Every attempt succeeds with `output`.
    pub fn output(output: Json) -> Self {
        Stub::Always(StubResult::output(output))
    }

    /// Every attempt fails with `error`.
    pub fn error(error: Json) -> Self {
        Stub::Always(StubResult::error(error))
    }

    /// A closure stub.
    pub fn func(f: impl Fn(&StubCall<'_>) -> StubResult + Send + Sync + 'static) -> Self {
        Stub::Func(Arc::new(f))
    }

    /// The result for `call`.
    pub fn result(&self, call: &StubCall<'_>) -> StubResult {
        match self {
            Stub::Always(r) => r.clone(),
            Stub::Sequence(results) => match results.get(call.index).or(results.last()) {
                Some(r) => r.clone(),
                None => StubResult::output(Json::Null),
            },
            Stub::Func(f) => f(call),
        }
    }
}
