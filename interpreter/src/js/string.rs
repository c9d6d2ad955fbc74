//! Strings as JavaScript sees them: sequences of UTF-16 code units. Rhythm stores strings as
//! Rust `String`s (valid Unicode); every index and length here counts UTF-16 units, and the
//! arguments are normalized as the `String.prototype` methods normalize them (negative and
//! relative indices, `NaN` → 0, clamping).
//!
//! **Lone surrogates.** A Rust string cannot hold half of a surrogate pair. Where JavaScript
//! would produce one — a `slice`, `charAt`, `at` or `split("")` that cuts an astral character
//! such as `"😀"` in two — the half becomes U+FFFD REPLACEMENT CHARACTER, one unit long, so
//! lengths and later indices still agree with JavaScript; only the unit's value differs
//! (`charCodeAt` of the original string is exact, since it reads the original).
//!
//! By concern: `units` (UTF-16 indexing and the accessors), `search`, `edit` (padding,
//! trimming, splitting, case), `replace`, `quote` (JSON and `util.inspect`). Everything is
//! re-exported here.

mod edit;
mod quote;
mod replace;
mod search;
#[cfg(test)]
mod tests;
mod units;

pub use edit::{pad_end, pad_start, repeat, split, to_lower, to_upper, trim, trim_end, trim_start};
pub use quote::{inspect_key, inspect_string, quote_inspect, quote_json};
pub use replace::{expand_replacement, match_positions, replace, replace_all};
pub use search::{ends_with, includes, index_of, last_index_of, starts_with};
pub use units::{
    at, char_at, char_code_at, code_point_at, code_units, compare, from_code_units, len, slice,
    substring,
};

/// The longest string V8 (and so Node) can build, in UTF-16 units; longer results of
/// `repeat`, `padStart` and `padEnd` are a `RangeError: Invalid string length`.
pub const MAX_STRING_LENGTH: usize = (1 << 29) - 24;
