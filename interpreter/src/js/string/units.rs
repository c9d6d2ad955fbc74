//! UTF-16 code units: lengths, conversions between unit indices and byte offsets, index
//! normalization, and the accessors (`charAt`, `at`, `charCodeAt`, `codePointAt`, `slice`,
//! `substring`) and the code-unit order.

use std::cmp::Ordering;

use crate::js::number::to_integer_or_infinity;

/// `s.length`: the number of UTF-16 code units.
pub fn len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// The UTF-16 code units of `s`.
pub fn code_units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// A string from UTF-16 code units; lone surrogates become U+FFFD.
pub fn from_code_units(units: &[u16]) -> String {
    String::from_utf16_lossy(units)
}

/// The byte offset in `s` of UTF-16 index `unit` (clamped to the end). An index in the middle
/// of a surrogate pair maps to the start of the next character.
pub(super) fn byte_offset(s: &str, unit: usize) -> usize {
    if s.is_ascii() {
        return unit.min(s.len());
    }
    let mut u = 0;
    for (b, c) in s.char_indices() {
        if u >= unit {
            return b;
        }
        u += c.len_utf16();
    }
    s.len()
}

/// Like [`byte_offset`], but an index in the middle of a surrogate pair maps to the start of
/// that pair's character.
pub(super) fn byte_offset_floor(s: &str, unit: usize) -> usize {
    if s.is_ascii() {
        return unit.min(s.len());
    }
    let mut u = 0;
    for (b, c) in s.char_indices() {
        u += c.len_utf16();
        if u > unit {
            return b;
        }
    }
    s.len()
}

/// The UTF-16 index of byte offset `byte` (a character boundary) in `s`.
pub(super) fn unit_offset(s: &str, byte: usize) -> usize {
    let head = s.get(..byte).unwrap_or(s);
    if head.is_ascii() {
        head.len()
    } else {
        len(head)
    }
}

/// The units `from..to` of `s` (already clamped, `from <= to`), halves of cut surrogate pairs
/// as U+FFFD.
pub(super) fn units_range(s: &str, from: usize, to: usize) -> String {
    if from >= to {
        return String::new();
    }
    if s.is_ascii() {
        return s.get(from..to.min(s.len())).unwrap_or("").to_string();
    }
    let mut out = String::new();
    let mut u = 0;
    for c in s.chars() {
        let l = c.len_utf16();
        let end = u + l;
        if end <= from {
            u = end;
            continue;
        }
        if u >= to {
            break;
        }
        if u >= from && end <= to {
            out.push(c);
        } else {
            // An astral character of which only one half lies inside the range.
            out.push(char::REPLACEMENT_CHARACTER);
        }
        u = end;
    }
    out
}

/// The code unit at `index`, if any.
pub(super) fn unit_at(s: &str, index: usize) -> Option<u16> {
    if s.is_ascii() {
        return s.as_bytes().get(index).map(|&b| u16::from(b));
    }
    s.encode_utf16().nth(index)
}

/// Clamps a relative index (`slice`, `at`): negative counts from the end.
pub(super) fn relative(pos: f64, len: usize) -> usize {
    let p = to_integer_or_infinity(pos);
    let l = len as f64;
    let r = if p < 0.0 { (l + p).max(0.0) } else { p.min(l) };
    r as usize
}

/// Clamps an absolute index to `0..=len`.
pub(super) fn clamp(pos: f64, len: usize) -> usize {
    to_integer_or_infinity(pos).clamp(0.0, len as f64) as usize
}

/// `s.charAt(pos)` (`pos` after `ToNumber`; NaN means 0): `""` when out of range.
pub fn char_at(s: &str, pos: f64) -> String {
    let p = to_integer_or_infinity(pos);
    if p < 0.0 || p >= len(s) as f64 {
        return String::new();
    }
    let i = p as usize;
    units_range(s, i, i + 1)
}

/// `s.at(index)`: negative indices count from the end; `None` (undefined) when out of range.
pub fn at(s: &str, index: f64) -> Option<String> {
    let l = len(s) as f64;
    let rel = to_integer_or_infinity(index);
    let k = if rel >= 0.0 { rel } else { l + rel };
    if k < 0.0 || k >= l {
        return None;
    }
    let i = k as usize;
    Some(units_range(s, i, i + 1))
}

/// `s.charCodeAt(pos)`: the UTF-16 unit (surrogate halves included), NaN when out of range.
pub fn char_code_at(s: &str, pos: f64) -> f64 {
    let p = to_integer_or_infinity(pos);
    if p < 0.0 || p >= len(s) as f64 {
        return f64::NAN;
    }
    unit_at(s, p as usize).map_or(f64::NAN, f64::from)
}

/// `s.codePointAt(pos)`: the code point starting at `pos` (a lone trailing half gives the
/// surrogate's value), `None` when out of range.
pub fn code_point_at(s: &str, pos: f64) -> Option<u32> {
    let p = to_integer_or_infinity(pos);
    if p < 0.0 || p >= len(s) as f64 {
        return None;
    }
    let units: Vec<u16> = s.encode_utf16().skip(p as usize).take(2).collect();
    match units.as_slice() {
        [hi @ 0xD800..=0xDBFF, lo @ 0xDC00..=0xDFFF] => {
            Some(0x10000 + ((u32::from(*hi) - 0xD800) << 10) + (u32::from(*lo) - 0xDC00))
        }
        [u, ..] => Some(u32::from(*u)),
        [] => None,
    }
}

/// `s.slice(start, end)`: negative positions count from the end; `end` `None` is the length.
pub fn slice(s: &str, start: f64, end: Option<f64>) -> String {
    let l = len(s);
    let from = relative(start, l);
    let to = end.map_or(l, |e| relative(e, l));
    units_range(s, from, to)
}

/// `s.substring(start, end)`: positions clamp to `0..=length` and are swapped when reversed.
pub fn substring(s: &str, start: f64, end: Option<f64>) -> String {
    let l = len(s);
    let a = clamp(start, l);
    let b = end.map_or(l, |e| clamp(e, l));
    units_range(s, a.min(b), a.max(b))
}

/// Orders strings by UTF-16 code units, as JavaScript's `<` and the default `sort` do (which
/// differs from code-point order for U+E000..U+FFFF against astral characters).
pub fn compare(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}
