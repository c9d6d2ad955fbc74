//! Literal helpers local to lowering (the syntax crate cooks strings and reads numbers).

/// The property key a number literal stands for (`1` → `"1"`, `1.5` → `"1.5"`).
pub(crate) fn number_key(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e21 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_keys() {
        assert_eq!(number_key(1.0), "1");
        assert_eq!(number_key(1.5), "1.5");
        assert_eq!(number_key(1e20), "100000000000000000000");
    }
}
