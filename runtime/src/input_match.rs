//! The `--where` grammar of `rhythm list`: a match on an execution's inputs, turned into a
//! JSON document for a bound `inputs @> $n::jsonb` containment test. The text never reaches
//! SQL; only the document built from it does, as a parameter.
//!
//! ```text
//! where  = clause ("and" clause)*
//! clause = path "=" JSON
//! path   = field ("." field)*
//! field  = identifier | JSON string        identifier = [A-Za-z_$][A-Za-z0-9_$-]*
//! ```
//!
//! Whitespace may surround every token; `and` is a keyword (lowercase) and must be followed by
//! whitespace. `a.b = 1 and c = "x"` becomes `{"a": {"b": 1}, "c": "x"}`. For scalars `=` is
//! equality (JSON numbers compare by value: `1` matches `1.0`); for arrays and objects it is
//! containment, as `@>` defines it (`tags = ["x"]` matches inputs whose `tags` holds `"x"`).
//! Anything else is refused with the character position of the first thing that does not fit.

use serde_json::{Map, Value};

/// Deepest accepted field path (`a.b.c` is 3).
pub const MAX_PATH_DEPTH: usize = 32;

/// Why a `--where` text was refused: what was expected, at which character (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {column}: {message}")]
pub struct WhereError {
    /// 1-based character position of the first character that does not fit.
    pub column: usize,
    /// What was expected or found there.
    pub message: String,
}

/// Parses a `--where` text into the JSON document the inputs must contain.
pub fn parse_where(text: &str) -> Result<Value, WhereError> {
    let mut p = Parser { text, pos: 0 };
    let mut doc = Map::new();
    loop {
        p.skip_ws();
        let start = p.pos;
        let path = p.path()?;
        p.skip_ws();
        if !p.eat("=") {
            return Err(p.error("expected `=` after the field name"));
        }
        p.skip_ws();
        let value = p.json()?;
        merge(&mut doc, &path, value).map_err(|m| p.error_at(start, m))?;
        p.skip_ws();
        if p.at_end() {
            break;
        }
        let and_at = p.pos;
        if !p.eat("and") {
            return Err(p.error("expected `and` or the end"));
        }
        if !p.rest().starts_with(char::is_whitespace) {
            return Err(p.error_at(and_at, "expected `and` followed by a space".into()));
        }
    }
    Ok(Value::Object(doc))
}

/// Puts `value` at `path` in `doc`, refusing a path given twice or inside another's value.
fn merge(doc: &mut Map<String, Value>, path: &[String], value: Value) -> Result<(), String> {
    let dotted = path.join(".");
    let (last, parents) = path
        .split_last()
        .ok_or_else(|| "expected a field name".to_owned())?;
    let mut here = doc;
    for field in parents {
        let slot = here
            .entry(field.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        here = match slot {
            Value::Object(m) => m,
            _ => return Err(format!("`{dotted}` overlaps a field already given")),
        };
    }
    if here.contains_key(last) {
        return Err(format!(
            "`{dotted}` is given twice or overlaps another field"
        ));
    }
    here.insert(last.clone(), value);
    Ok(())
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn error(&self, message: &str) -> WhereError {
        let found = match self.rest().chars().next() {
            None => "the end".to_owned(),
            Some(c) => format!("`{c}`"),
        };
        self.error_at(self.pos, format!("{message}, found {found}"))
    }

    fn error_at(&self, at: usize, message: String) -> WhereError {
        WhereError {
            column: self.text[..at].chars().count() + 1,
            message,
        }
    }

    fn path(&mut self) -> Result<Vec<String>, WhereError> {
        let mut path = vec![self.field()?];
        while self.eat(".") {
            if path.len() == MAX_PATH_DEPTH {
                return Err(self.error_at(
                    self.pos,
                    format!("the field path is deeper than {MAX_PATH_DEPTH}"),
                ));
            }
            path.push(self.field()?);
        }
        Ok(path)
    }

    fn field(&mut self) -> Result<String, WhereError> {
        if self.rest().starts_with('"') {
            let start = self.pos;
            return match self.json()? {
                Value::String(s) => Ok(s),
                _ => Err(self.error_at(start, "expected a field name".into())),
            };
        }
        let ident_len = self
            .rest()
            .char_indices()
            .find(|&(i, c)| {
                let ok = c.is_ascii_alphabetic() || c == '_' || c == '$';
                !(ok || (i > 0 && (c.is_ascii_digit() || c == '-')))
            })
            .map_or(self.rest().len(), |(i, _)| i);
        if ident_len == 0 {
            return Err(
                self.error("expected a field name (letters, digits, _, $, - or a \"quoted\" name)")
            );
        }
        let field = self.rest()[..ident_len].to_owned();
        self.pos += ident_len;
        Ok(field)
    }

    /// One JSON value (serde_json's grammar, its nesting limit), ending at a space or the end.
    fn json(&mut self) -> Result<Value, WhereError> {
        let start = self.pos;
        let mut values = serde_json::Deserializer::from_str(self.rest()).into_iter::<Value>();
        let value = match values.next() {
            Some(Ok(v)) => v,
            None => return Err(self.error("expected a JSON value")),
            Some(Err(e)) => {
                let at = self.byte_of(e.line(), e.column());
                // The position is ours; keep serde_json's reason only.
                let text = e.to_string();
                let reason = text
                    .rfind(" at line ")
                    .map_or(text.as_str(), |i| &text[..i]);
                if reason == "trailing characters" {
                    // A number runs into what follows it (`1;`): same refusal as after a string.
                    self.pos = at;
                    return Err(self.error("expected a space or the end after the value"));
                }
                return Err(self.error_at(at, format!("expected a JSON value ({reason})")));
            }
        };
        self.pos = start + values.byte_offset();
        if !(self.at_end() || self.rest().starts_with(char::is_whitespace)) {
            return Err(self.error("expected a space or the end after the value"));
        }
        Ok(value)
    }

    /// The byte offset in the text of a serde_json (line, column) position in the rest.
    fn byte_of(&self, line: usize, column: usize) -> usize {
        let rest = self.rest();
        let mut offset = 0;
        for (n, l) in rest.split_inclusive('\n').enumerate() {
            if n + 1 == line {
                let col = l
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(l.len(), |(i, _)| i);
                return self.pos + offset + col;
            }
            offset += l.len();
        }
        self.pos + rest.len()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn err(text: &str) -> String {
        parse_where(text).unwrap_err().to_string()
    }

    #[test]
    fn clauses_become_one_document() {
        assert_eq!(
            parse_where(r#"userId = "u1""#).unwrap(),
            json!({"userId": "u1"})
        );
        assert_eq!(
            parse_where(r#" order.total = 12.5 and order.paid=true and "odd key" = null "#)
                .unwrap(),
            json!({"order": {"total": 12.5, "paid": true}, "odd key": null})
        );
        assert_eq!(
            parse_where(r#"tags = ["a", "b"] and meta = {"x": 1}"#).unwrap(),
            json!({"tags": ["a", "b"], "meta": {"x": 1}})
        );
        assert_eq!(
            parse_where("user-id = 3 and $v = -1").unwrap(),
            json!({"user-id": 3, "$v": -1})
        );
    }

    #[test]
    fn refusals_name_the_position() {
        assert_eq!(
            err(""),
            "at character 1: expected a field name (letters, digits, _, $, - or a \"quoted\" name), found the end"
        );
        assert_eq!(
            err("userId"),
            "at character 7: expected `=` after the field name, found the end"
        );
        assert_eq!(
            err("userId = u1"),
            "at character 10: expected a JSON value (expected value)"
        );
        assert_eq!(
            err(r#"a = 1 or b = 2"#),
            "at character 7: expected `and` or the end, found `o`"
        );
        assert_eq!(
            err(r#"a = 1 andb = 2"#),
            "at character 7: expected `and` followed by a space"
        );
        assert_eq!(
            err(r#"a = 1 and a = 2"#),
            "at character 11: `a` is given twice or overlaps another field"
        );
        assert_eq!(
            err(r#"a = 1 and a.b = 2"#),
            "at character 11: `a.b` overlaps a field already given"
        );
        assert_eq!(
            err(r#"a.b = 1 and a = 2"#),
            "at character 13: `a` is given twice or overlaps another field"
        );
        assert_eq!(
            err(r#"a = "x"; drop table t"#),
            "at character 8: expected a space or the end after the value, found `;`"
        );
        assert_eq!(
            err("a = 1;"),
            "at character 6: expected a space or the end after the value, found `;`"
        );
        assert_eq!(
            err(r#"a > 1"#),
            "at character 3: expected `=` after the field name, found `>`"
        );
        assert_eq!(
            err(r#"é = 1"#),
            "at character 1: expected a field name (letters, digits, _, $, - or a \"quoted\" name), found `é`"
        );
        assert_eq!(
            err(r#"a = [1,"#),
            "at character 7: expected a JSON value (EOF while parsing a value)"
        );
    }

    #[test]
    fn deep_paths_are_refused() {
        let deep = vec!["a"; MAX_PATH_DEPTH + 1].join(".");
        assert!(err(&format!("{deep} = 1")).contains("deeper than 32"));
        let ok = vec!["a"; MAX_PATH_DEPTH].join(".");
        assert!(parse_where(&format!("{ok} = 1")).is_ok());
    }
}
