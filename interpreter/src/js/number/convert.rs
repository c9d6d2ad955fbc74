//! Integer conversions (`ToIntegerOrInfinity`, `ToUint32`, `ToInt32`) and numbers as
//! property keys and array indices.

use super::to_string;

/// `ToIntegerOrInfinity`: NaN → 0, otherwise truncation toward zero (infinities stay).
pub fn to_integer_or_infinity(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.trunc() + 0.0 }
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

/// The property key a number becomes (`obj[1.5]` is `obj["1.5"]`, `obj[-0]` is `obj["0"]`).
pub fn number_to_key(x: f64) -> String {
    to_string(x)
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
