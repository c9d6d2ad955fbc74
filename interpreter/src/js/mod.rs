//! JavaScript's value semantics as plain functions, independent of the VM's heap: number
//! formatting and parsing, UTF-16 string operations, dates, `Math`. Each function matches the
//! ECMAScript specification and Node 20 bit for bit; the fixture tables in `testdata/`
//! (regenerate with `TZ=UTC node gen.mjs` there) are Node's answers, and the tests compare
//! every row.
//!
//! Conventions for callers (the VM):
//! - Numeric arguments are passed *after* `ToNumber`; an omitted argument is `f64::NAN`
//!   (what `ToNumber(undefined)` gives) unless the function takes an `Option`, which is
//!   for the methods where `undefined` differs from NaN (`slice` end, `toPrecision`,
//!   `lastIndexOf` on arrays, ...).
//! - Indices and lengths count UTF-16 code units. Rust strings cannot hold lone
//!   surrogates: where JavaScript would produce one, we produce U+FFFD (see [`string`]).
//! - The local time zone is UTC.
//! - Errors JavaScript throws as `RangeError` come back as [`RangeError`] carrying Node's
//!   message; nothing panics on any input.
//!
//! Modules: [`number`] (toString, toFixed, parsing, ToInt32, property keys), [`string`]
//! (String.prototype, JSON and `util.inspect` quoting), [`date`] (time values, formatting,
//! `Date.parse`), [`math`] (`Math` and `**`), [`index`] (argument normalization shared by
//! arrays and strings).

mod bigdec;
pub mod date;
mod fdlibm;
pub mod index;
pub mod math;
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
