//! Decimal formatting: `Number::toString` (shortest round-trip digits), `toFixed`,
//! `toPrecision`, `toExponential`, and the `JSON.stringify` and `util.inspect` forms.

use super::to_integer_or_infinity;
use crate::js::RangeError;
use crate::js::bigdec::{exact_decimal, increment};

/// `Number::toString(x)` (radix 10): the shortest digits that round-trip, laid out as the
/// specification says (`1e+21`, `1e-7`, `0.000001`, `123456789012345680000`). `-0` gives `"0"`.
pub fn to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // Fast path: safe integers print as plain integers.
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        return (x as i64).to_string();
    }
    let (digits, n) = shortest(x);
    let mut out = String::with_capacity(digits.len() + 8);
    if x < 0.0 {
        out.push('-');
    }
    layout(&mut out, &digits, n);
    out
}

/// A number as `JSON.stringify` writes it: as `toString` does, but `null` for NaN and the
/// infinities.
pub fn json_number(x: f64) -> String {
    if x.is_finite() {
        to_string(x)
    } else {
        "null".into()
    }
}

/// How Node's `util.inspect` (and so `console.log`) prints a number: as `toString` does,
/// except that negative zero is `-0`.
pub fn inspect_number(x: f64) -> String {
    if x == 0.0 && x.is_sign_negative() {
        "-0".into()
    } else {
        to_string(x)
    }
}

/// Shortest round-trip digits of a finite non-zero `x` (sign ignored) and the exponent `n`
/// such that `|x| = 0.d₁d₂…dₖ × 10ⁿ`.
pub(super) fn shortest(x: f64) -> (String, i32) {
    let s = format!("{:e}", x.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    if may_tie(x)
        && let Some(even) = even_tie(x.abs(), digits.len(), exp + 1)
    {
        return (even, exp + 1);
    }
    (digits, exp + 1)
}

/// Cheap filter for [`even_tie`]: a tie needs a short exact decimal expansion, so `x` must
/// have a fractional part of at most 18 binary digits (integers never tie: a double that
/// needs rounding to fewer digits is a multiple of a power of two too large for a decimal
/// ending in 5 to lie halfway).
fn may_tie(x: f64) -> bool {
    let bits = x.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        return false;
    }
    let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let exp2 = biased - 1075 + mantissa.trailing_zeros() as i32;
    (-18..0).contains(&exp2)
}

/// The specification breaks ties between two equally near shortest candidates toward the
/// even one; Rust's formatter rounds them up. A tie needs `x` to lie exactly halfway between
/// two `len`-digit decimals, so its exact expansion has `len + 1` digits ending in 5.
/// Returns the even candidate's digits when that is the case (and it reads back as `x`).
fn even_tie(x: f64, len: usize, n: i32) -> Option<String> {
    let (mut exact, mut e) = exact_decimal(x);
    while exact.len() > 1 && exact.last() == Some(&b'0') {
        exact.pop();
        e += 1;
    }
    if exact.len() != len + 1 || exact.last() != Some(&b'5') || e + len as i32 + 1 != n {
        return None;
    }
    let mut candidate = exact[..len].to_vec();
    if candidate.last().is_some_and(|d| d % 2 == 1) && increment(&mut candidate) {
        return None;
    }
    let text: String = candidate.iter().map(|&c| c as char).collect();
    let back: f64 = format!("{text}e{}", e + 1).parse().ok()?;
    (back == x).then(|| text.trim_end_matches('0').to_string())
}

/// Lays out digits `d₁…dₖ` with exponent `n` per Number::toString steps 6–10.
pub(super) fn layout(out: &mut String, digits: &str, n: i32) {
    let k = digits.len() as i32;
    if k <= n && n <= 21 {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at(n as usize);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(digits);
    } else {
        push_exponential(out, digits, n - 1);
    }
}

/// `d[.ddd]e±x`, the exponential layout shared by toString, toPrecision and toExponential.
fn push_exponential(out: &mut String, digits: &str, e: i32) {
    let (first, rest) = digits.split_at(digits.len().min(1));
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push('e');
    out.push(if e >= 0 { '+' } else { '-' });
    out.push_str(&e.unsigned_abs().to_string());
}

/// `Number.prototype.toFixed(digits)`: `digits` is the argument after `ToNumber` (`NaN` for
/// `undefined`, meaning 0). Rounds the exact binary value half away from zero, as the spec
/// says (`(1.005).toFixed(2)` = `"1.00"`, `(2.5).toFixed(0)` = `"3"`); values with
/// `|x| ≥ 1e21` print as `toString` does.
pub fn to_fixed(x: f64, digits: f64) -> Result<String, RangeError> {
    let f = to_integer_or_infinity(digits);
    if !(0.0..=100.0).contains(&f) {
        return Err(RangeError::new(
            "toFixed() digits argument must be between 0 and 100",
        ));
    }
    if !x.is_finite() || x.abs() >= 1e21 {
        return Ok(to_string(x));
    }
    let f = f as i32;
    // Values far below half a unit of the last digit round to zero without the (long) exact
    // expansion; the margin (0.4 against 0.5) absorbs the float error of the test.
    let negligible = x.abs() * 10f64.powi(f) < 0.4;
    let (d, e) = if negligible {
        (vec![b'0'], 0)
    } else {
        exact_decimal(x)
    };
    let shift = e + f;
    let mut n: Vec<u8> = if shift >= 0 {
        let mut n = d;
        n.extend(std::iter::repeat_n(b'0', shift as usize));
        n
    } else {
        let drop = shift.unsigned_abs() as usize;
        if drop > d.len() {
            vec![b'0']
        } else {
            let keep = d.len() - drop;
            let round_up = d.get(keep).is_some_and(|&c| c >= b'5');
            let mut n = if keep == 0 {
                vec![b'0']
            } else {
                d[..keep].to_vec()
            };
            if round_up {
                increment(&mut n);
            }
            n
        }
    };
    let lead = n.iter().take_while(|&&c| c == b'0').count();
    n.drain(..lead.min(n.len() - 1));
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let f = f as usize;
    if f == 0 {
        out.extend(n.iter().map(|&c| c as char));
    } else {
        if n.len() <= f {
            let pad = f + 1 - n.len();
            n.splice(0..0, std::iter::repeat_n(b'0', pad));
        }
        let (a, b) = n.split_at(n.len() - f);
        out.extend(a.iter().map(|&c| c as char));
        out.push('.');
        out.extend(b.iter().map(|&c| c as char));
    }
    Ok(out)
}

/// The exact value of finite `x` rounded half-up to `count` significant digits: the digits
/// and the decimal exponent of the first one (`x ≈ d₁.d₂… × 10^e`).
fn round_significant(x: f64, count: usize) -> (String, i32) {
    if x == 0.0 {
        return ("0".repeat(count), 0);
    }
    let (mut d, e) = exact_decimal(x);
    let mut lead_exp = d.len() as i32 - 1 + e;
    if d.len() <= count {
        d.resize(count, b'0');
    } else {
        let round_up = d[count] >= b'5';
        d.truncate(count);
        if round_up && increment(&mut d) {
            lead_exp += 1;
            d.truncate(count);
        }
    }
    (d.iter().map(|&c| c as char).collect(), lead_exp)
}

/// `Number.prototype.toPrecision(precision)`; `None` is `undefined` (then it is `toString`).
pub fn to_precision(x: f64, precision: Option<f64>) -> Result<String, RangeError> {
    let Some(p) = precision else {
        return Ok(to_string(x));
    };
    let p = to_integer_or_infinity(p);
    if !x.is_finite() {
        return Ok(to_string(x));
    }
    if !(1.0..=100.0).contains(&p) {
        return Err(RangeError::new(
            "toPrecision() argument must be between 1 and 100",
        ));
    }
    let p = p as i32;
    let (m, e) = round_significant(x, p as usize);
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    if e < -6 || e >= p {
        push_exponential(&mut out, &m, e);
    } else if e == p - 1 {
        out.push_str(&m);
    } else if e >= 0 {
        let (a, b) = m.split_at((e + 1) as usize);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-(e + 1)) as usize));
        out.push_str(&m);
    }
    Ok(out)
}

/// `Number.prototype.toExponential(fractionDigits)`; `None` is `undefined` (as many digits as
/// needed to round-trip).
pub fn to_exponential(x: f64, fraction_digits: Option<f64>) -> Result<String, RangeError> {
    let f = to_integer_or_infinity(fraction_digits.unwrap_or(0.0));
    if !x.is_finite() {
        return Ok(to_string(x));
    }
    if !(0.0..=100.0).contains(&f) {
        return Err(RangeError::new(
            "toExponential() argument must be between 0 and 100",
        ));
    }
    let (m, e) = match fraction_digits {
        None if x == 0.0 => ("0".to_string(), 0),
        None => {
            let (digits, n) = shortest(x);
            (digits, n - 1)
        }
        Some(_) => round_significant(x, f as usize + 1),
    };
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    push_exponential(&mut out, &m, e);
    Ok(out)
}
