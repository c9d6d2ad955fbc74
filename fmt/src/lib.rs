//! The canonical formatter for `.flow` files: one style, Prettier-like line breaking.
//!
//! [`format`] parses the text, refuses files with syntax errors, builds a document
//! ([`doc`]) from the syntax tree and lays it out ([`printer`]). Before returning, the result
//! is parsed again and checked to hold the same tokens and comments in the same order
//! ([`verify`]), so a formatter bug yields an error instead of a changed program.
#![deny(clippy::unwrap_used)]

mod build;
mod comments;
pub mod doc;
pub mod printer;
mod verify;

use rhythm_syntax::TextRange;

/// Layout options. The style itself is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The line width to fit in (100).
    pub line_width: usize,
    /// Spaces per indentation level (2).
    pub indent: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            line_width: 100,
            indent: 2,
        }
    }
}

/// One syntax error that stopped formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxErrorInfo {
    /// Where, as a byte range of the input.
    pub range: TextRange,
    /// What is wrong.
    pub message: String,
}

/// Why a file was not formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The file has syntax errors; it is left alone.
    #[error("the file has {} syntax error(s)", .0.len())]
    Syntax(Vec<SyntaxErrorInfo>),
    /// The formatter would have changed the program or lost a comment (a formatter bug).
    #[error("internal formatter error (the file is left unchanged): {0}")]
    Internal(String),
}

/// Formats a `.flow` file in the canonical style.
pub fn format(text: &str, options: &Options) -> Result<String, FormatError> {
    let parse = rhythm_syntax::parse(text);
    if !parse.errors().is_empty() {
        return Err(FormatError::Syntax(
            parse
                .errors()
                .iter()
                .map(|e| SyntaxErrorInfo {
                    range: e.range,
                    message: e.message.clone(),
                })
                .collect(),
        ));
    }
    let root = parse.syntax();
    let mut generator = build::Gen::new(text, &root);
    let doc = generator.script(&root);
    let lost = generator.unemitted();
    if let Some(offset) = lost.first() {
        return Err(FormatError::Internal(format!(
            "a comment near byte {} was not placed",
            u32::from(*offset)
        )));
    }
    let mut out = printer::print(&doc, options.line_width, options.indent.max(1));
    let len = out.trim_end().len();
    out.truncate(len);
    if !out.is_empty() {
        out.push('\n');
    }
    verify::same_program(&root, &out)?;
    Ok(out)
}
