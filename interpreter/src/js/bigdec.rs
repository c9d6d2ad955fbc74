//! Exact decimal expansion of doubles, for `toFixed` and `toPrecision`, which round the
//! *exact* binary value (`(1.005).toFixed(2)` is `"1.00"` because 1.005 is really
//! 1.00499999999999989...). A tiny unsigned big integer is all that needs.

/// An unsigned big integer, little-endian base 2^32 limbs.
struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_u64(v: u64) -> Self {
        let mut limbs = vec![v as u32, (v >> 32) as u32];
        trim(&mut limbs);
        Self { limbs }
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for limb in &mut self.limbs {
            let p = u64::from(*limb) * u64::from(m) + carry;
            *limb = p as u32;
            carry = p >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn shl(&mut self, bits: u32) {
        let words = (bits / 32) as usize;
        let rest = bits % 32;
        if rest != 0 {
            let mut carry = 0u32;
            for limb in &mut self.limbs {
                let v = *limb;
                *limb = (v << rest) | carry;
                carry = v >> (32 - rest);
            }
            if carry != 0 {
                self.limbs.push(carry);
            }
        }
        if words != 0 {
            let mut shifted = vec![0u32; words];
            shifted.append(&mut self.limbs);
            self.limbs = shifted;
        }
    }

    /// Divides in place by `d`, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*limb);
            *limb = (cur / u64::from(d)) as u32;
            rem = cur % u64::from(d);
        }
        trim(&mut self.limbs);
        rem as u32
    }

    fn into_decimal(mut self) -> Vec<u8> {
        if self.limbs.is_empty() {
            return vec![b'0'];
        }
        let mut chunks = Vec::new();
        while !self.limbs.is_empty() {
            chunks.push(self.div_small(1_000_000_000));
        }
        let mut out = Vec::with_capacity(chunks.len() * 9);
        for (i, chunk) in chunks.iter().rev().enumerate() {
            let s = if i == 0 {
                chunk.to_string()
            } else {
                format!("{chunk:09}")
            };
            out.extend_from_slice(s.as_bytes());
        }
        out
    }
}

fn trim(limbs: &mut Vec<u32>) {
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
}

/// The exact value of a finite, non-negative double as `digits × 10^exponent`, where `digits`
/// are ASCII decimal digits without leading zeros (`"0"` for zero).
pub(crate) fn exact_decimal(x: f64) -> (Vec<u8>, i32) {
    if x == 0.0 {
        return (vec![b'0'], 0);
    }
    let bits = x.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mut mantissa, mut exp2) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    // Shortest form: no factor of two left in the mantissa while the exponent is negative.
    let twos = (mantissa.trailing_zeros() as i32).min(-exp2).max(0);
    mantissa >>= twos;
    exp2 += twos;
    let mut n = BigUint::from_u64(mantissa);
    if exp2 >= 0 {
        n.shl(exp2.unsigned_abs());
        (n.into_decimal(), 0)
    } else {
        // m / 2^k = m * 5^k / 10^k
        let k = exp2.unsigned_abs();
        let mut left = k;
        while left >= 13 {
            n.mul_small(1_220_703_125); // 5^13
            left -= 13;
        }
        n.mul_small(5u32.pow(left));
        (n.into_decimal(), exp2)
    }
}

/// Adds one to a string of decimal digits; returns true when it grew by a digit (999 → 1000).
pub(crate) fn increment(digits: &mut Vec<u8>) -> bool {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return false;
        }
    }
    digits.insert(0, b'1');
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(x: f64) -> (String, i32) {
        let (d, e) = exact_decimal(x);
        (String::from_utf8(d).unwrap(), e)
    }

    #[test]
    fn exact_values() {
        assert_eq!(show(0.0), ("0".into(), 0));
        assert_eq!(show(1.0), ("1".into(), 0));
        assert_eq!(show(0.5), ("5".into(), -1));
        assert_eq!(show(2f64.powi(70)), ("1180591620717411303424".into(), 0));
        let (d, e) = show(1.005);
        assert!(d.starts_with("1004999999999999893418589635984972119331359863281"));
        assert_eq!(e, -(d.len() as i32 - 1));
        let (d, e) = show(5e-324);
        assert!(d.starts_with("494065645841246544"));
        assert_eq!(e, -1074);
    }

    #[test]
    fn increments() {
        let mut v = b"199".to_vec();
        assert!(!increment(&mut v));
        assert_eq!(v, b"200");
        let mut v = b"99".to_vec();
        assert!(increment(&mut v));
        assert_eq!(v, b"100");
    }
}
