//! Comparing JSON values the way a test means it: numbers by value (`42` equals `42.0`),
//! objects by keys regardless of order, and subset matching for errors.

use rhythm_interpreter::effects::Json;

/// Exact equality, numbers compared by value and object keys in any order.
pub fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Whether `actual` has every field of `expected` (objects recursively; other values equal).
pub fn json_subset(expected: &Json, actual: &Json) -> bool {
    match (expected, actual) {
        (Json::Object(e), Json::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|w| json_subset(v, w))),
        _ => json_eq(expected, actual),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_by_value() {
        let float: Json = serde_json::from_str("42.0").unwrap();
        assert!(json_eq(&json!(42), &float));
        assert!(!json_eq(&json!(42), &json!(43)));
        assert!(json_eq(
            &json!({ "a": 1, "b": [1, 2] }),
            &json!({ "b": [1.0, 2], "a": 1 })
        ));
        assert!(!json_eq(&json!({ "a": 1 }), &json!({ "a": 1, "b": null })));
    }

    #[test]
    fn subsets() {
        let actual = json!({ "type": "TaskFailed", "message": "m", "cause": { "type": "Timeout", "message": "x" } });
        assert!(json_subset(&json!({ "type": "TaskFailed" }), &actual));
        assert!(json_subset(
            &json!({ "cause": { "type": "Timeout" } }),
            &actual
        ));
        assert!(!json_subset(&json!({ "type": "Timeout" }), &actual));
        assert!(!json_subset(&json!({ "missing": 1 }), &actual));
    }
}
