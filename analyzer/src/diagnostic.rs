//! Diagnostics: what the analyzer says about a program, with places and optional fixes.
//!
//! Every consumer (the CLI, the LSP, the interpreter's refusal to compile) uses these values;
//! only the CLI renders them and only the LSP converts them to protocol types.

use serde::Serialize;
use text_size::TextRange;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The program cannot run.
    Error,
    /// The program runs, but probably not as intended.
    Warning,
}

/// A secondary place that helps explain a diagnostic ("the call was opened here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Byte range in the file.
    pub range: TextRange,
    /// What this place has to do with the diagnostic.
    pub message: String,
}

/// One replacement of a byte range by new text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    /// Byte range to replace (empty for an insertion).
    pub range: TextRange,
    /// Replacement text.
    pub new_text: String,
}

/// A machine-applicable fix offered with a diagnostic ("did you mean `run`?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Short imperative title shown to the user ("Replace with `run`").
    pub title: String,
    /// The edits that make the fix, non-overlapping.
    pub edits: Vec<TextEdit>,
}

/// A problem found in a `.flow` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable, kebab-case identifier of the kind of problem (`unknown-name`, `syntax-error`).
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The primary byte range the diagnostic points at.
    pub range: TextRange,
    /// A message a person can act on.
    pub message: String,
    /// Secondary places.
    pub labels: Vec<Label>,
    /// Fixes an editor may apply.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// An error with no labels and no fixes.
    pub fn error(code: &'static str, range: TextRange, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, range, message)
    }

    /// A warning with no labels and no fixes.
    pub fn warning(code: &'static str, range: TextRange, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, range, message)
    }

    fn new(
        code: &'static str,
        severity: Severity,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            range,
            message: message.into(),
            labels: Vec::new(),
            fixes: Vec::new(),
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            range,
            message: message.into(),
        });
        self
    }

    /// Adds a fix.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
}
