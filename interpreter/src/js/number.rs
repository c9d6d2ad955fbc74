//! Numbers: `Number::toString` (shortest round-trip digits, radix 2–36), `toFixed`,
//! `toPrecision`, `toExponential`, `Number(string)`, `parseInt`, `parseFloat`, the integer
//! conversions and property-key helpers. Every function is total: it never panics.
//!
//! By concern: `format` (decimal output), `radix` (other radices), `parse` (strings to
//! numbers), `convert` (integer conversions, property keys). Everything is re-exported here.

mod convert;
mod format;
mod parse;
mod radix;
#[cfg(test)]
mod tests;

pub use convert::{
    is_array_index, number_to_index, number_to_key, to_int32, to_integer_or_infinity, to_uint32,
};
pub use format::{inspect_number, json_number, to_exponential, to_fixed, to_precision, to_string};
pub use parse::{parse_float, parse_int, string_to_number};
pub use radix::to_string_radix;
