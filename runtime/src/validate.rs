//! Checks on caller input before it reaches SQL: names, ids, payload sizes, durations.

use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, Result};

/// Longest accepted id, name, queue, signal name or idempotency key, in characters.
pub const MAX_NAME_CHARS: usize = 256;

/// Largest accepted JSON payload (inputs, outputs, signal payloads), in bytes once serialized.
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;

/// Checks an id, name, queue or key: 1 to 256 characters, no NUL (Postgres text cannot hold it).
pub fn name(what: &'static str, s: &str) -> Result<()> {
    let chars = s.chars().count();
    if chars == 0 {
        return Err(Error::Invalid {
            what,
            reason: "must not be empty".into(),
        });
    }
    if chars > MAX_NAME_CHARS {
        return Err(Error::Invalid {
            what,
            reason: format!("{chars} characters, at most {MAX_NAME_CHARS} allowed"),
        });
    }
    if s.contains('\0') {
        return Err(Error::Invalid {
            what,
            reason: "contains a NUL character".into(),
        });
    }
    Ok(())
}

/// Checks a JSON payload: at most [`MAX_PAYLOAD_BYTES`] serialized, no NUL in any string or key
/// (Postgres `jsonb` refuses `\u0000`).
pub fn payload(what: &'static str, v: &Value) -> Result<()> {
    let size = serde_json::to_vec(v).map(|b| b.len()).unwrap_or(usize::MAX);
    if size > MAX_PAYLOAD_BYTES {
        return Err(Error::Invalid {
            what,
            reason: format!("{size} bytes of JSON, at most {MAX_PAYLOAD_BYTES} allowed"),
        });
    }
    if has_nul(v) {
        return Err(Error::Invalid {
            what,
            reason: "a string contains the NUL character (\\u0000), which Postgres cannot store"
                .into(),
        });
    }
    Ok(())
}

fn has_nul(v: &Value) -> bool {
    // Iterative, so deeply nested input cannot overflow the stack.
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if s.contains('\0') => return true,
            Value::Array(a) => stack.extend(a.iter()),
            Value::Object(o) => {
                for (k, v) in o {
                    if k.contains('\0') {
                        return true;
                    }
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    false
}

/// A duration in whole milliseconds that fits in `i32` (about 24 days).
pub fn millis_i32(what: &'static str, d: Duration) -> Result<i32> {
    i32::try_from(d.as_millis()).map_err(|_| Error::Invalid {
        what,
        reason: format!("{} ms is more than {} ms", d.as_millis(), i32::MAX),
    })
}

/// A duration in whole milliseconds that fits in `i64`.
pub fn millis_i64(what: &'static str, d: Duration) -> Result<i64> {
    i64::try_from(d.as_millis()).map_err(|_| Error::Invalid {
        what,
        reason: format!("{} ms is too long", d.as_millis()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_bounded_and_nul_free() {
        assert!(name("name", "send-email").is_ok());
        assert!(name("name", "x'; DROP TABLE rhythm_executions; --").is_ok());
        assert!(name("name", "").is_err());
        assert!(name("name", &"é".repeat(256)).is_ok());
        assert!(name("name", &"é".repeat(257)).is_err());
        assert!(name("name", "a\0b").is_err());
    }

    #[test]
    fn payloads_refuse_nul_and_huge() {
        assert!(payload("inputs", &json!({"a": [1, "x", {"b": null}]})).is_ok());
        assert!(payload("inputs", &json!({"a": ["x\u{0}"]})).is_err());
        assert!(payload("inputs", &json!({"k\u{0}": 1})).is_err());
        let huge = Value::String("x".repeat(MAX_PAYLOAD_BYTES));
        let err = payload("inputs", &huge).unwrap_err().to_string();
        assert!(err.contains("at most"), "{err}");
    }

    #[test]
    fn durations_fit() {
        assert_eq!(millis_i32("timeout", Duration::from_secs(2)).unwrap(), 2000);
        assert!(millis_i32("timeout", Duration::from_secs(u64::from(u32::MAX))).is_err());
    }
}
