//! Number ↔ string conversions used by the VM, delegating to the pure JS-semantics functions
//! of [`crate::js`].

/// `Number::toString(x)`.
pub fn num_to_string(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        if x == 0.0 {
            return "0".into();
        }
        return format!("{}", x as i64);
    }
    crate::js::number::to_string(x)
}

/// `Number(string)`.
pub fn string_to_number(s: &str) -> f64 {
    crate::js::number::string_to_number(s)
}

/// `parseInt(string, radix)`.
pub fn parse_int(s: &str, radix: Option<f64>) -> f64 {
    crate::js::number::parse_int(s, radix)
}

/// `parseFloat(string)`.
pub fn parse_float(s: &str) -> f64 {
    crate::js::number::parse_float(s)
}

/// `ToInt32`.
pub fn to_int32(x: f64) -> i32 {
    crate::js::number::to_int32(x)
}

/// `ToUint32`.
pub fn to_uint32(x: f64) -> u32 {
    crate::js::number::to_uint32(x)
}

/// How `console.log` prints a number (`-0` shows its sign).
pub fn inspect_number(x: f64) -> String {
    if x == 0.0 && x.is_sign_negative() {
        "-0".into()
    } else {
        num_to_string(x)
    }
}
