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

use std::cmp::Ordering;

use super::RangeError;
use super::is_js_whitespace;
use super::number::{to_integer_or_infinity, to_uint32};

/// The longest string V8 (and so Node) can build, in UTF-16 units; longer results of
/// `repeat`, `padStart` and `padEnd` are a `RangeError: Invalid string length`.
pub const MAX_STRING_LENGTH: usize = (1 << 29) - 24;

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
fn byte_offset(s: &str, unit: usize) -> usize {
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
fn byte_offset_floor(s: &str, unit: usize) -> usize {
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
fn unit_offset(s: &str, byte: usize) -> usize {
    let head = s.get(..byte).unwrap_or(s);
    if head.is_ascii() {
        head.len()
    } else {
        len(head)
    }
}

/// The units `from..to` of `s` (already clamped, `from <= to`), halves of cut surrogate pairs
/// as U+FFFD.
fn units_range(s: &str, from: usize, to: usize) -> String {
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
fn unit_at(s: &str, index: usize) -> Option<u16> {
    if s.is_ascii() {
        return s.as_bytes().get(index).map(|&b| u16::from(b));
    }
    s.encode_utf16().nth(index)
}

/// Clamps a relative index (`slice`, `at`): negative counts from the end.
fn relative(pos: f64, len: usize) -> usize {
    let p = to_integer_or_infinity(pos);
    let l = len as f64;
    let r = if p < 0.0 { (l + p).max(0.0) } else { p.min(l) };
    r as usize
}

/// Clamps an absolute index to `0..=len`.
fn clamp(pos: f64, len: usize) -> usize {
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
            super::number::to_string(count)
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

/// `GetSubstitution` for a string pattern (no capture groups): expands `$$`, `$&`, `` $` ``
/// and `$'` in `replacement`; `$1`, `$<name>` and a lone `$` stay as written. `position` is the
/// match's UTF-16 index in `s`.
pub fn expand_replacement(matched: &str, s: &str, position: usize, replacement: &str) -> String {
    if !replacement.contains('$') {
        return replacement.to_string();
    }
    let mut out = String::with_capacity(replacement.len());
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                out.push('$');
                chars.next();
            }
            Some('&') => {
                out.push_str(matched);
                chars.next();
            }
            Some('`') => {
                out.push_str(&units_range(s, 0, position));
                chars.next();
            }
            Some('\'') => {
                let l = len(s);
                let from = (position + len(matched)).min(l);
                out.push_str(&units_range(s, from, l));
                chars.next();
            }
            _ => out.push('$'),
        }
    }
    out
}

/// [`expand_replacement`] for an empty match at unit `position` of `units`.
fn expand_units(units: &[u16], position: usize, replacement: &str, out: &mut Vec<u16>) {
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            match chars.peek() {
                Some('$') => out.push(u16::from(b'$')),
                Some('&') => {}
                Some('`') => out.extend_from_slice(units.get(..position).unwrap_or(&[])),
                Some('\'') => out.extend_from_slice(units.get(position..).unwrap_or(&[])),
                _ => {
                    out.push(u16::from(b'$'));
                    continue;
                }
            }
            chars.next();
        } else {
            let mut buf = [0u16; 2];
            out.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
}

/// `s.replace(pattern, replacement)` with a string pattern: the first occurrence only (an
/// empty pattern matches at 0).
pub fn replace(s: &str, pattern: &str, replacement: &str) -> String {
    let Some(byte) = s.find(pattern) else {
        return s.to_string();
    };
    let position = unit_offset(s, byte);
    let mut out = String::with_capacity(s.len() + replacement.len());
    out.push_str(&s[..byte]);
    out.push_str(&expand_replacement(pattern, s, position, replacement));
    out.push_str(&s[byte + pattern.len()..]);
    out
}

/// The UTF-16 positions where `replaceAll` matches `pattern` in `s` (every unit boundary for an
/// empty pattern). Useful to the VM for function replacements.
pub fn match_positions(s: &str, pattern: &str) -> Vec<usize> {
    if pattern.is_empty() {
        return (0..=len(s)).collect();
    }
    s.match_indices(pattern)
        .map(|(b, _)| unit_offset(s, b))
        .collect()
}

/// `s.replaceAll(pattern, replacement)` with a string pattern.
pub fn replace_all(s: &str, pattern: &str, replacement: &str) -> String {
    if pattern.is_empty() {
        // Matches at every unit boundary, inside surrogate pairs too: work on units so that
        // pairs split by an empty insertion join up again.
        let units = code_units(s);
        let mut out: Vec<u16> = Vec::with_capacity(units.len() * 2);
        for p in 0..=units.len() {
            expand_units(&units, p, replacement, &mut out);
            if let Some(&u) = units.get(p) {
                out.push(u);
            }
        }
        return from_code_units(&out);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let simple = !replacement.contains('$');
    for (b, m) in s.match_indices(pattern) {
        out.push_str(&s[last..b]);
        if simple {
            out.push_str(replacement);
        } else {
            out.push_str(&expand_replacement(m, s, unit_offset(s, b), replacement));
        }
        last = b + m.len();
    }
    out.push_str(&s[last..]);
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

/// Orders strings by UTF-16 code units, as JavaScript's `<` and the default `sort` do (which
/// differs from code-point order for U+E000..U+FFFF against astral characters).
pub fn compare(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

fn push_unicode_escape(out: &mut String, unit: u32) {
    out.push_str(&format!("\\u{unit:04x}"));
}

/// `JSON.stringify(s)`: double quotes, `\"`, `\\`, `\b \f \n \r \t`, other control characters
/// as `\u00XX` (lowercase hex); everything else, U+2028/U+2029 included, as it is.
pub fn quote_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => push_unicode_escape(&mut out, c as u32),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Node's `util.inspect` default `breakLength`.
const INSPECT_BREAK_LENGTH: usize = 80;
/// Node's `util.inspect` default `maxStringLength`.
const INSPECT_MAX_STRING_LENGTH: usize = 10_000;

/// How Node's `util.inspect` prints a string value at nesting depth `indentation` (in
/// spaces, as Node's `indentationLvl`): quoted by [`quote_inspect`]; longer than 10 000
/// units, cut with a `... N more characters` trailer; longer than 16 units and than
/// `80 - indentation - 4`, split after each newline into quoted pieces joined by
/// `" +\n"` and `indentation + 2` spaces.
pub fn inspect_string(s: &str, indentation: usize) -> String {
    let total = len(s);
    let (value, trailer) = if total > INSPECT_MAX_STRING_LENGTH {
        let remaining = total - INSPECT_MAX_STRING_LENGTH;
        let plural = if remaining > 1 { "s" } else { "" };
        (
            units_range(s, 0, INSPECT_MAX_STRING_LENGTH),
            format!("... {remaining} more character{plural}"),
        )
    } else {
        (s.to_string(), String::new())
    };
    let l = len(&value);
    if l > 16 && (l + indentation + 4) > INSPECT_BREAK_LENGTH {
        let joiner = format!(" +\n{}", " ".repeat(indentation + 2));
        let pieces: Vec<String> = value.split_inclusive('\n').map(quote_inspect).collect();
        return pieces.join(&joiner) + &trailer;
    }
    quote_inspect(&value) + &trailer
}

/// How Node's `util.inspect` writes an object's key: bare when it matches
/// `/^[a-zA-Z_][a-zA-Z_0-9]*$/`, otherwise quoted as [`quote_inspect`] quotes (`'a-b'`,
/// `'1'`, `"it's"`).
pub fn inspect_key(key: &str) -> String {
    let mut chars = key.chars();
    let bare = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if bare {
        key.to_string()
    } else {
        quote_inspect(key)
    }
}

/// How Node's `util.inspect` quotes a string (inside arrays and objects, and in
/// `console.log` of anything but a top-level string): single quotes; double quotes when the
/// string contains `'` but no `"`; backticks when it contains both but no backtick or `${`;
/// otherwise single quotes with `\'`. Escapes: `\\`, `\b \t \n \f \r`, `\xNN` for the other
/// C0 controls and U+007F..U+009F.
pub fn quote_inspect(s: &str) -> String {
    let quote = if s.contains('\'') {
        if !s.contains('"') {
            '"'
        } else if !s.contains('`') && !s.contains("${") {
            '`'
        } else {
            '\''
        }
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\'' if quote == '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn table(name: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(include_str!("testdata/strings.json")).unwrap();
        all[name].as_array().unwrap().clone()
    }

    /// A numeric argument column: number, `"NaN"`/`"Infinity"`, or null for undefined.
    fn arg(v: &Value) -> Option<f64> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.parse().unwrap()),
            n => Some(n.as_f64().unwrap()),
        }
    }

    /// What the VM passes for an optional numeric argument: `ToNumber(undefined)` is NaN.
    fn num(v: &Value) -> f64 {
        arg(v).unwrap_or(f64::NAN)
    }

    fn st(v: &Value) -> &str {
        v.as_str().unwrap()
    }

    fn opt_str(v: &Value) -> Option<&str> {
        v.as_str()
    }

    #[test]
    fn positions_match_node() {
        for r in table("length") {
            assert_eq!(len(st(&r[0])) as u64, r[1].as_u64().unwrap());
        }
        for r in table("charAt") {
            assert_eq!(char_at(st(&r[0]), num(&r[1])), st(&r[2]), "{r}");
        }
        for r in table("at") {
            assert_eq!(at(st(&r[0]), num(&r[1])).as_deref(), opt_str(&r[2]), "{r}");
        }
        for r in table("charCodeAt") {
            let got = char_code_at(st(&r[0]), num(&r[1]));
            let want = num(&r[2]);
            assert!(got == want || (got.is_nan() && want.is_nan()), "{r}");
        }
        for r in table("codePointAt") {
            let want = r[2].as_u64().map(|v| v as u32);
            assert_eq!(code_point_at(st(&r[0]), num(&r[1])), want, "{r}");
        }
    }

    #[test]
    fn slice_and_substring_match_node() {
        for r in table("slice") {
            assert_eq!(slice(st(&r[0]), num(&r[1]), arg(&r[2])), st(&r[3]), "{r}");
        }
        for r in table("substring") {
            assert_eq!(
                substring(st(&r[0]), num(&r[1]), arg(&r[2])),
                st(&r[3]),
                "{r}"
            );
        }
    }

    #[test]
    fn searches_match_node() {
        for r in table("indexOf") {
            let want = r[3].as_f64().unwrap();
            assert_eq!(index_of(st(&r[0]), st(&r[1]), num(&r[2])), want, "{r}");
        }
        for r in table("lastIndexOf") {
            let want = r[3].as_f64().unwrap();
            assert_eq!(last_index_of(st(&r[0]), st(&r[1]), num(&r[2])), want, "{r}");
        }
        for r in table("includes") {
            let want = r[3].as_bool().unwrap();
            assert_eq!(includes(st(&r[0]), st(&r[1]), num(&r[2])), want, "{r}");
        }
        for r in table("startsWith") {
            let want = r[3].as_bool().unwrap();
            assert_eq!(starts_with(st(&r[0]), st(&r[1]), num(&r[2])), want, "{r}");
        }
        for r in table("endsWith") {
            let want = r[3].as_bool().unwrap();
            assert_eq!(ends_with(st(&r[0]), st(&r[1]), arg(&r[2])), want, "{r}");
        }
    }

    fn expected(v: &Value) -> Result<String, String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(other["error"].as_str().unwrap().to_string()),
        }
    }

    fn ours(r: Result<String, RangeError>) -> Result<String, String> {
        r.map_err(|e| format!("RangeError: {e}"))
    }

    #[test]
    fn padding_and_repeat_match_node() {
        for r in table("padStart") {
            let got = ours(pad_start(st(&r[0]), num(&r[1]), opt_str(&r[2])));
            assert_eq!(got, expected(&r[3]), "{r}");
        }
        for r in table("padEnd") {
            let got = ours(pad_end(st(&r[0]), num(&r[1]), opt_str(&r[2])));
            assert_eq!(got, expected(&r[3]), "{r}");
        }
        for r in table("repeat") {
            let got = ours(repeat(st(&r[0]), num(&r[1])));
            assert_eq!(got, expected(&r[2]), "{r}");
        }
    }

    #[test]
    fn trim_matches_node() {
        for r in table("trim") {
            let s = st(&r[0]);
            assert_eq!(trim(s), st(&r[1]), "{r}");
            assert_eq!(trim_start(s), st(&r[2]), "{r}");
            assert_eq!(trim_end(s), st(&r[3]), "{r}");
        }
    }

    #[test]
    fn split_matches_node() {
        for r in table("split") {
            let want: Vec<String> = r[3]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| st(v).to_string())
                .collect();
            assert_eq!(split(st(&r[0]), opt_str(&r[1]), arg(&r[2])), want, "{r}");
        }
    }

    #[test]
    fn replace_matches_node() {
        for r in table("replace") {
            assert_eq!(replace(st(&r[0]), st(&r[1]), st(&r[2])), st(&r[3]), "{r}");
        }
        for r in table("replaceAll") {
            assert_eq!(
                replace_all(st(&r[0]), st(&r[1]), st(&r[2])),
                st(&r[3]),
                "{r}"
            );
        }
    }

    #[test]
    fn case_mapping_matches_node() {
        for r in table("toUpperCase") {
            assert_eq!(to_upper(st(&r[0])), st(&r[1]), "{r}");
        }
        for r in table("toLowerCase") {
            assert_eq!(to_lower(st(&r[0])), st(&r[1]), "{r}");
        }
    }

    #[test]
    fn compare_matches_node() {
        for r in table("compare") {
            let want = r[2].as_i64().unwrap();
            assert_eq!(compare(st(&r[0]), st(&r[1])) as i64, want, "{r}");
        }
    }

    #[test]
    fn quoting_matches_node() {
        for r in table("json") {
            assert_eq!(quote_json(st(&r[0])), st(&r[1]), "{r}");
        }
        for r in table("inspect") {
            assert_eq!(quote_inspect(st(&r[0])), st(&r[1]), "{r}");
        }
        for r in table("inspectKey") {
            assert_eq!(inspect_key(st(&r[0])), st(&r[1]), "{r}");
        }
        for r in table("inspectString") {
            let indentation = r[1].as_u64().unwrap() as usize;
            assert_eq!(inspect_string(st(&r[0]), indentation), st(&r[2]), "{r}");
        }
    }

    #[test]
    fn lone_surrogate_rule() {
        // JavaScript would give "\uD83D"; we give U+FFFD, one unit long, so lengths agree.
        assert_eq!(slice("😀", 0.0, Some(1.0)), "\u{FFFD}");
        assert_eq!(len(&slice("a😀b", 0.0, Some(2.0))), 2);
        assert_eq!(char_code_at("😀", 0.0), 55357.0);
        assert_eq!(char_code_at("😀", 1.0), 56832.0);
        assert_eq!(split("😀", Some(""), None), vec!["\u{FFFD}", "\u{FFFD}"]);
        assert_eq!(split("😀", Some(""), Some(1.0)), vec!["\u{FFFD}"]);
        assert_eq!(from_code_units(&[0xD83D, 0x61]), "\u{FFFD}a");
        assert_eq!(code_units("a😀"), vec![0x61, 0xD83D, 0xDE00]);
    }

    #[test]
    fn match_positions_are_units() {
        assert_eq!(match_positions("😀a😀a", "a"), vec![2, 5]);
        assert_eq!(match_positions("ab", ""), vec![0, 1, 2]);
        assert_eq!(
            expand_replacement("b", "abc", 1, "[$`|$&|$'|$$|$0]"),
            "[a|b|c|$|$0]"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,12}", t in "\\PC{0,3}", a in -20.0f64..20.0, b in -20.0f64..20.0) {
            let _ = slice(&s, a, Some(b));
            let _ = substring(&s, a, Some(b));
            let _ = char_at(&s, a);
            let _ = at(&s, a);
            let _ = index_of(&s, &t, a);
            let _ = last_index_of(&s, &t, a);
            let _ = starts_with(&s, &t, a);
            let _ = ends_with(&s, &t, Some(b));
            let _ = pad_start(&s, a, Some(&t));
            let _ = split(&s, Some(&t), Some(b));
            let _ = replace_all(&s, &t, "$'$`");
        }

        #[test]
        fn slice_lengths_agree_with_units(s in "\\PC{0,12}", a in -20.0f64..20.0, b in -20.0f64..20.0) {
            let units = code_units(&s);
            let l = units.len() as f64;
            let (a, b) = (a.trunc(), b.trunc());
            let from = if a < 0.0 { (l + a).max(0.0) } else { a.min(l) };
            let to = if b < 0.0 { (l + b).max(0.0) } else { b.min(l) };
            let want = (to - from).max(0.0) as usize;
            proptest::prop_assert_eq!(len(&slice(&s, a, Some(b))), want);
        }
    }
}
