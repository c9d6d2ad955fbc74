//! `replace` and `replaceAll` with a string pattern, and `GetSubstitution`.

use super::units::{code_units, from_code_units, len, unit_offset, units_range};

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
