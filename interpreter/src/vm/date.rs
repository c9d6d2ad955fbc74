//! Date arithmetic in UTC: epoch milliseconds ↔ calendar fields, ISO strings.

/// Milliseconds per day.
const MS_PER_DAY: f64 = 86_400_000.0;

/// Days since 1970-01-01 of a proleptic Gregorian date (month 0-based, may overflow).
pub fn days_from_civil(year: f64, month: f64, day: f64) -> f64 {
    let y = year + (month / 12.0).floor();
    let m = month.rem_euclid(12.0);
    let (y, m) = if m < 2.0 { (y - 1.0, m + 12.0) } else { (y, m) };
    // m is now 2..=13 where 2 = March.
    let era = (y / 400.0).floor();
    let yoe = y - era * 400.0;
    let mp = m - 2.0;
    let doy = ((153.0 * mp + 2.0) / 5.0).floor();
    let doe = yoe * 365.0 + (yoe / 4.0).floor() - (yoe / 100.0).floor() + doy;
    era * 146_097.0 + doe - 719_468.0 + (day - 1.0)
}

/// Calendar fields of a time value: (year, month 0-based, day, hours, minutes, seconds, ms,
/// weekday 0 = Sunday).
pub fn fields(t: f64) -> (f64, f64, f64, f64, f64, f64, f64, f64) {
    let days = (t / MS_PER_DAY).floor();
    let ms_in_day = t - days * MS_PER_DAY;
    let z = days + 719_468.0;
    let era = (z / 146_097.0).floor();
    let doe = z - era * 146_097.0;
    let yoe = ((doe - (doe / 1460.0).floor() + (doe / 36_524.0).floor() - (doe / 146_096.0).floor())
        / 365.0)
        .floor();
    let y = yoe + era * 400.0;
    let doy = doe - (365.0 * yoe + (yoe / 4.0).floor() - (yoe / 100.0).floor());
    let mp = ((5.0 * doy + 2.0) / 153.0).floor();
    let d = doy - ((153.0 * mp + 2.0) / 5.0).floor() + 1.0;
    let m = if mp < 10.0 { mp + 2.0 } else { mp - 10.0 };
    let y = if m <= 1.0 { y + 1.0 } else { y };
    let h = (ms_in_day / 3_600_000.0).floor();
    let mi = ((ms_in_day % 3_600_000.0) / 60_000.0).floor();
    let s = ((ms_in_day % 60_000.0) / 1000.0).floor();
    let ms = ms_in_day % 1000.0;
    let wd = (days + 4.0).rem_euclid(7.0);
    (y, m, d, h, mi, s, ms, wd)
}

/// `MakeTime`/`MakeDate` from fields, with `TimeClip`.
pub fn make_time(y: f64, mo: f64, d: f64, h: f64, mi: f64, s: f64, ms: f64) -> f64 {
    if ![y, mo, d, h, mi, s, ms].iter().all(|x| x.is_finite()) {
        return f64::NAN;
    }
    let days = days_from_civil(y.trunc(), mo.trunc(), d.trunc());
    let t = days * MS_PER_DAY
        + h.trunc() * 3_600_000.0
        + mi.trunc() * 60_000.0
        + s.trunc() * 1000.0
        + ms.trunc();
    time_clip(t)
}

/// `TimeClip`.
pub fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

/// `Date.prototype.toISOString` (the caller checks validity).
pub fn iso_string(t: f64) -> String {
    let (y, m, d, h, mi, s, ms, _) = fields(t);
    let year = if (0.0..=9999.0).contains(&y) {
        format!("{:04}", y as i64)
    } else if y < 0.0 {
        format!("-{:06}", (-y) as i64)
    } else {
        format!("+{:06}", y as i64)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        m as i64 + 1,
        d as i64,
        h as i64,
        mi as i64,
        s as i64,
        ms as i64
    )
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Date.prototype.toString` in UTC (the engine's time zone).
pub fn date_string(t: f64) -> String {
    if t.is_nan() {
        return "Invalid Date".into();
    }
    let (y, m, d, h, mi, s, _, wd) = fields(t);
    format!(
        "{} {} {:02} {:04} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        DAYS[wd as usize % 7],
        MONTHS[m as usize % 12],
        d as i64,
        y as i64,
        h as i64,
        mi as i64,
        s as i64
    )
}

/// `Date.prototype.toUTCString`.
pub fn utc_string(t: f64) -> String {
    if t.is_nan() {
        return "Invalid Date".into();
    }
    let (y, m, d, h, mi, s, _, wd) = fields(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[wd as usize % 7],
        d as i64,
        MONTHS[m as usize % 12],
        y as i64,
        h as i64,
        mi as i64,
        s as i64
    )
}

/// `Date.parse` for the ISO format (date-only forms are UTC, as JavaScript says; forms with
/// a time and no offset are local time, which is UTC here).
pub fn parse(s: &str) -> f64 {
    parse_iso(s.trim()).unwrap_or(f64::NAN)
}

fn parse_iso(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<f64> {
        let part = s.get(*i..*i + n)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *i += n;
        part.parse::<f64>().ok()
    };
    let year = if matches!(b.first(), Some(b'+') | Some(b'-')) {
        let neg = b[0] == b'-';
        i = 1;
        let y = num(&mut i, 6)?;
        if neg { -y } else { y }
    } else {
        num(&mut i, 4)?
    };
    let mut month = 1.0;
    let mut day = 1.0;
    if b.get(i) == Some(&b'-') {
        i += 1;
        month = num(&mut i, 2)?;
        if b.get(i) == Some(&b'-') {
            i += 1;
            day = num(&mut i, 2)?;
        }
    }
    let (mut h, mut mi, mut sec, mut ms) = (0.0, 0.0, 0.0, 0.0);
    let mut offset = 0.0;
    if matches!(b.get(i), Some(b'T') | Some(b't') | Some(b' ')) {
        i += 1;
        h = num(&mut i, 2)?;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        mi = num(&mut i, 2)?;
        if b.get(i) == Some(&b':') {
            i += 1;
            sec = num(&mut i, 2)?;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                let frac = s.get(start..i)?;
                if frac.is_empty() {
                    return None;
                }
                let f3: String = frac.chars().chain("000".chars()).take(3).collect();
                ms = f3.parse::<f64>().ok()?;
            }
        }
        match b.get(i) {
            Some(b'Z') | Some(b'z') => i += 1,
            Some(b'+') | Some(b'-') => {
                let sign = if b[i] == b'-' { -1.0 } else { 1.0 };
                i += 1;
                let oh = num(&mut i, 2)?;
                if b.get(i) == Some(&b':') {
                    i += 1;
                }
                let om = num(&mut i, 2)?;
                offset = sign * (oh * 60.0 + om) * 60_000.0;
            }
            _ => {}
        }
    }
    if i != b.len() {
        return None;
    }
    if !(1.0..=12.0).contains(&month)
        || !(1.0..=31.0).contains(&day)
        || h > 24.0
        || mi > 59.0
        || sec > 59.0
    {
        return None;
    }
    let t = make_time(year, month - 1.0, day, h, mi, sec, ms) - offset;
    if t.is_nan() { None } else { Some(t) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip() {
        assert_eq!(iso_string(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_string(1_767_225_600_000.0), "2026-01-01T00:00:00.000Z");
        assert_eq!(parse("2026-01-01T00:00:00.000Z"), 1_767_225_600_000.0);
        assert_eq!(parse("2026-01-01"), 1_767_225_600_000.0);
        assert_eq!(parse("2024-02-29T12:30:00+01:00"), 1_709_206_200_000.0);
        assert!(parse("nonsense").is_nan());
        assert_eq!(iso_string(-1.0), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            date_string(1_767_225_600_000.0),
            "Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
    }
}
