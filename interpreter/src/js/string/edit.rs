//! New strings from old: `padStart`/`padEnd`, `repeat`, `trim`, `split`, case mapping.

use super::units::{len, units_range};

use super::MAX_STRING_LENGTH;
use crate::js::number::{to_integer_or_infinity, to_uint32};
use crate::js::{RangeError, is_js_whitespace};

/// Which side `pad` fills.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Start,
    End,
}

fn pad(s: &str, max_length: f64, fill: Option<&str>, side: Side) -> Result<String, RangeError> {
    let l = len(s);
    // ToLength: NaN → 0, clamped to 0..=2^53-1.
    let target = to_integer_or_infinity(max_length).clamp(0.0, 9_007_199_254_740_991.0);
    let fill = fill.unwrap_or(" ");
    if target <= l as f64 || fill.is_empty() {
        return Ok(s.to_string());
    }
    if target > MAX_STRING_LENGTH as f64 {
        return Err(RangeError::new("Invalid string length"));
    }
    let fill_len = (target as usize) - l;
    let fill_units = len(fill);
    let whole = fill_len / fill_units;
    let mut filler = fill.repeat(whole);
    filler.push_str(&units_range(fill, 0, fill_len - whole * fill_units));
    Ok(match side {
        Side::Start => filler + s,
        Side::End => s.to_string() + &filler,
    })
}

/// `s.padStart(maxLength, fillString)`; `fill` `None` is `" "`.
pub fn pad_start(s: &str, max_length: f64, fill: Option<&str>) -> Result<String, RangeError> {
    pad(s, max_length, fill, Side::Start)
}

/// `s.padEnd(maxLength, fillString)`; `fill` `None` is `" "`.
pub fn pad_end(s: &str, max_length: f64, fill: Option<&str>) -> Result<String, RangeError> {
    pad(s, max_length, fill, Side::End)
}

/// `s.repeat(count)` (`count` after `ToNumber`): `RangeError: Invalid count value: -1` for
/// negative or infinite counts, `Invalid string length` past [`MAX_STRING_LENGTH`].
pub fn repeat(s: &str, count: f64) -> Result<String, RangeError> {
    let n = to_integer_or_infinity(count);
    if n < 0.0 || n.is_infinite() {
        return Err(RangeError::new(format!(
            "Invalid count value: {}",
            crate::js::number::to_string(count)
        )));
    }
    if n == 0.0 || s.is_empty() {
        return Ok(String::new());
    }
    if n * len(s) as f64 > MAX_STRING_LENGTH as f64 {
        return Err(RangeError::new("Invalid string length"));
    }
    Ok(s.repeat(n as usize))
}

/// `s.trim()`: removes JavaScript whitespace and line terminators from both ends.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_js_whitespace)
}

/// `s.trimStart()`.
pub fn trim_start(s: &str) -> &str {
    s.trim_start_matches(is_js_whitespace)
}

/// `s.trimEnd()`.
pub fn trim_end(s: &str) -> &str {
    s.trim_end_matches(is_js_whitespace)
}

/// `s.split(separator, limit)` with a string (or undefined) separator; `limit` after
/// `ToNumber`, `None` for undefined (no limit). An empty separator splits into UTF-16 units
/// (an astral character gives two U+FFFD halves).
pub fn split(s: &str, separator: Option<&str>, limit: Option<f64>) -> Vec<String> {
    let lim = limit.map_or(u32::MAX, to_uint32) as usize;
    if lim == 0 {
        return Vec::new();
    }
    let Some(sep) = separator else {
        return vec![s.to_string()];
    };
    if sep.is_empty() {
        if s.is_ascii() {
            return s
                .bytes()
                .take(lim)
                .map(|b| char::from(b).to_string())
                .collect();
        }
        let mut out = Vec::new();
        for c in s.chars() {
            if out.len() >= lim {
                break;
            }
            if c.len_utf16() == 1 {
                out.push(c.to_string());
            } else {
                out.push(char::REPLACEMENT_CHARACTER.to_string());
                if out.len() < lim {
                    out.push(char::REPLACEMENT_CHARACTER.to_string());
                }
            }
        }
        return out;
    }
    let mut out = Vec::new();
    for part in s.split(sep) {
        out.push(part.to_string());
        if out.len() == lim {
            break;
        }
    }
    out
}

/// `s.toUpperCase()` (full Unicode case mapping: `"ß"` → `"SS"`).
pub fn to_upper(s: &str) -> String {
    s.to_uppercase()
}

/// `s.toLowerCase()` (full Unicode case mapping, final sigma included).
pub fn to_lower(s: &str) -> String {
    s.to_lowercase()
}
