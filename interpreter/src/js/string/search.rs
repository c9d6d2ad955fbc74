//! Searching: `indexOf`, `lastIndexOf`, `includes`, `startsWith`, `endsWith`.

use super::units::{byte_offset, byte_offset_floor, clamp, len, unit_offset};
use crate::js::number::to_integer_or_infinity;

/// `StringIndexOf(s, search, from)` with `from` already clamped; -1 when absent.
fn string_index_of(s: &str, search: &str, from: usize) -> Option<usize> {
    if search.is_empty() {
        return (from <= len(s)).then_some(from);
    }
    let b = byte_offset(s, from);
    let found = s.get(b..)?.find(search)?;
    Some(unit_offset(s, b + found))
}

fn index_result(i: Option<usize>) -> f64 {
    i.map_or(-1.0, |i| i as f64)
}

/// `s.indexOf(search, position)` (`position` after `ToNumber`; NaN/undefined means 0).
pub fn index_of(s: &str, search: &str, position: f64) -> f64 {
    index_result(string_index_of(s, search, clamp(position, len(s))))
}

/// `s.lastIndexOf(search, position)`; `position` NaN (or undefined) means +Infinity.
pub fn last_index_of(s: &str, search: &str, position: f64) -> f64 {
    let l = len(s);
    let pos = if position.is_nan() {
        f64::INFINITY
    } else {
        to_integer_or_infinity(position)
    };
    let start = pos.clamp(0.0, l as f64) as usize;
    let search_len = len(search);
    if search_len > l {
        return -1.0;
    }
    let limit = start.min(l - search_len);
    if search.is_empty() {
        return limit as f64;
    }
    // The last match starting at or before `limit` (in units).
    let limit_byte = byte_offset_floor(s, limit);
    let mut window_end = (limit_byte + search.len()).min(s.len());
    while !s.is_char_boundary(window_end) {
        window_end -= 1;
    }
    let Some(hay) = s.get(..window_end) else {
        return -1.0;
    };
    index_result(hay.rfind(search).map(|b| unit_offset(s, b)))
}

/// `s.includes(search, position)`.
pub fn includes(s: &str, search: &str, position: f64) -> bool {
    string_index_of(s, search, clamp(position, len(s))).is_some()
}

/// `s.startsWith(search, position)`.
pub fn starts_with(s: &str, search: &str, position: f64) -> bool {
    let start = clamp(position, len(s));
    if start == 0 || search.is_empty() {
        return s.starts_with(search);
    }
    let b = byte_offset(s, start);
    unit_offset(s, b) == start && s.get(b..).is_some_and(|t| t.starts_with(search))
}

/// `s.endsWith(search, endPosition)`; `None` is the length.
pub fn ends_with(s: &str, search: &str, end_position: Option<f64>) -> bool {
    let l = len(s);
    let end = end_position.map_or(l, |e| clamp(e, l));
    if end == l {
        return s.ends_with(search);
    }
    if search.is_empty() {
        return true;
    }
    let b = byte_offset(s, end);
    unit_offset(s, b) == end && s.get(..b).is_some_and(|t| t.ends_with(search))
}
