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
            let q = if p.optional { "?" } else { "" };
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
#[allow(dead_code)]
const fn rest(name: &'static str, ty: &'static str) -> Param {
    Param {
        name,
        ty,
        optional: true,
        rest: true,
    }
}

/// Every global name, in the order the reference documents them.
pub static GLOBALS: &[Global] = &[Global {
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
}];

/// The methods and properties of each value type.
pub static VALUE_MEMBERS: &[(ValueType, &[Member])] = &[];

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
}
