//! Every diagnostic code the analyzer emits, with its severity and a one-line description
//! (for documentation, editor integrations and `rhythm check` users).

use crate::diagnostic::Severity;

/// One diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The stable kebab-case code.
    pub code: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What it means.
    pub description: &'static str,
}

const fn error(code: &'static str, description: &'static str) -> Code {
    Code {
        code,
        severity: Severity::Error,
        description,
    }
}

const fn warning(code: &'static str, description: &'static str) -> Code {
    Code {
        code,
        severity: Severity::Warning,
        description,
    }
}

/// Every code, grouped by theme.
pub static CODES: &[Code] = &[
    error("syntax-error", "The text does not parse."),
    error(
        "invalid-string",
        "A string or template literal has a malformed escape.",
    ),
    error(
        "nesting-too-deep",
        "Code nested deeper than the analyzer follows.",
    ),
    error(
        "unknown-name",
        "A name that is neither declared nor a builtin global.",
    ),
    error(
        "duplicate-declaration",
        "A name declared twice in the same scope.",
    ),
    error(
        "use-before-declaration",
        "A `let`/`const` used before its declaration ran (temporal dead zone).",
    ),
    error("assign-to-const", "Assignment to a `const` binding."),
    error(
        "assign-to-global",
        "Assignment to a builtin global such as `Inputs`.",
    ),
    error(
        "invalid-assignment-target",
        "The left side of an assignment cannot be assigned.",
    ),
    error(
        "invalid-shorthand",
        "`{ a = 1 }` in an object literal (only valid in destructuring).",
    ),
    error("missing-initializer", "`const` without a value."),
    error(
        "jump-outside-loop",
        "`break` / `continue` outside a loop (or `switch`).",
    ),
    error(
        "unknown-member",
        "A member the builtin catalog does not list on a global.",
    ),
    error(
        "wrong-argument-count",
        "A builtin called with too few or too many arguments.",
    ),
    error(
        "invalid-duration",
        "A literal that is not a valid duration where one is expected.",
    ),
    error(
        "await-outside-async",
        "`await` inside a function that is not `async`.",
    ),
    error("unsupported-var", "`var` (use `let` or `const`)."),
    error("unsupported-class", "Classes."),
    error("unsupported-module", "`import` / `export`."),
    error("unsupported-regex", "Regular-expression literals."),
    error("unsupported-with", "`with` statements."),
    error("unsupported-generator", "Generator functions and `yield`."),
    error(
        "unsupported-label",
        "Labels and labelled `break` / `continue`.",
    ),
    error("unsupported-accessor", "Getters and setters."),
    error("unsupported-delete", "The `delete` operator."),
    error("unsupported-this", "`this`."),
    error(
        "unsupported-new",
        "`new` of anything but `Error` and `Date`.",
    ),
    error("unsupported-eval", "`eval`."),
    error("unsupported-debugger", "`debugger` statements."),
    error("unsupported-tagged-template", "Tagged template literals."),
    warning(
        "floating-async-call",
        "An async call whose handle is thrown away: it runs, but nothing sees its result or error.",
    ),
    warning(
        "await-non-handle",
        "`await` of a value that can never be a handle or promise.",
    ),
    warning(
        "unreachable-code",
        "Statements after `return`, `throw`, `break` or `continue`.",
    ),
    warning(
        "unused-variable",
        "A variable or function that is never read.",
    ),
    warning(
        "unknown-task",
        "`Task.run` of a literal name the task manifest does not define.",
    ),
    warning(
        "unknown-task-input",
        "A `Task.run` input the task's parameters (from the task manifest) do not name.",
    ),
    warning(
        "missing-task-input",
        "A `Task.run` without an input the task requires (a parameter without a default).",
    ),
];

/// The description of a code, if it exists.
pub fn describe(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(
                c.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                c.code
            );
        }
    }
}
