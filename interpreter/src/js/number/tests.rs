//! Every function against Node's answers (`../testdata/numbers.json`) and properties.

use super::format::{layout, shortest};
use super::*;
use crate::js::RangeError;
use proptest::prelude::*;
use serde_json::Value;

fn table(name: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!("../testdata/numbers.json")).unwrap();
    all[name].as_array().unwrap().clone()
}

fn num(v: &Value) -> f64 {
    f64::from_bits(u64::from_str_radix(v.as_str().unwrap(), 16).unwrap())
}

/// An argument column: a number, `"NaN"`/`"Infinity"`/`"-Infinity"`, or null (undefined).
fn opt_num(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.parse::<f64>().unwrap()),
        n => Some(n.as_f64().unwrap()),
    }
}

/// Node's result: a string, or `{ "error": "RangeError: ..." }`.
fn expected(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(other["error"].as_str().unwrap().to_string()),
    }
}

fn ours(r: Result<String, RangeError>) -> Result<String, String> {
    r.map_err(|e| format!("RangeError: {e}"))
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn to_string_matches_node() {
    let rows = table("toString");
    assert!(rows.len() > 2000);
    for row in rows {
        let x = num(&row[0]);
        assert_eq!(to_string(x), row[1].as_str().unwrap(), "{x:e}");
    }
}

#[test]
fn radix_matches_node() {
    for row in table("radix") {
        let x = num(&row[0]);
        let r = opt_num(&row[1]).unwrap();
        assert_eq!(
            ours(to_string_radix(x, r)),
            expected(&row[2]),
            "{x:e} radix {r}"
        );
    }
}

#[test]
fn to_fixed_matches_node() {
    for row in table("toFixed") {
        let x = num(&row[0]);
        let f = opt_num(&row[1]).unwrap();
        assert_eq!(
            ours(to_fixed(x, f)),
            expected(&row[2]),
            "{x:e} toFixed({f})"
        );
    }
}

#[test]
fn to_precision_and_exponential_match_node() {
    for row in table("toPrecision") {
        let x = num(&row[0]);
        let p = opt_num(&row[1]);
        assert_eq!(
            ours(to_precision(x, p)),
            expected(&row[2]),
            "{x:e} toPrecision({p:?})"
        );
    }
    for row in table("toExponential") {
        let x = num(&row[0]);
        let p = opt_num(&row[1]);
        assert_eq!(
            ours(to_exponential(x, p)),
            expected(&row[2]),
            "{x:e} toExponential({p:?})"
        );
    }
}

#[test]
fn string_to_number_and_parse_float_match_node() {
    for row in table("stringToNumber") {
        let s = row[0].as_str().unwrap();
        let want = num(&row[1]);
        let got = string_to_number(s);
        assert!(same(got, want), "Number({s:?}) = {got:e}, Node {want:e}");
    }
    for row in table("parseFloat") {
        let s = row[0].as_str().unwrap();
        let want = num(&row[1]);
        let got = parse_float(s);
        assert!(
            same(got, want),
            "parseFloat({s:?}) = {got:e}, Node {want:e}"
        );
    }
}

#[test]
fn parse_int_matches_node() {
    for row in table("parseInt") {
        let s = row[0].as_str().unwrap();
        let r = opt_num(&row[1]);
        let want = num(&row[2]);
        let got = parse_int(s, r);
        assert!(
            same(got, want),
            "parseInt({s:?}, {r:?}) = {got:e}, Node {want:e}"
        );
    }
}

#[test]
fn int32_and_inspect_match_node() {
    for row in table("toInt32") {
        let x = num(&row[0]);
        assert_eq!(i64::from(to_int32(x)), row[1].as_i64().unwrap(), "{x:e}|0");
        assert_eq!(
            i64::from(to_uint32(x)),
            row[2].as_i64().unwrap(),
            "{x:e}>>>0"
        );
    }
    for row in table("inspect") {
        let x = num(&row[0]);
        assert_eq!(inspect_number(x), row[1].as_str().unwrap());
    }
}

#[test]
fn layout_edges() {
    assert_eq!(to_string(1e21), "1e+21");
    assert_eq!(to_string(1e20), "100000000000000000000");
    assert_eq!(to_string(1e-7), "1e-7");
    assert_eq!(to_string(1.5e-6), "0.0000015");
    assert_eq!(to_string(-0.0), "0");
    assert_eq!(inspect_number(-0.0), "-0");
    assert_eq!(to_string(0.1 + 0.2), "0.30000000000000004");
    // Exactly halfway between two 17-digit candidates: the even one wins.
    assert_eq!(to_string(-2_188_410_760_879_600.2), "-2188410760879600.2");
    assert_eq!(to_string(2_816_752_562_498.031_2), "2816752562498.0312");
    assert_eq!(to_string(981_749_545_459_544.2), "981749545459544.2");
    assert_eq!(to_string(0.5), "0.5");
    assert_eq!(to_string(2.5), "2.5");
    assert_eq!(to_fixed(1.005, 2.0).unwrap(), "1.00");
    assert_eq!(to_fixed(-1e-10, 2.0).unwrap(), "-0.00");
    assert_eq!(to_fixed(-0.0, 2.0).unwrap(), "0.00");
    assert_eq!(to_fixed(1e21, 2.0).unwrap(), "1e+21");
    assert_eq!(to_string_radix(255.5, 16.0).unwrap(), "ff.8");
    assert_eq!(to_string_radix(-0.0, 2.0).unwrap(), "0");
}

#[test]
fn string_to_number_edges() {
    assert_eq!(string_to_number(""), 0.0);
    assert_eq!(string_to_number(" \n\u{feff}"), 0.0);
    assert!(string_to_number("-0").is_sign_negative());
    assert!(string_to_number("1_000").is_nan());
    assert!(string_to_number("-0x10").is_nan());
    assert_eq!(string_to_number("0b101"), 5.0);
    assert!(parse_int("-0", None).is_sign_negative());
    assert_eq!(parse_int("0x1A", Some(16.0)), 26.0);
    assert!(parse_int("0x1A", Some(10.0)) == 0.0);
    assert!(parse_int("12", Some(1.0)).is_nan());
    assert_eq!(parse_float("  -.5e1x"), -5.0);
    assert_eq!(parse_float("1e"), 1.0);
    assert!(parse_float(".").is_nan());
}

#[test]
fn array_indices() {
    assert_eq!(is_array_index("0"), Some(0));
    assert_eq!(is_array_index("4294967294"), Some(4_294_967_294));
    assert_eq!(is_array_index("4294967295"), None);
    assert_eq!(is_array_index("99999999999"), None);
    assert_eq!(is_array_index("01"), None);
    assert_eq!(is_array_index("-1"), None);
    assert_eq!(is_array_index("1.0"), None);
    assert_eq!(is_array_index(""), None);
    assert_eq!(is_array_index("+1"), None);
    assert_eq!(number_to_key(-0.0), "0");
    assert_eq!(number_to_index(-0.0), Some(0));
    assert_eq!(number_to_index(4_294_967_294.0), Some(4_294_967_294));
    assert_eq!(number_to_index(4_294_967_295.0), None);
    assert_eq!(number_to_index(1.5), None);
    assert_eq!(number_to_index(-1.0), None);
    assert_eq!(number_to_index(f64::NAN), None);
    assert_eq!(json_number(f64::INFINITY), "null");
    assert_eq!(json_number(-0.0), "0");
    assert_eq!(number_to_key(1.5), "1.5");
}

proptest! {
    #[test]
    fn to_string_round_trips(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        let back = string_to_number(&to_string(x));
        if x == 0.0 {
            // -0 prints as "0", which reads back as +0.
            prop_assert_eq!(back.to_bits(), 0);
        } else {
            prop_assert_eq!(back.to_bits(), x.to_bits());
        }
    }

    #[test]
    fn number_to_index_agrees_with_keys(x in proptest::num::f64::ANY) {
        prop_assert_eq!(number_to_index(x), is_array_index(&number_to_key(x)));
    }

    #[test]
    fn integer_fast_path_agrees(i in -(1i64 << 53)..(1i64 << 53)) {
        let x = i as f64;
        let (digits, n) = shortest(x.abs().max(1.0));
        let mut slow = String::new();
        if x < 0.0 { slow.push('-'); }
        if x == 0.0 { slow.push('0'); } else { layout(&mut slow, &digits, n); }
        prop_assert_eq!(to_string(x), slow);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,30}", r in proptest::option::of(-40.0f64..40.0)) {
        let _ = string_to_number(&s);
        let _ = parse_float(&s);
        let _ = parse_int(&s, r);
        let _ = is_array_index(&s);
    }

    #[test]
    fn formatters_never_panic(bits in any::<u64>(), d in -5.0f64..105.0) {
        let x = f64::from_bits(bits);
        let _ = to_fixed(x, d);
        let _ = to_precision(x, Some(d));
        let _ = to_exponential(x, Some(d));
        let _ = to_string_radix(x, d);
    }
}
