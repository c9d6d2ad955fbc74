//! `Number.prototype.toString(radix)` for radices other than 10, as V8 prints them.

use super::{to_integer_or_infinity, to_string};
use crate::js::RangeError;

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
