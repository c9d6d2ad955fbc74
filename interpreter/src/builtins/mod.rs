//! The builtin globals and their static members, as plain enum values (no heap objects, so
//! they cost nothing in the saved state). Their behaviour lives in the VM's `natives` module.

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
    TypeError => "TypeError",
    RangeError => "RangeError",
    ReferenceError => "ReferenceError",
    SyntaxError => "SyntaxError",
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
    PromiseResolve => "Promise.resolve",
    PromiseReject => "Promise.reject",
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
    MathCbrt => "Math.cbrt",
    MathLog => "Math.log",
    MathLog2 => "Math.log2",
    MathLog10 => "Math.log10",
    MathExp => "Math.exp",
    MathRandom => "Math.random",
    MathHypot => "Math.hypot",
    JsonParse => "JSON.parse",
    JsonStringify => "JSON.stringify",
    ConsoleLog => "console.log",
    ConsoleInfo => "console.info",
    ConsoleWarn => "console.warn",
    ConsoleError => "console.error",
    ObjectKeys => "Object.keys",
    ObjectValues => "Object.values",
    ObjectEntries => "Object.entries",
    ObjectAssign => "Object.assign",
    ObjectFromEntries => "Object.fromEntries",
    ArrayIsArray => "Array.isArray",
    ArrayFrom => "Array.from",
    ArrayOf => "Array.of",
    NumberIsInteger => "Number.isInteger",
    NumberIsNaN => "Number.isNaN",
    NumberIsFinite => "Number.isFinite",
    NumberIsSafeInteger => "Number.isSafeInteger",
    NumberParseFloat => "Number.parseFloat",
    NumberParseInt => "Number.parseInt",
    DateNow => "Date.now",
    DateParse => "Date.parse",
    DateUtc => "Date.UTC",
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

    /// Constant static properties (`Math.PI`, `Number.MAX_SAFE_INTEGER`).
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
            (Native::Number, "MAX_SAFE_INTEGER") => Some(9007199254740991.0),
            (Native::Number, "MIN_SAFE_INTEGER") => Some(-9007199254740991.0),
            (Native::Number, "EPSILON") => Some(f64::EPSILON),
            (Native::Number, "MAX_VALUE") => Some(f64::MAX),
            (Native::Number, "MIN_VALUE") => Some(5e-324),
            (Native::Number, "POSITIVE_INFINITY") => Some(f64::INFINITY),
            (Native::Number, "NEGATIVE_INFINITY") => Some(f64::NEG_INFINITY),
            (Native::Number, "NaN") => Some(f64::NAN),
            _ => None,
        }
    }
}

/// Methods of strings.
pub const STRING_METHODS: &[&str] = &[
    "at", "charAt", "charCodeAt", "codePointAt", "includes", "startsWith", "endsWith",
    "indexOf", "lastIndexOf", "slice", "substring", "substr", "toUpperCase", "toLowerCase",
    "toLocaleUpperCase", "toLocaleLowerCase", "trim", "trimStart", "trimEnd", "split",
    "replace", "replaceAll", "padStart", "padEnd", "repeat", "concat", "localeCompare",
    "toString", "valueOf",
];

/// Methods of arrays.
pub const ARRAY_METHODS: &[&str] = &[
    "at", "push", "pop", "shift", "unshift", "slice", "splice", "concat", "includes",
    "indexOf", "lastIndexOf", "join", "reverse", "map", "filter", "find", "findIndex",
    "findLast", "findLastIndex", "some", "every", "reduce", "forEach", "sort", "flat",
    "flatMap", "keys", "entries", "values", "fill", "toString",
];

/// Methods of numbers.
pub const NUMBER_METHODS: &[&str] = &["toFixed", "toString", "toPrecision", "valueOf"];

/// Methods of dates.
pub const DATE_METHODS: &[&str] = &[
    "getTime", "valueOf", "toISOString", "toJSON", "toString", "toUTCString",
    "getUTCFullYear", "getUTCMonth", "getUTCDate", "getUTCDay", "getUTCHours",
    "getUTCMinutes", "getUTCSeconds", "getUTCMilliseconds", "getFullYear", "getMonth",
    "getDate", "getDay", "getHours", "getMinutes", "getSeconds", "getMilliseconds",
    "getTimezoneOffset",
];

/// Methods of errors.
pub const ERROR_METHODS: &[&str] = &["toString"];
