//! Literal helpers for lowering: cooking string and template escapes, reading numbers.

use thiserror::Error;

/// Why a string literal's escapes could not be cooked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EscapeError {
    /// `\x` not followed by two hex digits.
    #[error("invalid `\\x` escape: expected two hexadecimal digits")]
    InvalidHex,
    /// Malformed `\u` escape.
    #[error("invalid `\\u` escape: expected `\\uXXXX` or `\\u{{...}}`")]
    InvalidUnicode,
    /// `\u{...}` beyond U+10FFFF.
    #[error("`\\u{{...}}` escape is out of range (above 10FFFF)")]
    OutOfRange,
    /// Legacy octal escape such as `\07` (an error in strict-mode JavaScript).
    #[error("octal escape sequences are not allowed; use `\\x` or `\\u` instead")]
    Octal,
    /// The literal is not wrapped in matching quotes.
    #[error("string literal is not terminated")]
    Unterminated,
}

/// Cooks a quoted string literal token (`"a\n"` or `'a'`), quotes included.
pub fn cook_string_literal(token_text: &str) -> Result<String, EscapeError> {
    let bytes = token_text.as_bytes();
    if bytes.len() < 2 || bytes[0] != bytes[bytes.len() - 1] || !matches!(bytes[0], b'"' | b'\'') {
        return Err(EscapeError::Unterminated);
    }
    cook_string(&token_text[1..token_text.len() - 1])
}

/// Cooks the escapes of a string body (without quotes) as JavaScript does: `\n \t \r \b \f \v
/// \0`, `\xNN`, `\uXXXX` (surrogate pairs joined), `\u{...}`, line continuations, and identity
/// escapes (`\q` is `q`).
pub fn cook_string(raw: &str) -> Result<String, EscapeError> {
    cook(raw)
}

/// Cooks the raw text of a template quasi (`\`` and `\$` included).
pub fn cook_template(raw: &str) -> Result<String, EscapeError> {
    // Templates also normalise CRLF and CR line terminators to LF.
    let normalised = raw.replace("\r\n", "\n").replace('\r', "\n");
    cook(&normalised)
}

fn cook(raw: &str) -> Result<String, EscapeError> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    let mut pending_high: Option<u32> = None;
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush_surrogate(&mut out, &mut pending_high);
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let code: Option<u32> = match e {
            'n' => Some('\n' as u32),
            't' => Some('\t' as u32),
            'r' => Some('\r' as u32),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'v' => Some(0x0b),
            '0' if !chars.peek().is_some_and(char::is_ascii_digit) => Some(0),
            '1'..='9' | '0' => {
                if matches!(e, '8' | '9') {
                    Some(e as u32)
                } else {
                    return Err(EscapeError::Octal);
                }
            }
            'x' => {
                let h = take_hex(&mut chars, 2).ok_or(EscapeError::InvalidHex)?;
                Some(h)
            }
            'u' => {
                if chars.peek() == Some(&'{') {
                    chars.next();
                    let mut v: u32 = 0;
                    let mut n = 0;
                    loop {
                        match chars.next() {
                            Some('}') if n > 0 => break,
                            Some(d) if d.is_ascii_hexdigit() => {
                                v = v
                                    .saturating_mul(16)
                                    .saturating_add(d.to_digit(16).unwrap_or(0));
                                n += 1;
                            }
                            _ => return Err(EscapeError::InvalidUnicode),
                        }
                    }
                    if v > 0x10FFFF {
                        return Err(EscapeError::OutOfRange);
                    }
                    Some(v)
                } else {
                    Some(take_hex(&mut chars, 4).ok_or(EscapeError::InvalidUnicode)?)
                }
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                None
            }
            '\n' | '\u{2028}' | '\u{2029}' => None,
            other => Some(other as u32),
        };
        let Some(code) = code else { continue };
        if (0xD800..0xDC00).contains(&code) {
            flush_surrogate(&mut out, &mut pending_high);
            pending_high = Some(code);
        } else if (0xDC00..0xE000).contains(&code) {
            if let Some(high) = pending_high.take() {
                let joined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                out.push(char::from_u32(joined).unwrap_or('\u{FFFD}'));
            } else {
                // A lone surrogate cannot live in a Rust string.
                out.push('\u{FFFD}');
            }
        } else {
            flush_surrogate(&mut out, &mut pending_high);
            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
        }
    }
    flush_surrogate(&mut out, &mut pending_high);
    Ok(out)
}

fn flush_surrogate(out: &mut String, pending: &mut Option<u32>) {
    if pending.take().is_some() {
        out.push('\u{FFFD}');
    }
}

fn take_hex(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize) -> Option<u32> {
    let mut v = 0;
    for _ in 0..n {
        let d = chars.next()?.to_digit(16)?;
        v = v * 16 + d;
    }
    Some(v)
}

/// Reads a number literal in any JavaScript form: `1_000`, `1e3`, `1E-3`, `0x1F`, `0o17`,
/// `0b101`, `.5`, `5.`. Returns `None` for malformed text (misplaced `_`, legacy octal `017`).
pub fn parse_number(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' && bytes[1].is_ascii_alphabetic() {
        let radix = match bytes[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => return None,
        };
        let digits = strip_separators(&text[2..])?;
        let mut v = 0f64;
        for c in digits.chars() {
            v = v * f64::from(radix) + f64::from(c.to_digit(radix)?);
        }
        return Some(v);
    }
    if bytes.len() > 1 && bytes[0] == b'0' && bytes[1].is_ascii_digit() {
        return None;
    }
    // Separators must sit between digits in every part.
    let mut cleaned = String::with_capacity(text.len());
    for part in text.split(['.', 'e', 'E', '+', '-']) {
        if !part.is_empty() {
            strip_separators(part)?;
        }
    }
    for c in text.chars() {
        if c != '_' {
            cleaned.push(c);
        }
    }
    if cleaned.is_empty() || cleaned == "." {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

/// Removes `_` separators, checking each sits between two digits.
fn strip_separators(digits: &str) -> Option<String> {
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    Some(digits.replace('_', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let cases = [
            ("1_000", 1000.0),
            ("1e3", 1000.0),
            ("1E-3", 0.001),
            ("0x1F", 31.0),
            ("0o17", 15.0),
            ("0b101", 5.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("0", 0.0),
            ("0.1", 0.1),
            ("1_0.2_5e1_0", 10.25e10),
        ];
        for (text, value) in cases {
            assert_eq!(parse_number(text), Some(value), "{text}");
        }
        for bad in ["1__0", "1_", "0x", "017", "0x_1", "_1"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            cook_string(r"a\nb\t\x41\u0042\u{1F600}\'").unwrap(),
            "a\nb\tAB😀'"
        );
        assert_eq!(cook_string("a\\\nb").unwrap(), "ab");
        assert_eq!(cook_string(r"\uD83D\uDE00").unwrap(), "😀");
        assert_eq!(cook_string(r"\0").unwrap(), "\0");
        assert_eq!(cook_string(r"\q").unwrap(), "q");
        assert_eq!(cook_string(r"\x4"), Err(EscapeError::InvalidHex));
        assert_eq!(cook_string(r"\u{110000}"), Err(EscapeError::OutOfRange));
        assert_eq!(cook_string(r"\07"), Err(EscapeError::Octal));
        assert_eq!(cook_string_literal("'it\\'s'").unwrap(), "it's");
        assert_eq!(cook_template("a\\`\\${b}\r\nc").unwrap(), "a`${b}\nc");
    }
}
