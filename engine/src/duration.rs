//! Durations as Flow writes them (`"500ms"`, `"30s"`, `"1h30m"`, `"7d"`): parsing and
//! formatting, in milliseconds.

/// Formats milliseconds the way durations are written: `0s`, `500ms`, `1h30m`, `2d3h`.
pub fn format_duration(ms: f64) -> String {
    if !ms.is_finite() {
        return format!("{ms}ms");
    }
    let negative = ms < 0.0;
    let mut rest = ms.abs();
    if rest == 0.0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    for (unit, size) in [
        ("d", 86_400_000.0),
        ("h", 3_600_000.0),
        ("m", 60_000.0),
        ("s", 1000.0),
    ] {
        let n = (rest / size).floor();
        if n >= 1.0 {
            out.push_str(&format!("{n}{unit}"));
            rest -= n * size;
        }
    }
    if rest > 0.0 {
        let rounded = (rest * 1000.0).round() / 1000.0;
        out.push_str(&format!("{rounded}ms"));
    }
    out
}

/// Parses a duration string (`"1h30m"`, `"500ms"`, `"1.5s"`, `"7d"`) into milliseconds, with the
/// language's own grammar (`rhythm_syntax::duration`), so test files and the test kit accept
/// exactly what workflows do. A bare number is a number of seconds, as in Flow.
pub fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then_some(seconds * 1000.0);
    }
    rhythm_syntax::duration::parse_duration(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_duration(0.0), "0s");
        assert_eq!(format_duration(500.0), "500ms");
        assert_eq!(format_duration(5_400_000.0), "1h30m");
        assert_eq!(format_duration(7.0 * 86_400_000.0), "7d");
        assert_eq!(format_duration(1500.0), "1s500ms");
    }

    #[test]
    fn parses() {
        assert_eq!(parse_duration("1h30m"), Some(5_400_000.0));
        assert_eq!(parse_duration("500ms"), Some(500.0));
        assert_eq!(parse_duration("1.5s"), Some(1500.0));
        assert_eq!(parse_duration("30"), Some(30_000.0));
        assert_eq!(parse_duration("7d"), Some(604_800_000.0));
        for bad in ["", "h", "1x", "1h 30m", "-1s", "1..2s", "30m1h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn roundtrip_whole_units() {
        for ms in [1000.0, 60_000.0, 3_600_000.0, 90_061_001.0] {
            assert_eq!(parse_duration(&format_duration(ms)), Some(ms));
        }
    }
}
