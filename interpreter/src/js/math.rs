//! `Math` functions and the `**` operator with JavaScript's results, bit for bit where Node's
//! are reproducible: rounding (`Math.round(-0.5)` is `-0`), `max`/`min` (NaN wins, `+0 > -0`),
//! `sign`, and `exp`/`log`/`pow` from fdlibm exactly as V8 computes them, rather than the
//! platform's libm, whose last bits differ (`Math.log(3)` among them).

/// `Math.round(x)`: the closest integer, ties toward +∞; `-0` for `-0.5 ≤ x < 0`.
pub fn round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let r = x.floor();
    let r = if x - r >= 0.5 { r + 1.0 } else { r };
    if r == 0.0 && x < 0.0 { -0.0 } else { r }
}

/// `Math.floor(x)`.
pub fn floor(x: f64) -> f64 {
    x.floor()
}

/// `Math.ceil(x)` (`Math.ceil(-0.5)` is `-0`).
pub fn ceil(x: f64) -> f64 {
    x.ceil()
}

/// `Math.trunc(x)`.
pub fn trunc(x: f64) -> f64 {
    x.trunc()
}

/// `Math.sign(x)`: -1, 1, or `x` itself for ±0 and NaN.
pub fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}

/// `Math.abs(x)`.
pub fn abs(x: f64) -> f64 {
    x.abs()
}

/// `Math.sqrt(x)` (correctly rounded everywhere).
pub fn sqrt(x: f64) -> f64 {
    x.sqrt()
}

/// `Math.max(...values)`: `-Infinity` for none, NaN if any is NaN, `+0` over `-0`.
pub fn max(values: &[f64]) -> f64 {
    let mut r = f64::NEG_INFINITY;
    for &v in values {
        if v.is_nan() {
            return f64::NAN;
        }
        if v > r || (v == 0.0 && r == 0.0 && r.is_sign_negative()) {
            r = v;
        }
    }
    r
}

/// `Math.min(...values)`: `Infinity` for none, NaN if any is NaN, `-0` under `+0`.
pub fn min(values: &[f64]) -> f64 {
    let mut r = f64::INFINITY;
    for &v in values {
        if v.is_nan() {
            return f64::NAN;
        }
        if v < r || (v == 0.0 && r == 0.0 && v.is_sign_negative()) {
            r = v;
        }
    }
    r
}

/// `Math.exp(x)` (fdlibm, with V8's `exp(1) === Math.E`).
pub fn exp(x: f64) -> f64 {
    if x == 1.0 {
        return std::f64::consts::E;
    }
    libm::exp(x)
}

/// `Math.log(x)` (fdlibm, as V8).
pub fn log(x: f64) -> f64 {
    super::fdlibm::log(x)
}

/// `base ** exponent` and `Math.pow`: NaN exponent gives NaN, `(±1) ** ±Infinity` is NaN
/// (unlike IEEE), otherwise fdlibm's `pow` as V8 computes it.
pub fn pow(base: f64, exponent: f64) -> f64 {
    if exponent.is_nan() || (exponent.is_infinite() && base.abs() == 1.0) {
        return f64::NAN;
    }
    super::fdlibm::pow(base, exponent)
}

/// The `%` operator: the remainder with the dividend's sign (C's `fmod`, which Rust's `%`
/// on `f64` is).
pub fn rem(a: f64, b: f64) -> f64 {
    a % b
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn table() -> Value {
        serde_json::from_str(include_str!("testdata/math.json")).unwrap()
    }

    fn num(v: &Value) -> f64 {
        f64::from_bits(u64::from_str_radix(v.as_str().unwrap(), 16).unwrap())
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn unary_functions_match_node() {
        let t = table();
        type Unary = fn(f64) -> f64;
        let fs: [(&str, Unary); 9] = [
            ("round", round),
            ("floor", floor),
            ("ceil", ceil),
            ("trunc", trunc),
            ("sign", sign),
            ("abs", abs),
            ("sqrt", sqrt),
            ("exp", exp),
            ("log", log),
        ];
        for (name, f) in fs {
            let rows = t["unary"][name].as_array().unwrap();
            assert!(rows.len() > 100);
            for r in rows {
                let x = num(&r[0]);
                assert!(same(f(x), num(&r[1])), "Math.{name}({x:e})");
            }
        }
    }

    #[test]
    fn min_max_rem_match_node() {
        for r in table()["minmax"].as_array().unwrap() {
            let (a, b) = (num(&r[0]), num(&r[1]));
            assert!(same(max(&[a, b]), num(&r[2])), "max({a}, {b})");
            assert!(same(min(&[a, b]), num(&r[3])), "min({a}, {b})");
            assert!(same(rem(a, b), num(&r[4])), "{a} % {b}");
        }
        assert_eq!(max(&[]), f64::NEG_INFINITY);
        assert_eq!(min(&[]), f64::INFINITY);
    }

    #[test]
    fn pow_matches_node() {
        let rows = table()["pow"].as_array().unwrap().clone();
        assert!(rows.len() > 1000);
        for r in &rows {
            let (b, e, want) = (num(&r[0]), num(&r[1]), num(&r[2]));
            let got = pow(b, e);
            assert!(same(got, want), "{b:e} ** {e:e} = {got:e}, Node {want:e}");
        }
    }

    #[test]
    fn rounding_edges() {
        assert!(round(-0.5).is_sign_negative());
        assert_eq!(round(2.5), 3.0);
        assert_eq!(round(-2.5), -2.0);
        assert_eq!(round(0.499_999_999_999_999_94), 0.0);
        assert_eq!(round(4_503_599_627_370_497.0), 4_503_599_627_370_497.0);
        assert!(sign(-0.0).is_sign_negative());
        assert!(max(&[-0.0, 0.0]).is_sign_positive());
        assert!(min(&[0.0, -0.0]).is_sign_negative());
        assert!(pow(1.0, f64::INFINITY).is_nan());
        assert!(pow(1.0, f64::NAN).is_nan());
        assert_eq!(pow(f64::NAN, 0.0), 1.0);
        assert_eq!(exp(1.0), std::f64::consts::E);
    }

    proptest::proptest! {
        #[test]
        fn never_panic(a in proptest::num::f64::ANY, b in proptest::num::f64::ANY) {
            let _ = (pow(a, b), log(a), exp(a), round(a), max(&[a, b]), min(&[a, b]), rem(a, b));
        }

        #[test]
        fn round_is_floor_of_half_up(x in -1e15f64..1e15) {
            let r = round(x);
            proptest::prop_assert!(r <= x + 0.5 && r > x - 0.5);
            proptest::prop_assert_eq!(r.fract(), 0.0);
        }
    }
}
