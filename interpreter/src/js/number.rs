//! Numbers: `Number::toString` (shortest round-trip digits, radix 2–36), `toFixed`,
//! `toPrecision`, `toExponential`, `Number(string)`, `parseInt`, `parseFloat`, the integer
//! conversions and property-key helpers. Every function is total: it never panics.

use super::bigdec::{exact_decimal, increment};
use super::{RangeError, is_js_whitespace};

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

/// The property key a number becomes (`obj[1.5]` is `obj["1.5"]`, `obj[-0]` is `obj["0"]`).
pub fn number_to_key(x: f64) -> String {
    to_string(x)
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

/// The array index a number denotes as a property key (`a[2]`, `a[-0]` → 0), if it is one:
/// an integer in 0..=2³²−2. The fast path of `is_array_index(&number_to_key(x))`.
pub fn number_to_index(x: f64) -> Option<u32> {
    if x.fract() == 0.0 && (0.0..4_294_967_295.0).contains(&x) {
        Some(x as u32)
    } else {
        None
    }
}

/// Shortest round-trip digits of a finite non-zero `x` (sign ignored) and the exponent `n`
/// such that `|x| = 0.d₁d₂…dₖ × 10ⁿ`.
fn shortest(x: f64) -> (String, i32) {
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
fn layout(out: &mut String, digits: &str, n: i32) {
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

const DIGIT_CHARS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// `Number.prototype.toString(radix)`. `radix` is the argument after `ToNumber` (pass `10.0`
/// for `undefined`); it is truncated and must lie in 2..=36. Non-decimal radices use V8's
/// algorithm (`DoubleToRadixCString`), so fractions print exactly as in Node:
/// `(0.1).toString(2)`, `(255.5).toString(16)` = `"ff.8"`.
pub fn to_string_radix(x: f64, radix: f64) -> Result<String, RangeError> {
    let r = to_integer_or_infinity(radix);
    if !(2.0..=36.0).contains(&r) {
        return Err(RangeError::new(
            "toString() radix argument must be between 2 and 36",
        ));
    }
    let radix = r as u32;
    if radix == 10 || !x.is_finite() {
        return Ok(to_string(x));
    }
    if x == 0.0 {
        return Ok("0".into());
    }
    Ok(radix_string(x, radix))
}

/// Port of V8's `DoubleToRadixCString` for finite non-zero `value`.
fn radix_string(value: f64, radix: u32) -> String {
    let negative = value < 0.0;
    let value = value.abs();
    let rf = f64::from(radix);
    let mut integer = value.floor();
    let mut fraction = value - integer;
    let mut delta = (0.5 * (value.next_up() - value)).max(0.0f64.next_up());
    let mut frac_digits: Vec<u8> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= rf;
            delta *= rf;
            let digit = fraction as u32;
            frac_digits.push(digit as u8);
            fraction -= f64::from(digit);
            if (fraction > 0.5 || (fraction == 0.5 && (digit & 1) == 1)) && fraction + delta > 1.0 {
                // Round up, propagating the carry through the written digits.
                loop {
                    match frac_digits.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(d) => {
                            if u32::from(d) + 1 < radix {
                                frac_digits.push(d + 1);
                                break;
                            }
                        }
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    // Integer digits; those below the double's precision are written as zeros.
    let mut int_digits: Vec<u8> = Vec::new();
    while binary_exponent(integer / rf) > 0 {
        integer /= rf;
        int_digits.push(b'0');
    }
    loop {
        let remainder = integer % rf;
        int_digits.push(DIGIT_CHARS[(remainder as usize).min(35)]);
        integer = (integer - remainder) / rf;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::with_capacity(int_digits.len() + frac_digits.len() + 2);
    if negative {
        out.push('-');
    }
    out.extend(int_digits.iter().rev().map(|&b| b as char));
    if !frac_digits.is_empty() {
        out.push('.');
        out.extend(
            frac_digits
                .iter()
                .map(|&d| DIGIT_CHARS[usize::from(d).min(35)] as char),
        );
    }
    out
}

/// V8's `Double::Exponent`: `x = significand × 2^exponent` with a 53-bit integer significand.
fn binary_exponent(x: f64) -> i32 {
    let biased = ((x.to_bits() >> 52) & 0x7ff) as i32;
    if biased == 0 { -1074 } else { biased - 1075 }
}

/// `ToIntegerOrInfinity`: NaN → 0, otherwise truncation toward zero (infinities stay).
pub fn to_integer_or_infinity(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.trunc() + 0.0 }
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

/// Length of the longest prefix of `s` that is a `StrUnsignedDecimalLiteral` without
/// `Infinity`: `12`, `1.`, `.5`, `1.5e-3`. An incomplete exponent (`1e`, `1e+`) is not part of
/// it. 0 when there is none.
fn scan_decimal(s: &[u8]) -> usize {
    let digits = |from: usize| s[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(0);
    let mut i = int;
    let mut frac = 0;
    if s.get(i) == Some(&b'.') {
        frac = digits(i + 1);
        if int == 0 && frac == 0 {
            return 0;
        }
        i += 1 + frac;
    }
    if int == 0 && frac == 0 {
        return 0;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp = digits(j);
        if exp > 0 {
            i = j + exp;
        }
    }
    i
}

/// Parses a validated decimal literal (digits, `.`, exponent; no sign) exactly.
fn parse_decimal(s: &str) -> f64 {
    s.parse::<f64>().unwrap_or(f64::NAN)
}

/// Splits one leading `+` or `-`; true when negative.
fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else {
        (false, s.strip_prefix('+').unwrap_or(s))
    }
}

/// `StringToNumber` (what `Number(s)`, `+s` and `s * 1` compute): surrounding JavaScript
/// whitespace is ignored, `""` is 0, `0x`/`0o`/`0b` prefixes (unsigned, any case),
/// `Infinity` with an optional sign, decimal literals (`1.`, `.5`, `1e3`); anything else —
/// including `_` separators, `inf`, `1e`, `0x` alone — is NaN. Results round correctly.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_whitespace);
    if t.is_empty() {
        return 0.0;
    }
    let b = t.as_bytes();
    if b.len() >= 2 && b[0] == b'0' {
        let log2 = match b[1] {
            b'x' | b'X' => Some(4),
            b'o' | b'O' => Some(3),
            b'b' | b'B' => Some(1),
            _ => None,
        };
        if let Some(log2) = log2 {
            let digits: Option<Vec<u32>> =
                b[2..].iter().map(|&c| digit_value(c, 1 << log2)).collect();
            return match digits {
                Some(d) if !d.is_empty() => parse_pow2(&d, log2),
                _ => f64::NAN,
            };
        }
    }
    let (negative, rest) = split_sign(t);
    let magnitude = if rest == "Infinity" {
        f64::INFINITY
    } else if scan_decimal(rest.as_bytes()) == rest.len() {
        parse_decimal(rest)
    } else {
        return f64::NAN;
    };
    if negative { -magnitude } else { magnitude }
}

/// `parseFloat(s)`: skips leading whitespace and reads the longest decimal literal prefix
/// (with sign, or `Infinity`); NaN when there is none. `parseFloat("-0")` is `-0`.
pub fn parse_float(s: &str) -> f64 {
    let t = s.trim_start_matches(is_js_whitespace);
    let (negative, rest) = split_sign(t);
    let magnitude = if rest.starts_with("Infinity") {
        f64::INFINITY
    } else {
        let len = scan_decimal(rest.as_bytes());
        if len == 0 {
            return f64::NAN;
        }
        parse_decimal(&rest[..len])
    };
    if negative { -magnitude } else { magnitude }
}

/// The value of ASCII digit `c` in `radix`, if it is one.
fn digit_value(c: u8, radix: u32) -> Option<u32> {
    let v = match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'a'..=b'z' => u32::from(c - b'a') + 10,
        b'A'..=b'Z' => u32::from(c - b'A') + 10,
        _ => return None,
    };
    (v < radix).then_some(v)
}

/// `parseInt(s, radix)`; `radix` is the argument after `ToNumber` (`None` for `undefined`).
/// Radix 10 and the powers of two round correctly; other radices accumulate as V8 does
/// (the spec allows an approximation there, and Node's is reproduced bit for bit).
pub fn parse_int(s: &str, radix: Option<f64>) -> f64 {
    let t = s.trim_start_matches(is_js_whitespace);
    let (negative, rest) = split_sign(t);
    let mut r = to_int32(radix.unwrap_or(0.0));
    let mut strip_prefix = true;
    if r != 0 {
        if !(2..=36).contains(&r) {
            return f64::NAN;
        }
        if r != 16 {
            strip_prefix = false;
        }
    } else {
        r = 10;
    }
    let mut b = rest.as_bytes();
    if strip_prefix && b.len() >= 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') {
        b = &b[2..];
        r = 16;
    }
    let radix = r.unsigned_abs();
    let digits: Vec<u32> = b.iter().map_while(|&c| digit_value(c, radix)).collect();
    if digits.is_empty() {
        return f64::NAN;
    }
    let magnitude = if radix == 10 {
        let text: String = digits
            .iter()
            .filter_map(|&d| char::from_digit(d, 10))
            .collect();
        parse_decimal(&text)
    } else if radix.is_power_of_two() {
        parse_pow2(&digits, radix.trailing_zeros())
    } else {
        parse_generic(&digits, radix)
    };
    if negative { -magnitude } else { magnitude }
}

/// Correctly rounded value of digits in radix `2^log2` (V8's `InternalStringToIntDouble`).
fn parse_pow2(digits: &[u32], log2: u32) -> f64 {
    let radix = 1i64 << log2;
    let start = digits.iter().take_while(|&&d| d == 0).count();
    let mut number: i64 = 0;
    let mut exponent: i32 = 0;
    for (i, &d) in digits.iter().enumerate().skip(start) {
        number = number * radix + i64::from(d);
        let overflow = number >> 53;
        if overflow != 0 {
            let bits = 64 - overflow.leading_zeros() as i32;
            let mask = (1i64 << bits) - 1;
            let dropped = number & mask;
            number >>= bits;
            exponent = bits;
            let tail = &digits[i + 1..];
            let zero_tail = tail.iter().all(|&d| d == 0);
            exponent = exponent.saturating_add((tail.len() as i32).saturating_mul(log2 as i32));
            let middle = 1i64 << (bits - 1);
            if dropped > middle || (dropped == middle && ((number & 1) != 0 || !zero_tail)) {
                number += 1;
            }
            if number & (1i64 << 53) != 0 {
                exponent += 1;
                number >>= 1;
            }
            break;
        }
    }
    let mut value = number as f64;
    // Scale by 2^exponent in steps that stay exact until the result overflows.
    while exponent > 0 && value.is_finite() {
        let step = exponent.min(1000);
        value *= 2f64.powi(step);
        exponent -= step;
    }
    value
}

/// V8's accumulation for radices that are neither 10 nor a power of two: 32-bit chunks
/// multiplied in as doubles.
fn parse_generic(digits: &[u32], radix: u32) -> f64 {
    const MAX_MULTIPLIER: u32 = u32::MAX / 36;
    let mut number = 0.0f64;
    // V8 skips leading zeros first, which shifts where its 32-bit chunks start.
    let mut i = digits.iter().take_while(|&&d| d == 0).count();
    loop {
        let mut part: u32 = 0;
        let mut multiplier: u32 = 1;
        let mut done = false;
        loop {
            let Some(&d) = digits.get(i) else {
                done = true;
                break;
            };
            let m = multiplier * radix;
            if m > MAX_MULTIPLIER {
                break;
            }
            part = part * radix + d;
            multiplier = m;
            i += 1;
        }
        number = number * f64::from(multiplier) + f64::from(part);
        if done {
            return number;
        }
    }
}

/// `ToUint32`: NaN and infinities → 0, otherwise truncation modulo 2³².
pub fn to_uint32(x: f64) -> u32 {
    if !x.is_finite() {
        return 0;
    }
    let m = x.trunc().rem_euclid(4_294_967_296.0);
    m as u32
}

/// `ToInt32`: `ToUint32` reinterpreted as signed (what `x | 0` computes).
pub fn to_int32(x: f64) -> i32 {
    to_uint32(x) as i32
}

/// The array index a property key denotes, if it is one: the canonical decimal form of an
/// integer in 0..=2³²−2 (`"0"`, `"17"`; not `"01"`, `"-1"`, `"1.0"` or `"4294967295"`).
/// JavaScript lists such keys first, in ascending order, before the other keys.
pub fn is_array_index(key: &str) -> Option<u32> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > 1 && b[0] == b'0' {
        return None;
    }
    let v: u64 = key.parse().ok()?;
    if v < u64::from(u32::MAX) {
        u32::try_from(v).ok()
    } else {
        None
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn table(name: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(include_str!("testdata/numbers.json")).unwrap();
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
}
