//! Strings as text: `JSON.stringify` quoting and Node's `util.inspect` forms.

use super::units::{len, units_range};

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
