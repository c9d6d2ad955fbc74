//! JavaScript's value semantics as plain functions, independent of the VM's heap: number
//! formatting and parsing, UTF-16 string operations, dates. Each function matches the
//! ECMAScript specification (and so Node) exactly.

mod bigdec;
pub mod date;
pub mod number;
pub mod string;

/// A JavaScript `RangeError`, carrying the message Node gives for the same mistake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RangeError {
    /// The message, e.g. `toFixed() digits argument must be between 0 and 100`.
    pub message: String,
}

impl RangeError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// True for JavaScript's `WhiteSpace` and `LineTerminator` code points: what `trim`,
/// `Number(s)`, `parseInt` and `parseFloat` skip (tab, VT, FF, space, NBSP, ZWNBSP/BOM, the
/// Unicode `Zs` category, LF, CR, LS, PS).
pub fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{0009}'
            | '\u{000A}'
            | '\u{000B}'
            | '\u{000C}'
            | '\u{000D}'
            | '\u{0020}'
            | '\u{00A0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}
