//! Every function against Node's answers (`../testdata/strings.json`) and properties.

use super::*;
use crate::js::RangeError;
use serde_json::Value;

fn table(name: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!("../testdata/strings.json")).unwrap();
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
