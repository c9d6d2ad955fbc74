//! `JSON.parse`: a strict JSON parser building heap values directly, with V8's error
//! messages for the common mistakes and numbers parsed as JavaScript does (`1e400` is
//! `Infinity`).

use super::{Exc, Machine};
use crate::value::{Obj, Props, Str, Value};

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 5000;

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

enum Frame {
    Array(Vec<Value>),
    Object(Props, Str),
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn unexpected(&self) -> String {
        match self.text[self.i.min(self.text.len())..].chars().next() {
            None => "Unexpected end of JSON input".into(),
            Some(c) => format!(
                "Unexpected token '{c}', \"{}\" is not valid JSON",
                shorten(self.text)
            ),
        }
    }

    fn at_msg(&self, what: &str) -> String {
        if self.i >= self.b.len() {
            return "Unexpected end of JSON input".into();
        }
        format!("{what} in JSON at position {}", self.i)
    }

    fn string(&mut self) -> Result<String, String> {
        // Assumes b[i] == '"'.
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return Err(format!("Unterminated string in JSON at position {}", self.i));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else {
                        return Err(format!("Unterminated string in JSON at position {}", self.i));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let mut units = vec![self.hex4()?];
                            if (0xD800..0xDC00).contains(&units[0])
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                self.i += 2;
                                units.push(self.hex4()?);
                            }
                            out.push_str(&String::from_utf16_lossy(&units));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(format!("Bad escaped character in JSON at position {}", self.i));
                        }
                    }
                }
                c if c < 0x20 => {
                    return Err(format!("Bad control character in string literal in JSON at position {}", self.i));
                }
                _ => {
                    let start = self.i;
                    while self.b.get(self.i).is_some_and(|c| *c != b'"' && *c != b'\\' && *c >= 0x20) {
                        self.i += 1;
                    }
                    out.push_str(&self.text[start..self.i]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u16, String> {
        let h = self.text.get(self.i..self.i + 4).unwrap_or("");
        match u16::from_str_radix(h, 16) {
            Ok(v) if h.len() == 4 && h.bytes().all(|c| c.is_ascii_hexdigit()) => {
                self.i += 4;
                Ok(v)
            }
            _ => Err(format!("Bad Unicode escape in JSON at position {}", self.i)),
        }
    }

    fn number(&mut self) -> Result<f64, String> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => {
                self.i += 1;
                if self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                    return Err(format!("Unexpected number in JSON at position {}", self.i));
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
            }
            _ => return Err(if self.i >= self.b.len() {
                "Unexpected end of JSON input".into()
            } else {
                format!("No number after minus sign in JSON at position {}", self.i)
            }),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.at_msg("Unterminated fractional number"));
            }
            while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.at_msg("Exponent part is missing a number"));
            }
            while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }
        Ok(crate::js::number::string_to_number(&self.text[start..self.i]))
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        if self.text[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(v)
        } else {
            // Node reports the first character that differs.
            let mut j = 0;
            while self.b.get(self.i + j) == word.as_bytes().get(j) {
                j += 1;
            }
            self.i += j;
            Err(self.unexpected())
        }
    }
}

fn shorten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 32 {
        text.to_string()
    } else {
        let head: String = chars[..10].iter().collect();
        let tail: String = chars[chars.len() - 10..].iter().collect();
        format!("{head}...{tail}")
    }
}

impl Machine<'_> {
    /// `JSON.parse(text)`.
    pub fn parse_json(&mut self, text: &str) -> Result<Value, Exc> {
        match self.parse_json_inner(text) {
            Ok(v) => Ok(v),
            Err(msg) => Err(self.error("SyntaxError", msg)),
        }
    }

    fn parse_json_inner(&mut self, text: &str) -> Result<Value, String> {
        let mut p = Parser {
            text,
            b: text.as_bytes(),
            i: 0,
            depth: 0,
        };
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            p.ws();
            let mut v = match p.b.get(p.i) {
                Some(b'{') => {
                    p.i += 1;
                    p.ws();
                    if p.b.get(p.i) == Some(&b'}') {
                        p.i += 1;
                        Value::Object(self.s.heap.alloc(Obj::Object(Props::default())))
                    } else if p.b.get(p.i) == Some(&b'"') {
                        let k = p.string()?;
                        p.ws();
                        if p.b.get(p.i) != Some(&b':') {
                            return Err(p.at_msg("Expected ':' after property name"));
                        }
                        p.i += 1;
                        p.depth += 1;
                        if p.depth > MAX_DEPTH {
                            return Err("Maximum call stack size exceeded".into());
                        }
                        stack.push(Frame::Object(Props::default(), Str::from(k)));
                        continue 'value;
                    } else {
                        return Err(p.at_msg("Expected property name or '}'"));
                    }
                }
                Some(b'[') => {
                    p.i += 1;
                    p.ws();
                    if p.b.get(p.i) == Some(&b']') {
                        p.i += 1;
                        self.new_array(Vec::new())
                    } else {
                        p.depth += 1;
                        if p.depth > MAX_DEPTH {
                            return Err("Maximum call stack size exceeded".into());
                        }
                        stack.push(Frame::Array(Vec::new()));
                        continue 'value;
                    }
                }
                Some(b'"') => Value::str(&p.string()?),
                Some(b't') => p.literal("true", Value::Bool(true))?,
                Some(b'f') => p.literal("false", Value::Bool(false))?,
                Some(b'n') => p.literal("null", Value::Null)?,
                Some(c) if *c == b'-' || c.is_ascii_digit() => Value::Number(p.number()?),
                _ => return Err(p.unexpected()),
            };
            // Attach the finished value to its container(s).
            loop {
                match stack.last_mut() {
                    None => {
                        p.ws();
                        if p.i < p.b.len() {
                            return Err(p.at_msg("Unexpected non-whitespace character after JSON"));
                        }
                        return Ok(v);
                    }
                    Some(Frame::Array(items)) => {
                        items.push(v);
                        p.ws();
                        match p.b.get(p.i) {
                            Some(b',') => {
                                p.i += 1;
                                continue 'value;
                            }
                            Some(b']') => {
                                p.i += 1;
                                p.depth -= 1;
                                let items = match stack.pop() {
                                    Some(Frame::Array(items)) => items,
                                    _ => Vec::new(),
                                };
                                v = self.new_array(items);
                            }
                            _ => return Err(p.at_msg("Expected ',' or ']' after array element")),
                        }
                    }
                    Some(Frame::Object(props, key)) => {
                        props.set(key.clone(), v);
                        p.ws();
                        match p.b.get(p.i) {
                            Some(b',') => {
                                p.i += 1;
                                p.ws();
                                if p.b.get(p.i) != Some(&b'"') {
                                    return Err(p.at_msg("Expected double-quoted property name"));
                                }
                                let k = p.string()?;
                                p.ws();
                                if p.b.get(p.i) != Some(&b':') {
                                    return Err(p.at_msg("Expected ':' after property name"));
                                }
                                p.i += 1;
                                *key = Str::from(k);
                                continue 'value;
                            }
                            Some(b'}') => {
                                p.i += 1;
                                p.depth -= 1;
                                let props = match stack.pop() {
                                    Some(Frame::Object(props, _)) => props,
                                    _ => Props::default(),
                                };
                                v = Value::Object(self.s.heap.alloc(Obj::Object(props)));
                            }
                            _ => {
                                return Err(p.at_msg("Expected ',' or '}' after property value"));
                            }
                        }
                    }
                }
            }
        }
    }
}
