//! The builtin catalog: every global and every method of the language, written once.
//!
//! The analyzer checks names, members and argument counts against it; the LSP completes and
//! hovers from it; the interpreter implements exactly these entries (a test fails when the two
//! drift); the language reference is generated from it.

/// What a global name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlobalKind {
    /// An object whose members are the API (`Task`, `Math`, `JSON`, `console`).
    Namespace,
    /// A plain function (`parseInt`, `isNaN`).
    Function,
    /// Callable and usable with `new` (`Error`, `Date`), possibly with static members
    /// (`Date.now`), or a conversion function with static members (`Number`, `Array`, `Object`).
    Constructor,
    /// A value (`Inputs`, `Context`, `NaN`, `Infinity`, `undefined`).
    Value,
}

/// What a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberKind {
    /// Called: `Task.run(...)`, `s.slice(...)`.
    Method,
    /// Read: `Math.PI`, `s.length`, `Context.executionId`.
    Property,
}

/// The types of runtime values that have methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Strings.
    String,
    /// Arrays.
    Array,
    /// Numbers.
    Number,
    /// `Date` objects.
    Date,
    /// `Error` objects (and the error objects the engine throws).
    Error,
}

/// One parameter of a function or method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// Name shown in signatures and completion.
    pub name: &'static str,
    /// Type as shown to users (`string`, `Duration`, `(value, index) => any`, `any`).
    pub ty: &'static str,
    /// May be left out.
    pub optional: bool,
    /// `...rest`: any number of arguments (always last).
    pub rest: bool,
}

/// A member of a global namespace or of a value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// The member name.
    pub name: &'static str,
    /// Method or property.
    pub kind: MemberKind,
    /// Parameters (empty for properties).
    pub params: &'static [Param],
    /// Return or property type as shown to users.
    pub returns: &'static str,
    /// One or two sentences of documentation (Markdown).
    pub doc: &'static str,
    /// A short example in `.flow` syntax.
    pub example: &'static str,
}

/// A global name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Global {
    /// The global name.
    pub name: &'static str,
    /// What it is.
    pub kind: GlobalKind,
    /// Parameters when it is callable (`GlobalKind::Function` / `Constructor`).
    pub params: &'static [Param],
    /// Type of the value, or of the call result.
    pub returns: &'static str,
    /// Documentation (Markdown).
    pub doc: &'static str,
    /// A short example in `.flow` syntax.
    pub example: &'static str,
    /// Static members (`Task.run`, `Math.PI`, `Date.now`).
    pub members: &'static [Member],
}

impl Member {
    /// Fewest arguments a call must pass.
    pub fn min_args(&self) -> usize {
        min_args(self.params)
    }
    /// Most arguments a call may pass (`None`: unbounded).
    pub fn max_args(&self) -> Option<usize> {
        max_args(self.params)
    }
    /// The signature as shown to users: `run(name: string, inputs?: object): Handle`.
    pub fn signature(&self) -> String {
        match self.kind {
            MemberKind::Method => signature(self.name, self.params, self.returns),
            MemberKind::Property => format!("{}: {}", self.name, self.returns),
        }
    }
}

impl Global {
    /// Fewest arguments a call must pass.
    pub fn min_args(&self) -> usize {
        min_args(self.params)
    }
    /// Most arguments a call may pass (`None`: unbounded).
    pub fn max_args(&self) -> Option<usize> {
        max_args(self.params)
    }
    /// The member with this name, if any.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members.iter().find(|m| m.name == name)
    }
    /// The signature as shown to users.
    pub fn signature(&self) -> String {
        match self.kind {
            GlobalKind::Function | GlobalKind::Constructor => {
                signature(self.name, self.params, self.returns)
            }
            GlobalKind::Namespace | GlobalKind::Value => format!("{}: {}", self.name, self.returns),
        }
    }
}

fn min_args(params: &[Param]) -> usize {
    params.iter().filter(|p| !p.optional && !p.rest).count()
}

fn max_args(params: &[Param]) -> Option<usize> {
    if params.iter().any(|p| p.rest) {
        None
    } else {
        Some(params.len())
    }
}

fn signature(name: &str, params: &[Param], returns: &str) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|p| {
            let dots = if p.rest { "..." } else { "" };
            let q = if p.optional && !p.rest { "?" } else { "" };
            format!("{dots}{}{q}: {}", p.name, p.ty)
        })
        .collect();
    format!("{name}({}): {returns}", params.join(", "))
}

/// The global with this name, if any.
pub fn global(name: &str) -> Option<&'static Global> {
    GLOBALS.iter().find(|g| g.name == name)
}

/// The methods and properties of a value type.
pub fn members_of(ty: ValueType) -> &'static [Member] {
    VALUE_MEMBERS
        .iter()
        .find(|(t, _)| *t == ty)
        .map_or(&[], |(_, members)| members)
}

/// A method or property of a value type, if any.
pub fn member_of(ty: ValueType, name: &str) -> Option<&'static Member> {
    members_of(ty).iter().find(|m| m.name == name)
}

/// Shorthand for a required parameter.
const fn req(name: &'static str, ty: &'static str) -> Param {
    Param {
        name,
        ty,
        optional: false,
        rest: false,
    }
}

/// Shorthand for an optional parameter.
const fn opt(name: &'static str, ty: &'static str) -> Param {
    Param {
        name,
        ty,
        optional: true,
        rest: false,
    }
}

/// Shorthand for a rest parameter.
const fn rest(name: &'static str, ty: &'static str) -> Param {
    Param {
        name,
        ty,
        optional: true,
        rest: true,
    }
}

/// Shorthand for a method.
const fn method(
    name: &'static str,
    params: &'static [Param],
    returns: &'static str,
    doc: &'static str,
    example: &'static str,
) -> Member {
    Member {
        name,
        kind: MemberKind::Method,
        params,
        returns,
        doc,
        example,
    }
}

/// Shorthand for a property.
const fn prop(
    name: &'static str,
    returns: &'static str,
    doc: &'static str,
    example: &'static str,
) -> Member {
    Member {
        name,
        kind: MemberKind::Property,
        params: &[],
        returns,
        doc,
        example,
    }
}

/// Every global name, in the order the reference documents them.
pub static GLOBALS: &[Global] = &[
    Global {
        name: "Inputs",
        kind: GlobalKind::Value,
        params: &[],
        returns: "object",
        doc: "The workflow's input object, as JSON (`{}` when the execution was started without \
              inputs). Destructure it with defaults at the top of the workflow.",
        example: r#"const { orderId, items = [] } = Inputs"#,
        members: &[],
    },
    Global {
        name: "Task",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "Task",
        doc: "Tasks are the side effects of a workflow, run by workers in the host language.",
        example: "const payment = await Task.run(\"process-payment\", { amount: 42 })",
        members: &[Member {
            name: "run",
            kind: MemberKind::Method,
            params: &[
                req("name", "string"),
                opt("inputs", "object"),
                opt(
                    "options",
                    "{ retries?, timeout?, queue?, priority?, idempotencyKey? }",
                ),
            ],
            returns: "Handle",
            doc: "Queues the task `name` and returns a handle; `await` gives the task's output. \
                  A task that fails after its retries throws `{ type: \"TaskFailed\", task, message, \
                  attempts, cause }`.",
            example: "await Task.run(\"send-email\", { to }, { retries: 3, timeout: \"30s\" })",
        }],
    },
    Global {
        name: "Signal",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "Signal",
        doc: "Signals are messages sent to a running execution from outside (an approval, a \
              webhook). They are buffered in order, so one sent before the wait starts is not lost.",
        example: r#"const approval = await Signal.next("approved", { timeout: "7d" })"#,
        members: &[
            method(
                "next",
                &[
                    req("name", "string"),
                    opt("options", "{ timeout?: Duration }"),
                ],
                "Handle",
                "Waits for the next signal `name` sent to this execution and gives its payload; \
                 signals are buffered in order, so one sent before the wait starts is not lost. \
                 With `{ timeout }` (seconds or a string like `\"48h\"`) it throws \
                 `{ type: \"Timeout\" }` when the time passes first.",
                r#"const { approved } = await Signal.next("manager-approval", { timeout: "48h" })"#,
            ),
            method(
                "when",
                &[
                    req("name", "string"),
                    opt("options", "{ timeout?: Duration }"),
                ],
                "Handle",
                "The same as `Signal.next`: waits for the next (buffered) signal `name` and gives \
                 its payload; `{ timeout }` throws `{ type: \"Timeout\" }` when it passes first.",
                r#"const payload = await Signal.when("payment-received")"#,
            ),
        ],
    },
    Global {
        name: "Timer",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "Timer",
        doc: "Durable timers: the execution sleeps (and costs nothing) until they fire, even \
              across restarts.",
        example: r#"await Timer.delay("15m")"#,
        members: &[
            method(
                "delay",
                &[req("duration", "Duration")],
                "Handle",
                "A handle that resolves to `null` after `duration`: a number of seconds \
                 (fractions allowed) or a string such as `\"500ms\"`, `\"30s\"`, `\"1h30m\"`, `\"7d\"`.",
                r#"await Timer.delay("1h30m")"#,
            ),
            method(
                "until",
                &[req("at", "Date | string")],
                "Handle",
                "A handle that resolves to `null` at the instant `at` (a `Date` or an ISO-8601 \
                 string); it resolves immediately when that instant is already past.",
                r#"await Timer.until("2026-12-24T09:00:00Z")"#,
            ),
        ],
    },
    Global {
        name: "Workflow",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "Workflow",
        doc: "Child workflows: start another `.flow` workflow and wait for its output.",
        example: r#"const report = await Workflow.run("build-report", { month })"#,
        members: &[method(
            "run",
            &[
                req("name", "string"),
                opt("inputs", "object"),
                opt("options", "object"),
            ],
            "Handle",
            "Starts the child workflow `name` and returns a handle; `await` gives its output. A \
             failed child throws `{ type: \"WorkflowFailed\", workflow, executionId, cause }`.",
            r#"const invoice = await Workflow.run("invoice", { orderId })"#,
        )],
    },
    Global {
        name: "Promise",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "Promise",
        doc: "Combinators over handles and plain values, with JavaScript semantics.",
        example: r#"const [user, plan] = await Promise.all([Task.run("load-user"), Task.run("load-plan")])"#,
        members: &[
            method(
                "all",
                &[req("values", "Iterable<Handle | any>")],
                "Handle<any[]>",
                "Waits for every handle and gives their results in the same order; throws the \
                 first failure as soon as one fails (the others keep running).",
                r#"const results = await Promise.all(ids.map(id => Task.run("fetch", { id })))"#,
            ),
            method(
                "allSettled",
                &[req("values", "Iterable<Handle | any>")],
                "Handle<object[]>",
                "Waits for every handle, never throws, and gives one \
                 `{ status: \"fulfilled\", value }` or `{ status: \"rejected\", reason }` per input.",
                r#"const outcomes = await Promise.allSettled(jobs.map(j => Task.run("run-job", j)))
const failed = outcomes.filter(o => o.status === "rejected")"#,
            ),
            method(
                "any",
                &[req("values", "Iterable<Handle | any>")],
                "Handle",
                "Gives the first result that succeeds (throws an `AggregateError` when all fail). \
                 Losing timers and signal waits are withdrawn (a withdrawn wait consumes no \
                 signal); losing tasks and child workflows keep running, their results dropped.",
                r#"const quote = await Promise.any([Task.run("quote-a"), Task.run("quote-b")])"#,
            ),
            method(
                "race",
                &[req("values", "Iterable<Handle | any>")],
                "Handle",
                "Settles like the first input to settle, success or failure. Losing timers and \
                 signal waits are withdrawn (a withdrawn wait consumes no signal); losing tasks \
                 and child workflows keep running, their results dropped.",
                r#"const reply = await Promise.race([Signal.next("reply"), Timer.delay("1d")])
if (reply === null) console.log("no reply within a day")"#,
            ),
        ],
    },
    Global {
        name: "Context",
        kind: GlobalKind::Value,
        params: &[],
        returns: "Context",
        doc: "Read-only facts about the running execution.",
        example: r#"console.log(`running ${Context.workflowName} as ${Context.executionId}`)"#,
        members: &[
            prop(
                "executionId",
                "string",
                "The id of this execution; stable across suspensions and restarts, handy as an \
                 idempotency key.",
                r#"await Task.run("charge", { amount }, { idempotencyKey: `${Context.executionId}-charge` })"#,
            ),
            prop(
                "workflowName",
                "string",
                "The name of the running workflow (its file name without `.flow`).",
                r#"console.log(Context.workflowName)"#,
            ),
            prop(
                "version",
                "string",
                "The SHA-256 content hash of the running script; an execution always resumes on \
                 the version it started with.",
                r#"await Task.run("audit", { version: Context.version })"#,
            ),
        ],
    },
    Global {
        name: "Date",
        kind: GlobalKind::Constructor,
        params: &[
            opt("value", "number | string | Date"),
            opt("monthIndex", "number"),
            opt("day", "number"),
            opt("hours", "number"),
            opt("minutes", "number"),
            opt("seconds", "number"),
            opt("ms", "number"),
        ],
        returns: "Date",
        doc: "`new Date()` is the current time (the engine's clock; fake time in the test kit); \
              `new Date(ms)` and `new Date(\"2026-01-01T00:00:00Z\")` build a given instant. \
              Use it with `new`.",
        example: r#"const deadline = new Date(Date.now() + 7 * 24 * 3600 * 1000)"#,
        members: &[method(
            "now",
            &[],
            "number",
            "The current time in milliseconds since 1970-01-01T00:00:00Z (the engine's clock; \
             fake time in the test kit).",
            r#"const started = Date.now()"#,
        )],
    },
    Global {
        name: "Math",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "Math",
        doc: "Mathematical functions and constants, as in JavaScript.",
        example: r#"const pages = Math.ceil(total / pageSize)"#,
        members: &[
            method(
                "floor",
                &[req("x", "number")],
                "number",
                "The largest integer less than or equal to `x`.",
                "Math.floor(4.7) // 4",
            ),
            method(
                "ceil",
                &[req("x", "number")],
                "number",
                "The smallest integer greater than or equal to `x`.",
                "Math.ceil(4.1) // 5",
            ),
            method(
                "round",
                &[req("x", "number")],
                "number",
                "`x` rounded to the nearest integer; halves round up (towards +Infinity), so \
                 `Math.round(-2.5)` is `-2`.",
                "Math.round(2.5) // 3",
            ),
            method(
                "trunc",
                &[req("x", "number")],
                "number",
                "The integer part of `x`, dropping any fraction.",
                "Math.trunc(-4.7) // -4",
            ),
            method(
                "sign",
                &[req("x", "number")],
                "number",
                "`1`, `-1`, `0` or `-0` according to the sign of `x` (`NaN` for `NaN`).",
                "Math.sign(-3) // -1",
            ),
            method(
                "abs",
                &[req("x", "number")],
                "number",
                "The absolute value of `x`.",
                "Math.abs(-7.5) // 7.5",
            ),
            method(
                "min",
                &[rest("values", "number")],
                "number",
                "The smallest of the arguments (`Infinity` with none, `NaN` if any is `NaN`). \
                 Spread an array to use its elements.",
                "const cheapest = Math.min(...prices)",
            ),
            method(
                "max",
                &[rest("values", "number")],
                "number",
                "The largest of the arguments (`-Infinity` with none, `NaN` if any is `NaN`). \
                 Spread an array to use its elements.",
                "const latest = Math.max(...attempts.map(a => a.at))",
            ),
            method(
                "pow",
                &[req("base", "number"), req("exponent", "number")],
                "number",
                "`base` raised to `exponent`; the same as `base ** exponent`.",
                "const backoff = Math.pow(2, attempt)",
            ),
            method(
                "sqrt",
                &[req("x", "number")],
                "number",
                "The square root of `x` (`NaN` when `x` is negative).",
                "Math.sqrt(16) // 4",
            ),
            method(
                "log",
                &[req("x", "number")],
                "number",
                "The natural logarithm (base e) of `x`.",
                "Math.log(Math.E) // 1",
            ),
            method(
                "exp",
                &[req("x", "number")],
                "number",
                "e raised to the power `x`.",
                "Math.exp(1) // 2.718281828459045",
            ),
            method(
                "random",
                &[],
                "number",
                "A pseudo-random number in `[0, 1)`; seeded per execution in the test kit, so \
                 tests are repeatable.",
                "const jitter = Math.floor(Math.random() * 1000)",
            ),
            prop(
                "E",
                "number",
                "Euler's number e, about 2.718.",
                "Math.E // 2.718281828459045",
            ),
            prop(
                "LN2",
                "number",
                "The natural logarithm of 2, about 0.693.",
                "Math.LN2",
            ),
            prop(
                "LN10",
                "number",
                "The natural logarithm of 10, about 2.303.",
                "Math.LN10",
            ),
            prop(
                "LOG2E",
                "number",
                "The base-2 logarithm of e, about 1.443.",
                "Math.LOG2E",
            ),
            prop(
                "LOG10E",
                "number",
                "The base-10 logarithm of e, about 0.434.",
                "Math.LOG10E",
            ),
            prop(
                "PI",
                "number",
                "The ratio of a circle's circumference to its diameter, about 3.14159.",
                "const area = Math.PI * r ** 2",
            ),
            prop(
                "SQRT1_2",
                "number",
                "The square root of 1/2, about 0.707.",
                "Math.SQRT1_2",
            ),
            prop(
                "SQRT2",
                "number",
                "The square root of 2, about 1.414.",
                "Math.SQRT2",
            ),
        ],
    },
    Global {
        name: "JSON",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "JSON",
        doc: "Converts between values and JSON text.",
        example: r#"const body = JSON.stringify({ orderId, total }, null, 2)"#,
        members: &[
            method(
                "parse",
                &[req("text", "string")],
                "any",
                "Parses JSON text into a value; throws a `SyntaxError` when the text is not valid \
                 JSON.",
                r#"const config = JSON.parse(Inputs.configJson)"#,
            ),
            method(
                "stringify",
                &[
                    req("value", "any"),
                    opt("replacer", "null"),
                    opt("space", "number | string"),
                ],
                "string | undefined",
                "Converts a value to JSON text: `undefined` and function members are dropped, \
                 `NaN` and `Infinity` become `null`, dates become ISO strings. Pass `null` and an \
                 indentation (`2` or `\"\\t\"`) to pretty-print.",
                r#"console.log(JSON.stringify(order, null, 2))"#,
            ),
        ],
    },
    Global {
        name: "console",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "console",
        doc: "The execution's log, shown by `rhythm` tooling and in test output.",
        example: r#"console.log("charged", { orderId, amount })"#,
        members: &[method(
            "log",
            &[rest("values", "any")],
            "undefined",
            "Appends one line to the execution's log (never the engine's stdout). Arguments are \
             joined by spaces: strings as they are, other values as Node's `util.inspect` shows \
             them (`{ done: true }`, `[ 1, 2 ]`).",
            r#"console.log("retrying", { attempt, delay: "30s" })"#,
        )],
    },
    Global {
        name: "Error",
        kind: GlobalKind::Constructor,
        params: &[opt("message", "string"), opt("options", "{ cause? }")],
        returns: "Error",
        doc: "`new Error(message)` makes an error object with `name` `\"Error\"` and `message`; \
              `throw` it, or throw any other value.",
        example: r#"if (!order) throw new Error(`order ${orderId} not found`)"#,
        members: &[],
    },
    Global {
        name: "Object",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "Object",
        doc: "Functions over plain objects. Keys come in JavaScript order: integer-like keys \
              ascending first, then the others in insertion order.",
        example: r#"for (const [sku, qty] of Object.entries(cart)) console.log(sku, qty)"#,
        members: &[
            method(
                "keys",
                &[req("object", "object")],
                "string[]",
                "The object's own enumerable keys, as strings (array indexes for an array).",
                r#"Object.keys({ a: 1, b: 2 }) // ["a", "b"]"#,
            ),
            method(
                "values",
                &[req("object", "object")],
                "any[]",
                "The object's own enumerable values, in key order.",
                r#"const total = Object.values(prices).reduce((s, p) => s + p, 0)"#,
            ),
            method(
                "entries",
                &[req("object", "object")],
                "[string, any][]",
                "The object's own `[key, value]` pairs, in key order.",
                r#"for (const [name, score] of Object.entries(scores)) console.log(name, score)"#,
            ),
            method(
                "assign",
                &[req("target", "object"), rest("sources", "object")],
                "object",
                "Copies the members of each source into `target` (later sources win) and returns \
                 `target`; `{ ...a, ...b }` does the same into a new object.",
                r#"const settings = Object.assign({}, defaults, Inputs.settings)"#,
            ),
            method(
                "fromEntries",
                &[req("entries", "Iterable<[string, any]>")],
                "object",
                "Builds an object from `[key, value]` pairs; the inverse of `Object.entries`.",
                r#"const byId = Object.fromEntries(users.map(u => [u.id, u]))"#,
            ),
        ],
    },
    Global {
        name: "Array",
        kind: GlobalKind::Namespace,
        params: &[],
        returns: "Array",
        doc: "Functions that make or recognise arrays.",
        example: r#"const pages = Array.from({ length: count }, (_, i) => i + 1)"#,
        members: &[
            method(
                "isArray",
                &[req("value", "any")],
                "boolean",
                "`true` when `value` is an array.",
                r#"const ids = Array.isArray(Inputs.ids) ? Inputs.ids : [Inputs.ids]"#,
            ),
            method(
                "from",
                &[
                    req("items", "Iterable | { length: number }"),
                    opt("map", "(value, index) => any"),
                ],
                "any[]",
                "A new array from an iterable (array, string, `keys()`/`entries()`) or an \
                 array-like `{ length }`, optionally mapping each element.",
                r#"const batches = Array.from({ length: 3 }, (_, i) => items.slice(i * 10, i * 10 + 10))"#,
            ),
        ],
    },
    Global {
        name: "Number",
        kind: GlobalKind::Constructor,
        params: &[opt("value", "any")],
        returns: "number",
        doc: "`Number(value)` converts a value to a number: `\"42\"` gives `42`, `\"\"` and \
              `null` give `0`, `\"4x\"` and `undefined` give `NaN`.",
        example: r#"const qty = Number(Inputs.quantity ?? 1)"#,
        members: &[
            method(
                "isInteger",
                &[req("value", "any")],
                "boolean",
                "`true` when `value` is a number with no fraction (no conversion: \
                 `Number.isInteger(\"3\")` is `false`).",
                r#"if (!Number.isInteger(Inputs.count)) throw new Error("count must be an integer")"#,
            ),
            method(
                "isNaN",
                &[req("value", "any")],
                "boolean",
                "`true` only when `value` is the number `NaN` (unlike the global `isNaN`, it does \
                 not convert its argument).",
                r#"if (Number.isNaN(amount)) throw new Error("bad amount")"#,
            ),
        ],
    },
    Global {
        name: "String",
        kind: GlobalKind::Function,
        params: &[opt("value", "any")],
        returns: "string",
        doc: "Converts a value to a string as template literals do (`String(null)` is \
              `\"null\"`, `String([1, 2])` is `\"1,2\"`).",
        example: r#"const key = String(Inputs.orderId)"#,
        members: &[],
    },
    Global {
        name: "Boolean",
        kind: GlobalKind::Function,
        params: &[opt("value", "any")],
        returns: "boolean",
        doc: "Converts a value to `true` or `false`: `0`, `\"\"`, `null`, `undefined` and `NaN` \
              are `false`, everything else (including `[]` and `{}`) is `true`.",
        example: r#"const present = items.filter(Boolean)"#,
        members: &[],
    },
    Global {
        name: "parseInt",
        kind: GlobalKind::Function,
        params: &[req("text", "string"), opt("radix", "number")],
        returns: "number",
        doc: "Parses the leading integer of `text` (in base `radix`, 10 by default, `0x` \
              prefixes read as hex); gives `NaN` when there is none.",
        example: r#"parseInt("42px") // 42"#,
        members: &[],
    },
    Global {
        name: "parseFloat",
        kind: GlobalKind::Function,
        params: &[req("text", "string")],
        returns: "number",
        doc: "Parses the leading decimal number of `text`; gives `NaN` when there is none.",
        example: r#"parseFloat("3.5 kg") // 3.5"#,
        members: &[],
    },
    Global {
        name: "isNaN",
        kind: GlobalKind::Function,
        params: &[req("value", "any")],
        returns: "boolean",
        doc: "`true` when `value`, converted to a number, is `NaN` (`isNaN(\"abc\")` is `true`); \
              `Number.isNaN` does not convert.",
        example: r#"if (isNaN(Inputs.amount)) throw new Error("amount is not a number")"#,
        members: &[],
    },
    Global {
        name: "isFinite",
        kind: GlobalKind::Function,
        params: &[req("value", "any")],
        returns: "boolean",
        doc: "`true` when `value`, converted to a number, is neither `NaN` nor `±Infinity`.",
        example: r#"const ok = isFinite(total / count)"#,
        members: &[],
    },
    Global {
        name: "NaN",
        kind: GlobalKind::Value,
        params: &[],
        returns: "number",
        doc: "The number \"not a number\"; it is not equal to anything, itself included, so test \
              it with `Number.isNaN`.",
        example: r#"Number.isNaN(NaN) // true"#,
        members: &[],
    },
    Global {
        name: "Infinity",
        kind: GlobalKind::Value,
        params: &[],
        returns: "number",
        doc: "Positive infinity, greater than every other number (`1 / 0` gives it).",
        example: r#"let best = Infinity
for (const p of prices) best = Math.min(best, p)"#,
        members: &[],
    },
    Global {
        name: "undefined",
        kind: GlobalKind::Value,
        params: &[],
        returns: "undefined",
        doc: "The value of missing members and of variables without a value. `JSON.stringify` \
              drops members whose value is `undefined`.",
        example: r#"if (Inputs.coupon === undefined) console.log("no coupon")"#,
        members: &[],
    },
];

/// Methods of strings.
static STRING_MEMBERS: &[Member] = &[
    prop(
        "length",
        "number",
        "The number of UTF-16 code units (an emoji outside the BMP counts 2).",
        r#"if (name.length > 64) throw new Error("name too long")"#,
    ),
    method(
        "at",
        &[req("index", "number")],
        "string | undefined",
        "The UTF-16 code unit at `index`; negative indexes count from the end. `undefined` when \
         out of range.",
        r#""invoice".at(-1) // "e""#,
    ),
    method(
        "charAt",
        &[req("index", "number")],
        "string",
        "The UTF-16 code unit at `index`, or `\"\"` when out of range.",
        r#"const initial = name.charAt(0).toUpperCase()"#,
    ),
    method(
        "includes",
        &[req("search", "string"), opt("position", "number")],
        "boolean",
        "`true` when `search` occurs in the string (at or after `position`).",
        r#"if (email.includes("@")) await Task.run("send-email", { email })"#,
    ),
    method(
        "startsWith",
        &[req("search", "string"), opt("position", "number")],
        "boolean",
        "`true` when the string begins with `search` (at `position`).",
        r#"const isTest = sku.startsWith("TEST-")"#,
    ),
    method(
        "endsWith",
        &[req("search", "string"), opt("endPosition", "number")],
        "boolean",
        "`true` when the string ends with `search` (as if it were `endPosition` long).",
        r#"if (file.endsWith(".csv")) await Task.run("import-csv", { file })"#,
    ),
    method(
        "indexOf",
        &[req("search", "string"), opt("position", "number")],
        "number",
        "The index of the first occurrence of `search` at or after `position`, or `-1`.",
        r#"const at = email.indexOf("@")"#,
    ),
    method(
        "lastIndexOf",
        &[req("search", "string"), opt("position", "number")],
        "number",
        "The index of the last occurrence of `search` at or before `position`, or `-1`.",
        r#"const ext = file.slice(file.lastIndexOf(".") + 1)"#,
    ),
    method(
        "slice",
        &[opt("start", "number"), opt("end", "number")],
        "string",
        "The part from `start` up to (not including) `end`; negative indexes count from the end.",
        r#""2026-01-31".slice(0, 7) // "2026-01""#,
    ),
    method(
        "substring",
        &[req("start", "number"), opt("end", "number")],
        "string",
        "The part between `start` and `end`; negative indexes count as 0 and the two are swapped \
         when `start > end`.",
        r#"const domain = email.substring(email.indexOf("@") + 1)"#,
    ),
    method(
        "toUpperCase",
        &[],
        "string",
        "The string in upper case (full Unicode case mapping: `\"ß\"` becomes `\"SS\"`).",
        r#"const code = Inputs.country.toUpperCase()"#,
    ),
    method(
        "toLowerCase",
        &[],
        "string",
        "The string in lower case.",
        r#"const email = Inputs.email.trim().toLowerCase()"#,
    ),
    method(
        "trim",
        &[],
        "string",
        "The string without leading and trailing whitespace and line terminators.",
        r#"const name = Inputs.name.trim()"#,
    ),
    method(
        "trimStart",
        &[],
        "string",
        "The string without leading whitespace.",
        r#""  42".trimStart() // "42""#,
    ),
    method(
        "trimEnd",
        &[],
        "string",
        "The string without trailing whitespace.",
        r#"line.trimEnd()"#,
    ),
    method(
        "split",
        &[opt("separator", "string"), opt("limit", "number")],
        "string[]",
        "Splits the string at each occurrence of `separator` (`\"\"` splits into UTF-16 code \
         units), keeping at most `limit` parts.",
        r#"const tags = Inputs.tags.split(",").map(t => t.trim())"#,
    ),
    method(
        "replace",
        &[
            req("search", "string"),
            req("replacement", "string | (match, offset, string) => string"),
        ],
        "string",
        "Replaces the first occurrence of `search`; in a string replacement `$&` stands for the \
         match and `$$` for `$`.",
        r#"const slug = title.toLowerCase().replace(" ", "-")"#,
    ),
    method(
        "replaceAll",
        &[
            req("search", "string"),
            req("replacement", "string | (match, offset, string) => string"),
        ],
        "string",
        "Replaces every occurrence of `search`; in a string replacement `$&` stands for the match \
         and `$$` for `$`.",
        r#"const slug = title.toLowerCase().replaceAll(" ", "-")"#,
    ),
    method(
        "padStart",
        &[req("length", "number"), opt("fill", "string")],
        "string",
        "The string padded at the start with `fill` (a space by default) to `length` code units.",
        r#"String(7).padStart(3, "0") // "007""#,
    ),
    method(
        "padEnd",
        &[req("length", "number"), opt("fill", "string")],
        "string",
        "The string padded at the end with `fill` (a space by default) to `length` code units.",
        r#""id".padEnd(6, ".") // "id....""#,
    ),
    method(
        "repeat",
        &[req("count", "number")],
        "string",
        "The string repeated `count` times; a negative or infinite count throws a `RangeError`.",
        r#"console.log("=".repeat(40))"#,
    ),
    method(
        "concat",
        &[rest("parts", "any")],
        "string",
        "The string followed by each argument converted to a string; `+` and template literals \
         do the same.",
        r#""order-".concat(orderId, "-", attempt)"#,
    ),
];

/// Methods of arrays.
static ARRAY_MEMBERS: &[Member] = &[
    prop(
        "length",
        "number",
        "The number of elements; assigning a smaller length truncates the array.",
        r#"if (items.length === 0) return { status: "empty" }"#,
    ),
    method(
        "at",
        &[req("index", "number")],
        "any",
        "The element at `index`; negative indexes count from the end (`at(-1)` is the last). \
         `undefined` when out of range.",
        r#"const latest = events.at(-1)"#,
    ),
    method(
        "push",
        &[rest("items", "any")],
        "number",
        "Appends the items at the end (changing the array) and returns the new length.",
        r#"results.push(await Task.run("step", { i }))"#,
    ),
    method(
        "pop",
        &[],
        "any",
        "Removes and returns the last element (`undefined` when the array is empty).",
        r#"const next = stack.pop()"#,
    ),
    method(
        "shift",
        &[],
        "any",
        "Removes and returns the first element (`undefined` when the array is empty).",
        r#"while (queue.length > 0) await Task.run("handle", queue.shift())"#,
    ),
    method(
        "unshift",
        &[rest("items", "any")],
        "number",
        "Inserts the items at the start (changing the array) and returns the new length.",
        r#"steps.unshift("validate")"#,
    ),
    method(
        "slice",
        &[opt("start", "number"), opt("end", "number")],
        "any[]",
        "A shallow copy of the part from `start` up to (not including) `end`; negative indexes \
         count from the end, and `slice()` copies the whole array.",
        r#"const firstTen = items.slice(0, 10)"#,
    ),
    method(
        "splice",
        &[
            req("start", "number"),
            opt("deleteCount", "number"),
            rest("items", "any"),
        ],
        "any[]",
        "Removes `deleteCount` elements at `start` and inserts `items` there (changing the \
         array); returns the removed elements.",
        r#"pending.splice(pending.indexOf(done), 1)"#,
    ),
    method(
        "concat",
        &[rest("values", "any")],
        "any[]",
        "A new array: this one followed by the values (array arguments are spread one level).",
        r#"const all = local.concat(remote, [extra])"#,
    ),
    method(
        "includes",
        &[req("value", "any"), opt("fromIndex", "number")],
        "boolean",
        "`true` when an element equals `value` (`===`, except that `NaN` matches `NaN`).",
        r#"if (Inputs.roles.includes("admin")) await Task.run("grant-all")"#,
    ),
    method(
        "indexOf",
        &[req("value", "any"), opt("fromIndex", "number")],
        "number",
        "The index of the first element `===` to `value`, or `-1`.",
        r#"const i = ids.indexOf(Inputs.id)"#,
    ),
    method(
        "join",
        &[opt("separator", "string")],
        "string",
        "The elements converted to strings and joined by `separator` (`\",\"` by default); \
         `null` and `undefined` become empty strings.",
        r#"console.log(names.join(", "))"#,
    ),
    method(
        "reverse",
        &[],
        "any[]",
        "Reverses the array in place and returns it.",
        r#"const newestFirst = events.slice().reverse()"#,
    ),
    method(
        "map",
        &[req("fn", "(value, index, array) => any")],
        "any[]",
        "A new array of `fn`'s results, one per element.",
        r#"const handles = orders.map(o => Task.run("ship", { id: o.id }))"#,
    ),
    method(
        "filter",
        &[req("fn", "(value, index, array) => any")],
        "any[]",
        "A new array of the elements for which `fn` returns a truthy value.",
        r#"const unpaid = invoices.filter(inv => !inv.paid)"#,
    ),
    method(
        "find",
        &[req("fn", "(value, index, array) => any")],
        "any",
        "The first element for which `fn` returns a truthy value, or `undefined`.",
        r#"const primary = contacts.find(c => c.primary)"#,
    ),
    method(
        "findIndex",
        &[req("fn", "(value, index, array) => any")],
        "number",
        "The index of the first element for which `fn` returns a truthy value, or `-1`.",
        r#"const i = steps.findIndex(s => s.status === "failed")"#,
    ),
    method(
        "some",
        &[req("fn", "(value, index, array) => any")],
        "boolean",
        "`true` when `fn` returns a truthy value for at least one element.",
        r#"if (items.some(i => i.qty > 100)) await Signal.next("bulk-approval")"#,
    ),
    method(
        "every",
        &[req("fn", "(value, index, array) => any")],
        "boolean",
        "`true` when `fn` returns a truthy value for every element (`true` for an empty array).",
        r#"const allPaid = invoices.every(inv => inv.paid)"#,
    ),
    method(
        "reduce",
        &[
            req("fn", "(accumulator, value, index, array) => any"),
            opt("initial", "any"),
        ],
        "any",
        "Folds the elements from left to right with `fn`, starting from `initial` (or the first \
         element); an empty array without `initial` throws a `TypeError`.",
        r#"const total = items.reduce((sum, i) => sum + i.price * i.qty, 0)"#,
    ),
    method(
        "forEach",
        &[req("fn", "(value, index, array) => any")],
        "undefined",
        "Calls `fn` for each element. Use `for (const x of xs)` to `await` inside the loop one \
         element at a time.",
        r#"items.forEach((item, i) => console.log(i, item.sku))"#,
    ),
    method(
        "sort",
        &[opt("compare", "(a, b) => number")],
        "any[]",
        "Sorts the array in place (stable) and returns it. Without `compare`, elements are \
         compared as strings, so `[10, 9].sort()` gives `[10, 9]`; pass `(a, b) => a - b` for \
         numbers.",
        r#"const byAmount = payments.slice().sort((a, b) => b.amount - a.amount)"#,
    ),
    method(
        "flat",
        &[opt("depth", "number")],
        "any[]",
        "A new array with nested arrays spread into it, `depth` levels deep (1 by default).",
        r#"const allItems = orders.map(o => o.items).flat()"#,
    ),
    method(
        "flatMap",
        &[req("fn", "(value, index, array) => any")],
        "any[]",
        "`map` followed by `flat(1)`: `fn` may return an array of any number of elements.",
        r#"const skus = orders.flatMap(o => o.items.map(i => i.sku))"#,
    ),
    method(
        "keys",
        &[],
        "Iterator<number>",
        "An iterator over the indexes `0, 1, ...`; spread it or use it in `for ... of`.",
        r#"for (const i of items.keys()) console.log(i)"#,
    ),
    method(
        "entries",
        &[],
        "Iterator<[number, any]>",
        "An iterator over `[index, element]` pairs; spread it or use it in `for ... of`.",
        r#"for (const [i, item] of items.entries()) await Task.run("process", { i, item })"#,
    ),
];

/// Methods of numbers.
static NUMBER_MEMBERS: &[Member] = &[
    method(
        "toFixed",
        &[opt("digits", "number")],
        "string",
        "The number in fixed-point notation with `digits` (0 to 100, 0 by default) digits after \
         the point.",
        r#"const price = (cents / 100).toFixed(2)"#,
    ),
    method(
        "toString",
        &[opt("radix", "number")],
        "string",
        "The number as a string, in base `radix` (2 to 36, 10 by default); `String(n)` gives \
         the same in base 10.",
        r#"(255).toString(16) // "ff""#,
    ),
];

/// Shorthand for a `Date` UTC getter.
const fn utc_getter(name: &'static str, doc: &'static str, example: &'static str) -> Member {
    method(name, &[], "number", doc, example)
}

/// Methods of `Date` objects.
static DATE_MEMBERS: &[Member] = &[
    method(
        "getTime",
        &[],
        "number",
        "Milliseconds since 1970-01-01T00:00:00Z (`NaN` for an invalid date).",
        r#"const ageMs = Date.now() - new Date(Inputs.createdAt).getTime()"#,
    ),
    method(
        "toISOString",
        &[],
        "string",
        "The instant as an ISO-8601 string in UTC, `2026-01-01T00:00:00.000Z`; throws a \
         `RangeError` for an invalid date.",
        r#"await Task.run("log-event", { at: new Date().toISOString() })"#,
    ),
    method(
        "toJSON",
        &[],
        "string | null",
        "What `JSON.stringify` uses: the ISO string, or `null` for an invalid date.",
        r#"new Date(0).toJSON() // "1970-01-01T00:00:00.000Z""#,
    ),
    method(
        "valueOf",
        &[],
        "number",
        "Milliseconds since the epoch, like `getTime`; it is why `b - a` on two dates gives a \
         duration in ms.",
        r#"const elapsed = new Date().valueOf() - start.valueOf()"#,
    ),
    utc_getter(
        "getUTCFullYear",
        "The year in UTC (e.g. `2026`).",
        r#"const year = new Date().getUTCFullYear()"#,
    ),
    utc_getter(
        "getUTCMonth",
        "The month in UTC, **from 0** (January) to 11 (December).",
        r#"const month = new Date().getUTCMonth() + 1"#,
    ),
    utc_getter(
        "getUTCDate",
        "The day of the month in UTC, from 1 to 31.",
        r#"if (new Date().getUTCDate() === 1) await Task.run("monthly-report")"#,
    ),
    utc_getter(
        "getUTCDay",
        "The day of the week in UTC, from 0 (Sunday) to 6 (Saturday).",
        r#"const weekend = [0, 6].includes(new Date().getUTCDay())"#,
    ),
    utc_getter(
        "getUTCHours",
        "The hour in UTC, from 0 to 23.",
        r#"const hour = new Date().getUTCHours()"#,
    ),
    utc_getter(
        "getUTCMinutes",
        "The minutes in UTC, from 0 to 59.",
        r#"const minute = new Date().getUTCMinutes()"#,
    ),
    utc_getter(
        "getUTCSeconds",
        "The seconds in UTC, from 0 to 59.",
        r#"const second = new Date().getUTCSeconds()"#,
    ),
    utc_getter(
        "getUTCMilliseconds",
        "The milliseconds in UTC, from 0 to 999.",
        r#"const ms = new Date().getUTCMilliseconds()"#,
    ),
];

/// Properties of `Error` objects.
static ERROR_MEMBERS: &[Member] = &[
    prop(
        "name",
        "string",
        "The error's kind: `\"Error\"` for `new Error(...)`; for errors the engine throws it \
         mirrors `type` (`\"TaskFailed\"`, `\"Timeout\"`, `\"TypeError\"`, ...).",
        r#"catch (e) { console.log(e.name, e.message) }"#,
    ),
    prop(
        "message",
        "string",
        "A human-readable description of what went wrong.",
        r#"catch (e) { await Task.run("alert", { text: e.message }) }"#,
    ),
    prop(
        "type",
        "string",
        "On errors the engine throws: `\"TaskFailed\"`, `\"WorkflowFailed\"`, `\"Timeout\"`, \
         `\"Cancelled\"`, `\"TypeError\"`, `\"ReferenceError\"`, `\"RangeError\"` or \
         `\"LimitExceeded\"`.",
        r#"catch (e) { if (e.type === "Timeout") return { status: "expired" } }"#,
    ),
    prop(
        "cause",
        "any",
        "The underlying error: for `TaskFailed` the error the task raised, for \
         `WorkflowFailed` the child's error; `new Error(msg, { cause })` sets it.",
        r#"catch (e) { console.log(e.type, e.cause?.message) }"#,
    ),
];

/// The methods and properties of each value type.
pub static VALUE_MEMBERS: &[(ValueType, &[Member])] = &[
    (ValueType::String, STRING_MEMBERS),
    (ValueType::Array, ARRAY_MEMBERS),
    (ValueType::Number, NUMBER_MEMBERS),
    (ValueType::Date, DATE_MEMBERS),
    (ValueType::Error, ERROR_MEMBERS),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique() {
        let mut seen = HashSet::new();
        for g in GLOBALS {
            assert!(seen.insert(g.name), "duplicate global {}", g.name);
            let mut members = HashSet::new();
            for m in g.members {
                assert!(members.insert(m.name), "duplicate {}.{}", g.name, m.name);
            }
        }
        for (ty, members) in VALUE_MEMBERS {
            let mut names = HashSet::new();
            for m in *members {
                assert!(names.insert(m.name), "duplicate {ty:?}.{}", m.name);
            }
        }
    }

    #[test]
    fn signatures_render() {
        let run = global("Task").and_then(|t| t.member("run"));
        assert_eq!(
            run.map(Member::signature).as_deref(),
            Some(
                "run(name: string, inputs?: object, options?: { retries?, timeout?, queue?, \
                 priority?, idempotencyKey? }): Handle"
            )
        );
        assert_eq!(run.map(Member::min_args), Some(1));
        assert_eq!(run.and_then(Member::max_args), Some(3));
    }

    #[test]
    fn every_entry_is_documented() {
        for g in GLOBALS {
            assert!(!g.doc.trim().is_empty(), "{} has no doc", g.name);
            assert!(!g.example.trim().is_empty(), "{} has no example", g.name);
            assert!(!g.returns.trim().is_empty(), "{} has no type", g.name);
            for m in g.members {
                assert!(!m.doc.trim().is_empty(), "{}.{} has no doc", g.name, m.name);
                assert!(
                    !m.example.trim().is_empty(),
                    "{}.{} has no example",
                    g.name,
                    m.name
                );
                assert!(
                    !m.returns.trim().is_empty(),
                    "{}.{} has no type",
                    g.name,
                    m.name
                );
            }
        }
        for (ty, members) in VALUE_MEMBERS {
            for m in *members {
                assert!(!m.doc.trim().is_empty(), "{ty:?}.{} has no doc", m.name);
                assert!(
                    !m.example.trim().is_empty(),
                    "{ty:?}.{} has no example",
                    m.name
                );
                assert!(
                    !m.returns.trim().is_empty(),
                    "{ty:?}.{} has no type",
                    m.name
                );
            }
        }
    }

    #[test]
    fn params_are_well_formed() {
        let check = |what: &str, params: &[Param]| {
            for (i, p) in params.iter().enumerate() {
                assert!(!p.rest || i + 1 == params.len(), "{what}: rest not last");
                assert!(!p.rest || p.optional, "{what}: rest must be optional");
                if i > 0 && params[i - 1].optional {
                    assert!(p.optional, "{what}: required after optional");
                }
            }
        };
        for g in GLOBALS {
            check(g.name, g.params);
            let callable = matches!(g.kind, GlobalKind::Function | GlobalKind::Constructor);
            assert!(callable || g.params.is_empty(), "{} has params", g.name);
            for m in g.members {
                check(m.name, m.params);
                assert!(m.kind == MemberKind::Method || m.params.is_empty());
            }
        }
        for (_, members) in VALUE_MEMBERS {
            for m in *members {
                check(m.name, m.params);
                assert!(m.kind == MemberKind::Method || m.params.is_empty());
            }
        }
    }

    /// The catalog is exactly language.md §5: every name listed there, nothing else.
    #[test]
    fn matches_the_language_spec() {
        let globals: Vec<String> = GLOBALS
            .iter()
            .map(|g| {
                let members: Vec<&str> = g.members.iter().map(|m| m.name).collect();
                format!("{} [{}]", g.name, members.join(" "))
            })
            .collect();
        assert_eq!(
            globals,
            [
                "Inputs []",
                "Task [run]",
                "Signal [next when]",
                "Timer [delay until]",
                "Workflow [run]",
                "Promise [all allSettled any race]",
                "Context [executionId workflowName version]",
                "Date [now]",
                "Math [floor ceil round trunc sign abs min max pow sqrt log exp random E LN2 \
                 LN10 LOG2E LOG10E PI SQRT1_2 SQRT2]",
                "JSON [parse stringify]",
                "console [log]",
                "Error []",
                "Object [keys values entries assign fromEntries]",
                "Array [isArray from]",
                "Number [isInteger isNaN]",
                "String []",
                "Boolean []",
                "parseInt []",
                "parseFloat []",
                "isNaN []",
                "isFinite []",
                "NaN []",
                "Infinity []",
                "undefined []",
            ]
        );
        let names = |ty| -> String {
            members_of(ty)
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            names(ValueType::String),
            "length at charAt includes startsWith endsWith indexOf lastIndexOf slice substring \
             toUpperCase toLowerCase trim trimStart trimEnd split replace replaceAll padStart \
             padEnd repeat concat"
        );
        assert_eq!(
            names(ValueType::Array),
            "length at push pop shift unshift slice splice concat includes indexOf join reverse \
             map filter find findIndex some every reduce forEach sort flat flatMap keys entries"
        );
        assert_eq!(names(ValueType::Number), "toFixed toString");
        assert_eq!(
            names(ValueType::Date),
            "getTime toISOString toJSON valueOf getUTCFullYear getUTCMonth getUTCDate getUTCDay \
             getUTCHours getUTCMinutes getUTCSeconds getUTCMilliseconds"
        );
        assert_eq!(names(ValueType::Error), "name message type cause");
    }

    #[test]
    fn arity_of_rest_and_optional_parameters() {
        let log = global("console").and_then(|c| c.member("log"));
        assert_eq!(log.map(Member::min_args), Some(0));
        assert_eq!(log.map(Member::max_args), Some(None));
        let assign = global("Object").and_then(|o| o.member("assign"));
        assert_eq!(assign.map(Member::min_args), Some(1));
        assert_eq!(assign.map(Member::max_args), Some(None));
        for name in ["min", "max"] {
            let m = global("Math").and_then(|g| g.member(name));
            assert_eq!(m.map(Member::max_args), Some(None), "Math.{name}");
        }
        for name in ["push", "unshift", "concat", "splice"] {
            let m = member_of(ValueType::Array, name);
            assert_eq!(m.map(Member::max_args), Some(None), "Array {name}");
        }
        let splice = member_of(ValueType::Array, "splice");
        assert_eq!(splice.map(Member::min_args), Some(1));
        assert_eq!(
            splice.map(Member::signature).as_deref(),
            Some("splice(start: number, deleteCount?: number, ...items: any): any[]")
        );
        let slice = member_of(ValueType::String, "slice");
        assert_eq!(
            slice.map(|m| (m.min_args(), m.max_args())),
            Some((0, Some(2)))
        );
        let parse_int = global("parseInt");
        assert_eq!(
            parse_int.map(|g| (g.min_args(), g.max_args())),
            Some((1, Some(2)))
        );
        let length = member_of(ValueType::String, "length");
        assert_eq!(
            length.map(Member::signature).as_deref(),
            Some("length: number")
        );
        assert_eq!(
            global("Number").map(Global::signature).as_deref(),
            Some("Number(value?: any): number")
        );
        assert_eq!(
            global("Math").and_then(|m| m.member("PI")).map(|m| m.kind),
            Some(MemberKind::Property)
        );
    }
}
