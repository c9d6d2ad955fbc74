//! Duration strings: `"500ms"`, `"30s"`, `"15m"`, `"48h"`, `"7d"`, `"1h30m"`, `"1.5h"`.
//!
//! The grammar is one or more *components*, each a decimal number immediately followed by a
//! unit, with no spaces and no sign:
//!
//! ```text
//! duration  = component+
//! component = digits ("." digits)? unit
//! unit      = "ms" | "s" | "m" | "h" | "d"
//! ```
//!
//! Units must appear from the largest to the smallest, each at most once (`"1h30m"`, not
//! `"30m1h"` or `"1m1m"`). Any component may have a fraction (`"1.5h"`, `"0.25s"`). The value is
//! the sum of the components in milliseconds, as an `f64`; it must be finite. Zero (`"0s"`) is
//! allowed. Everything else is rejected with a [`DurationError`] that says what went wrong.
//!
//! The analyzer checks duration literals with this function, the interpreter uses it at run
//! time, and the engine (test files, the test kit, the Python SDK) reads configured durations
//! with it, so all agree exactly. It lives here, with the other literal grammars, so that none of
//! them needs the analyzer for it.

use thiserror::Error;

/// The accepted forms, for messages.
pub const ACCEPTED_FORMS: &str = "a number of seconds, or a string of numbers with units \
     (ms, s, m, h, d) such as \"500ms\", \"30s\", \"15m\", \"48h\", \"7d\", \"1h30m\", \"1.5h\"";

/// Why a duration string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DurationError {
    /// The string is empty.
    #[error("the duration is empty")]
    Empty,
    /// A component has a number but no unit (`"5"`, `"1h30"`).
    #[error("`{number}` has no unit; the units are ms, s, m, h and d")]
    MissingUnit {
        /// The number without a unit.
        number: String,
    },
    /// A unit is not one of `ms`, `s`, `m`, `h`, `d`.
    #[error("unknown unit `{unit}`; the units are ms, s, m, h and d")]
    UnknownUnit {
        /// The unit as written.
        unit: String,
    },
    /// A unit appears without a number before it, or a character is not part of the grammar
    /// (spaces, signs, letters where a number belongs).
    #[error("unexpected `{found}` at byte {at}: expected a number")]
    ExpectedNumber {
        /// The offending character.
        found: char,
        /// Its byte offset.
        at: usize,
    },
    /// A number is malformed (`"1.h"`).
    #[error("malformed number `{number}`")]
    BadNumber {
        /// The number as written.
        number: String,
    },
    /// Units are out of order or repeated (`"30m1h"`, `"1m1m"`).
    #[error("unit `{unit}` is out of order or repeated; write units from d down to ms, once each")]
    UnitOrder {
        /// The misplaced unit.
        unit: String,
    },
    /// The total is too large to represent.
    #[error("the duration is too large")]
    TooLarge,
}

/// The units from the largest to the smallest, with their length in milliseconds.
const UNITS: [(&str, f64); 5] = [
    ("d", 86_400_000.0),
    ("h", 3_600_000.0),
    ("m", 60_000.0),
    ("s", 1_000.0),
    ("ms", 1.0),
];

/// Parses a duration string into milliseconds. See the module documentation for the grammar.
pub fn parse_duration(text: &str) -> Result<f64, DurationError> {
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut total = 0.0_f64;
    // Index into UNITS of the smallest unit used so far; the next must be smaller.
    let mut last_unit: Option<usize> = None;
    while pos < bytes.len() {
        let start = pos;
        while pos < bytes.len() && (bytes[pos].is_ascii_digit() || bytes[pos] == b'.') {
            pos += 1;
        }
        let number = &text[start..pos];
        if number.is_empty() {
            let found = text[pos..].chars().next().unwrap_or(' ');
            return Err(DurationError::ExpectedNumber { found, at: pos });
        }
        if !well_formed_number(number) {
            return Err(DurationError::BadNumber {
                number: number.to_owned(),
            });
        }
        let unit_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_alphabetic() {
            pos += 1;
        }
        let unit = &text[unit_start..pos];
        if unit.is_empty() {
            if pos < bytes.len() {
                let found = text[pos..].chars().next().unwrap_or(' ');
                return Err(DurationError::ExpectedNumber { found, at: pos });
            }
            return Err(DurationError::MissingUnit {
                number: number.to_owned(),
            });
        }
        let Some(index) = UNITS.iter().position(|(u, _)| *u == unit) else {
            return Err(DurationError::UnknownUnit {
                unit: unit.to_owned(),
            });
        };
        if last_unit.is_some_and(|last| index <= last) {
            return Err(DurationError::UnitOrder {
                unit: unit.to_owned(),
            });
        }
        last_unit = Some(index);
        let value: f64 = number.parse().map_err(|_| DurationError::BadNumber {
            number: number.to_owned(),
        })?;
        total += value * UNITS[index].1;
    }
    if total.is_finite() {
        Ok(total)
    } else {
        Err(DurationError::TooLarge)
    }
}

/// `digits ("." digits)?`.
fn well_formed_number(number: &str) -> bool {
    let mut parts = number.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_documented_forms() {
        let cases = [
            ("500ms", 500.0),
            ("30s", 30_000.0),
            ("15m", 900_000.0),
            ("48h", 172_800_000.0),
            ("7d", 604_800_000.0),
            ("1h30m", 5_400_000.0),
            ("1.5h", 5_400_000.0),
            ("0s", 0.0),
            ("0.25s", 250.0),
            ("1d2h3m4s5ms", 93_784_005.0),
            ("2m30s", 150_000.0),
        ];
        for (text, ms) in cases {
            assert_eq!(parse_duration(text), Ok(ms), "{text}");
        }
    }

    #[test]
    fn rejects_malformed_forms() {
        let cases: [(&str, DurationError); 12] = [
            ("", DurationError::Empty),
            ("5", DurationError::MissingUnit { number: "5".into() }),
            (
                "48 hours",
                DurationError::ExpectedNumber { found: ' ', at: 2 },
            ),
            ("-5s", DurationError::ExpectedNumber { found: '-', at: 0 }),
            ("+5s", DurationError::ExpectedNumber { found: '+', at: 0 }),
            ("s", DurationError::ExpectedNumber { found: 's', at: 0 }),
            ("5w", DurationError::UnknownUnit { unit: "w".into() }),
            (
                "1h30",
                DurationError::MissingUnit {
                    number: "30".into(),
                },
            ),
            ("30m1h", DurationError::UnitOrder { unit: "h".into() }),
            ("1m1m", DurationError::UnitOrder { unit: "m".into() }),
            (
                "1.h",
                DurationError::BadNumber {
                    number: "1.".into(),
                },
            ),
            (
                ".5s",
                DurationError::BadNumber {
                    number: ".5".into(),
                },
            ),
        ];
        for (text, err) in cases {
            assert_eq!(parse_duration(text), Err(err), "{text:?}");
        }
        assert_eq!(
            parse_duration(&"9".repeat(400).add_unit("d")),
            Err(DurationError::TooLarge)
        );
        assert!(matches!(
            parse_duration("5é"),
            Err(DurationError::ExpectedNumber { found: 'é', at: 1 })
        ));
    }

    trait AddUnit {
        fn add_unit(self, unit: &str) -> String;
    }
    impl AddUnit for String {
        fn add_unit(mut self, unit: &str) -> String {
            self.push_str(unit);
            self
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,12}") {
            let _ = parse_duration(&text);
        }

        #[test]
        fn integer_components_sum_exactly(
            d in 0u32..100, h in 0u32..100, m in 0u32..100, s in 0u32..100, ms in 0u32..1000
        ) {
            let text = format!("{d}d{h}h{m}m{s}s{ms}ms");
            let expected = f64::from(d) * 86_400_000.0 + f64::from(h) * 3_600_000.0
                + f64::from(m) * 60_000.0 + f64::from(s) * 1000.0 + f64::from(ms);
            prop_assert_eq!(parse_duration(&text), Ok(expected));
        }
    }
}
