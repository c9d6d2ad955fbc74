//! Reading numbers from strings: `StringToNumber` (`Number(s)`, `+s`), `parseFloat` and
//! `parseInt`, rounded as Node rounds them.

use super::to_int32;
use crate::js::is_js_whitespace;

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
