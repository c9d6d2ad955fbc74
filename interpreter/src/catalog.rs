//! The interpreter's side of the builtin catalog: which builtin globals and static members
//! exist ([`Native`], plain enum values with no heap objects, so they cost nothing in the
//! saved state) and which methods and properties the VM gives strings, arrays, numbers,
//! dates, errors and `Context`. `tests/catalog_drift.rs` checks these lists against the
//! analyzer's catalog (`rhythm_analyzer::catalog`). What calling a global does lives in
//! `vm::globals`; callback-driven methods in [`crate::vm::callbacks`].

use serde::{Deserialize, Serialize};

macro_rules! natives {
    ($( $variant:ident => $path:literal ),* $(,)?) => {
        /// A builtin global or static member function (`Math`, `Math.floor`, `parseInt`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Native {
            $(
                #[doc = $path]
                $variant,
            )*
        }

        impl Native {
            /// Every builtin.
            pub const ALL: &'static [Native] = &[$(Native::$variant),*];

            /// The dotted path of the builtin (`"Math.floor"`).
            pub fn path(self) -> &'static str {
                match self {
                    $(Native::$variant => $path,)*
                }
            }
        }
    };
}

natives! {
    Task => "Task",
    Signal => "Signal",
    Timer => "Timer",
    Workflow => "Workflow",
    Promise => "Promise",
    Math => "Math",
    Json => "JSON",
    Console => "console",
    Context => "Context",
    Object => "Object",
    Array => "Array",
    Number => "Number",
    String => "String",
    Boolean => "Boolean",
    Date => "Date",
    Error => "Error",
    ParseInt => "parseInt",
    ParseFloat => "parseFloat",
    IsNaN => "isNaN",
    IsFinite => "isFinite",
    TaskRun => "Task.run",
    SignalNext => "Signal.next",
    SignalWhen => "Signal.when",
    TimerDelay => "Timer.delay",
    TimerUntil => "Timer.until",
    WorkflowRun => "Workflow.run",
    PromiseAll => "Promise.all",
    PromiseAllSettled => "Promise.allSettled",
    PromiseAny => "Promise.any",
    PromiseRace => "Promise.race",
    MathFloor => "Math.floor",
    MathCeil => "Math.ceil",
    MathRound => "Math.round",
    MathTrunc => "Math.trunc",
    MathSign => "Math.sign",
    MathAbs => "Math.abs",
    MathMin => "Math.min",
    MathMax => "Math.max",
    MathPow => "Math.pow",
    MathSqrt => "Math.sqrt",
    MathLog => "Math.log",
    MathExp => "Math.exp",
    MathRandom => "Math.random",
    JsonParse => "JSON.parse",
    JsonStringify => "JSON.stringify",
    ConsoleLog => "console.log",
    ObjectKeys => "Object.keys",
    ObjectValues => "Object.values",
    ObjectEntries => "Object.entries",
    ObjectAssign => "Object.assign",
    ObjectFromEntries => "Object.fromEntries",
    ArrayIsArray => "Array.isArray",
    ArrayFrom => "Array.from",
    NumberIsInteger => "Number.isInteger",
    NumberIsNaN => "Number.isNaN",
    DateNow => "Date.now",
}

impl Native {
    /// The builtin a global name denotes (`None` for `Inputs`, `undefined`, `NaN`,
    /// `Infinity`, which compile to values).
    pub fn global(name: &str) -> Option<Native> {
        Native::ALL
            .iter()
            .copied()
            .find(|n| !n.path().contains('.') && n.path() == name)
    }

    /// A static member function of this builtin (`Math` + `floor` → `Math.floor`).
    pub fn member_fn(self, name: &str) -> Option<Native> {
        let prefix = self.path();
        Native::ALL.iter().copied().find(|n| {
            n.path()
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
                == Some(name)
        })
    }

    /// The name a function value reports (`"floor"` for `Math.floor`).
    pub fn name(self) -> &'static str {
        let p = self.path();
        p.rsplit('.').next().unwrap_or(p)
    }

    /// Whether the builtin can be called (namespaces like `Math` cannot).
    pub fn is_callable(self) -> bool {
        self.is_function() && !matches!(self, Native::Object | Native::Array)
    }

    /// What `typeof` says: `Object` and `Array` are functions in JavaScript, though Flow only
    /// uses their static members.
    pub fn is_function(self) -> bool {
        !matches!(
            self,
            Native::Task
                | Native::Signal
                | Native::Timer
                | Native::Workflow
                | Native::Promise
                | Native::Math
                | Native::Json
                | Native::Console
                | Native::Context
        )
    }

    /// Names of the constant static properties of this builtin.
    pub fn constants(self) -> &'static [&'static str] {
        match self {
            Native::Math => &[
                "E", "LN2", "LN10", "LOG2E", "LOG10E", "PI", "SQRT1_2", "SQRT2",
            ],
            _ => &[],
        }
    }

    /// Constant static properties (`Math.PI`).
    pub fn constant(self, name: &str) -> Option<f64> {
        use std::f64::consts;
        match (self, name) {
            (Native::Math, "PI") => Some(consts::PI),
            (Native::Math, "E") => Some(consts::E),
            (Native::Math, "LN2") => Some(consts::LN_2),
            (Native::Math, "LN10") => Some(consts::LN_10),
            (Native::Math, "LOG2E") => Some(consts::LOG2_E),
            (Native::Math, "LOG10E") => Some(consts::LOG10_E),
            (Native::Math, "SQRT2") => Some(consts::SQRT_2),
            (Native::Math, "SQRT1_2") => Some(consts::FRAC_1_SQRT_2),
            _ => None,
        }
    }
}

/// Methods of strings (`length` is a property).
pub const STRING_METHODS: &[&str] = &[
    "at",
    "charAt",
    "includes",
    "startsWith",
    "endsWith",
    "indexOf",
    "lastIndexOf",
    "slice",
    "substring",
    "toUpperCase",
    "toLowerCase",
    "trim",
    "trimStart",
    "trimEnd",
    "split",
    "replace",
    "replaceAll",
    "padStart",
    "padEnd",
    "repeat",
    "concat",
];

/// Methods of arrays (`length` is a property).
pub const ARRAY_METHODS: &[&str] = &[
    "at",
    "push",
    "pop",
    "shift",
    "unshift",
    "slice",
    "splice",
    "concat",
    "includes",
    "indexOf",
    "join",
    "reverse",
    "map",
    "filter",
    "find",
    "findIndex",
    "some",
    "every",
    "reduce",
    "forEach",
    "sort",
    "flat",
    "flatMap",
    "keys",
    "entries",
];

/// Methods of numbers.
pub const NUMBER_METHODS: &[&str] = &["toFixed", "toString"];

/// Methods of dates.
pub const DATE_METHODS: &[&str] = &[
    "getTime",
    "toISOString",
    "toJSON",
    "valueOf",
    "getUTCFullYear",
    "getUTCMonth",
    "getUTCDate",
    "getUTCDay",
    "getUTCHours",
    "getUTCMinutes",
    "getUTCSeconds",
    "getUTCMilliseconds",
];

/// Properties of errors.
pub const ERROR_PROPERTIES: &[&str] = &["name", "message", "type", "cause"];

/// Properties of `Context`.
pub const CONTEXT_PROPERTIES: &[&str] = &["executionId", "workflowName", "version"];

/// Globals that are plain values rather than builtins.
pub const VALUE_GLOBALS: &[&str] = &["Inputs", "NaN", "Infinity", "undefined"];
