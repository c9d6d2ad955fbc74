//! Where each binding of a program lives at run time: a local slot of its function's frame, or
//! a slot of its scope's environment (when a closure captures it).
//!
//! This is the compiler's allocation, restated for readers of saved states: every binding of a
//! function gets its own local slot (simple parameters their argument slot, the others in
//! binding order after the arguments), and captured bindings live in their scope's environment,
//! numbered in binding order. `tests::layout_matches_the_compiler` holds the two together.

use rhythm_analyzer::ir::{FunctionId, Module, Pattern, ScopeId};

/// Where one binding lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Local slot `n` of its function's frame.
    Local(u16),
    /// Slot `n` of its scope's environment object.
    Env(u16),
}

/// The places of every binding of a module, and the size of each scope's environment.
#[derive(Debug, Clone)]
pub struct Layout {
    /// By binding index.
    pub places: Vec<Option<Place>>,
    /// By scope index: slots of the scope's environment (0: the scope has none).
    pub env_sizes: Vec<u16>,
}

impl Layout {
    /// Computes the layout the compiler gives `module`.
    pub fn of(module: &Module) -> Layout {
        let mut env_sizes = vec![0u16; module.scopes.len()];
        let mut places = vec![None; module.bindings.len()];
        for (i, b) in module.bindings.iter().enumerate() {
            if b.captured
                && let Some(n) = env_sizes.get_mut(b.scope.index())
            {
                places[i] = Some(Place::Env(*n));
                *n = n.saturating_add(1);
            }
        }
        for (fi, func) in module.functions.iter().enumerate() {
            let nslots = func.params.len();
            for (i, p) in func.params.iter().enumerate() {
                if let Some(Pattern::Binding(b)) = module.patterns.get(p.pattern.index())
                    && p.default.is_none()
                    && places.get(b.index()).is_some_and(Option::is_none)
                {
                    places[b.index()] = Some(Place::Local(i as u16));
                }
            }
            let mut next = nslots as u16;
            for (i, b) in module.bindings.iter().enumerate() {
                if b.function.index() == fi && places[i].is_none() {
                    places[i] = Some(Place::Local(next));
                    next = next.saturating_add(1);
                }
            }
        }
        Layout { places, env_sizes }
    }

    /// The environment size of `scope`.
    pub fn env_size(&self, scope: ScopeId) -> u16 {
        self.env_sizes.get(scope.index()).copied().unwrap_or(0)
    }
}

/// The innermost scope of function `func` whose range holds byte offset `pos`.
pub fn innermost_scope(module: &Module, func: FunctionId, pos: u32) -> Option<ScopeId> {
    let mut best: Option<(ScopeId, u32)> = None;
    for (i, s) in module.scopes.iter().enumerate() {
        if s.function != func {
            continue;
        }
        let (start, end) = (u32::from(s.range.start()), u32::from(s.range.end()));
        if start <= pos && pos <= end {
            let len = end - start;
            if best.is_none_or(|(_, l)| len <= l) {
                best = Some((ScopeId(i as u32), len));
            }
        }
    }
    best.map(|(s, _)| s)
}
