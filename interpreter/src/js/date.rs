//! Dates: the specification's time-value arithmetic (`MakeTime`, `MakeDay`, `MakeDate`,
//! `TimeClip`), the component getters, `toISOString` / `toString` / `toUTCString`, and
//! `Date.parse` as V8 (and so Node) implements it: the ISO format with V8's extensions, then
//! V8's legacy fallback parser (`"Jan 5 2026 10:00 PM"`, `"2026/01/05"`, the `toString` and
//! `toUTCString` forms). Rhythm's local time zone is always UTC, so local and UTC agree.

use super::RangeError;
use super::number::to_integer_or_infinity;

/// Milliseconds in a day.
pub const MS_PER_DAY: f64 = 86_400_000.0;
const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;
const MS_PER_SECOND: f64 = 1_000.0;
/// The largest magnitude of a time value (±100 000 000 days around the epoch).
pub const MAX_TIME: f64 = 8.64e15;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `MakeTime(hour, min, sec, ms)`: NaN unless all are finite; each is truncated first.
pub fn make_time(hour: f64, min: f64, sec: f64, ms: f64) -> f64 {
    if !(hour.is_finite() && min.is_finite() && sec.is_finite() && ms.is_finite()) {
        return f64::NAN;
    }
    let (h, m, s, milli) = (
        to_integer_or_infinity(hour),
        to_integer_or_infinity(min),
        to_integer_or_infinity(sec),
        to_integer_or_infinity(ms),
    );
    h * MS_PER_HOUR + m * MS_PER_MINUTE + s * MS_PER_SECOND + milli
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (`month` 1..=12).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month 1..=12, day 1..=31) of a day number.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `MakeDay(year, month, date)` (month 0-based, overflowing into years): the day number, or
/// NaN. Like V8, years outside ±1 000 000 and months outside ±10 000 000 give NaN.
pub fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    if !((-1_000_000.0..=1_000_000.0).contains(&year)
        && (-10_000_000.0..=10_000_000.0).contains(&month))
    {
        return f64::NAN;
    }
    let (y, m) = (year.trunc() as i64, month.trunc() as i64);
    let y = y + m.div_euclid(12);
    let m = m.rem_euclid(12);
    days_from_civil(y, m + 1, 1) as f64 + to_integer_or_infinity(date) - 1.0
}

/// `MakeDate(day, time)`: `day × msPerDay + time`, NaN unless both are finite.
pub fn make_date(day: f64, time: f64) -> f64 {
    if !(day.is_finite() && time.is_finite()) {
        return f64::NAN;
    }
    let tv = day * MS_PER_DAY + time;
    if tv.is_finite() { tv } else { f64::NAN }
}

/// `TimeClip(time)`: NaN outside ±8.64e15 ms, otherwise truncated (and `-0` made `+0`).
pub fn time_clip(time: f64) -> f64 {
    if !time.is_finite() || time.abs() > MAX_TIME {
        return f64::NAN;
    }
    to_integer_or_infinity(time)
}

/// What `new Date(y, m, d?, h?, min?, s?, ms?)` and `Date.UTC(...)` compute from their
/// arguments (after `ToNumber`; 1 to 7 of them, missing ones default to month 0, day 1, and
/// 0): the time value, with years 0–99 meaning 1900–1999. `Date.UTC()` with no arguments is
/// NaN. Local time is UTC in Rhythm, so both constructors agree.
pub fn from_components(args: &[f64]) -> f64 {
    let arg = |i: usize, default: f64| args.get(i).copied().unwrap_or(default);
    let Some(&y) = args.first() else {
        return f64::NAN;
    };
    let year = if y.is_nan() {
        f64::NAN
    } else {
        let yi = to_integer_or_infinity(y);
        if (0.0..=99.0).contains(&yi) {
            1900.0 + yi
        } else {
            y
        }
    };
    let day = make_day(year, arg(1, 0.0), arg(2, 1.0));
    let time = make_time(arg(3, 0.0), arg(4, 0.0), arg(5, 0.0), arg(6, 0.0));
    time_clip(make_date(day, time))
}

/// The calendar fields of a finite time value.
struct Fields {
    year: i64,
    month: i64, // 0-based
    date: i64,
    weekday: usize,
    hours: i64,
    minutes: i64,
    seconds: i64,
    ms: i64,
}

/// The fields of a time value; `None` for NaN and for values beyond ±8.64e15 (which no
/// `Date` holds, since every constructor clips).
fn fields(t: f64) -> Option<Fields> {
    if !t.is_finite() || t.abs() > MAX_TIME {
        return None;
    }
    let day = (t / MS_PER_DAY).floor();
    let within = t - day * MS_PER_DAY;
    let day = day as i64;
    let within = within as i64;
    let (year, month, date) = civil_from_days(day);
    Some(Fields {
        year,
        month: month - 1,
        date,
        weekday: (day + 4).rem_euclid(7) as usize,
        hours: within / 3_600_000,
        minutes: within / 60_000 % 60,
        seconds: within / 1000 % 60,
        ms: within % 1000,
    })
}

macro_rules! getter {
    ($(#[$doc:meta])* $name:ident, $field:ident) => {
        $(#[$doc])*
        pub fn $name(t: f64) -> f64 {
            fields(t).map_or(f64::NAN, |f| f.$field as f64)
        }
    };
}

getter!(
    /// `getUTCFullYear()` (and `getFullYear()`): NaN for an invalid date.
    year,
    year
);
getter!(
    /// `getUTCMonth()`: 0 for January.
    month,
    month
);
getter!(
    /// `getUTCDate()`: the day of the month, 1-based.
    date,
    date
);
getter!(
    /// `getUTCDay()`: the weekday, 0 for Sunday.
    day,
    weekday
);
getter!(
    /// `getUTCHours()`.
    hours,
    hours
);
getter!(
    /// `getUTCMinutes()`.
    minutes,
    minutes
);
getter!(
    /// `getUTCSeconds()`.
    seconds,
    seconds
);
getter!(
    /// `getUTCMilliseconds()`.
    ms,
    ms
);

/// `Date.prototype.toISOString()`: `2026-01-01T00:00:00.000Z`; years outside 0..=9999 as
/// `+275760-09-13T00:00:00.000Z` / `-000001-...`. `RangeError: Invalid time value` for NaN.
pub fn to_iso_string(t: f64) -> Result<String, RangeError> {
    let f = fields(t).ok_or_else(|| RangeError::new("Invalid time value"))?;
    let year = if (0..=9999).contains(&f.year) {
        format!("{:04}", f.year)
    } else {
        let sign = if f.year < 0 { '-' } else { '+' };
        format!("{sign}{:06}", f.year.unsigned_abs())
    };
    Ok(format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        f.month + 1,
        f.date,
        f.hours,
        f.minutes,
        f.seconds,
        f.ms
    ))
}

/// A year as `Date.prototype.toString` writes it: at least four digits, `-` when negative.
fn display_year(year: i64) -> String {
    if year < 0 {
        format!("-{:04}", year.unsigned_abs())
    } else {
        format!("{year:04}")
    }
}

/// `Date.prototype.toDateString()`: `Thu Jan 01 2026`, or `Invalid Date`.
pub fn to_date_string(t: f64) -> String {
    match fields(t) {
        None => "Invalid Date".into(),
        Some(f) => format!(
            "{} {} {:02} {}",
            WEEKDAYS[f.weekday % 7],
            MONTHS[(f.month as usize) % 12],
            f.date,
            display_year(f.year)
        ),
    }
}

/// `Date.prototype.toTimeString()`: `00:00:00 GMT+0000 (Coordinated Universal Time)`.
pub fn to_time_string(t: f64) -> String {
    match fields(t) {
        None => "Invalid Date".into(),
        Some(f) => format!(
            "{:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
            f.hours, f.minutes, f.seconds
        ),
    }
}

/// `Date.prototype.toString()` (and `String(date)`):
/// `Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)`, or `Invalid Date`.
pub fn to_string(t: f64) -> String {
    if fields(t).is_none() {
        return "Invalid Date".into();
    }
    format!("{} {}", to_date_string(t), to_time_string(t))
}

/// `Date.prototype.toUTCString()`: `Thu, 01 Jan 2026 00:00:00 GMT`, or `Invalid Date`.
pub fn to_utc_string(t: f64) -> String {
    match fields(t) {
        None => "Invalid Date".into(),
        Some(f) => format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            WEEKDAYS[f.weekday % 7],
            f.date,
            MONTHS[(f.month as usize) % 12],
            display_year(f.year),
            f.hours,
            f.minutes,
            f.seconds
        ),
    }
}

/// How Node's `util.inspect` (so `console.log`) shows a date: its ISO string, or
/// `Invalid Date`.
pub fn inspect(t: f64) -> String {
    to_iso_string(t).unwrap_or_else(|_| "Invalid Date".into())
}

/// `Date.parse(s)` (and `new Date(s)` with a string): the time value, or NaN.
pub fn parse(s: &str) -> f64 {
    parse::parse(s)
}

mod parse;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn table(name: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(include_str!("testdata/dates.json")).unwrap();
        all[name].as_array().unwrap().clone()
    }

    /// A number column: number, `"NaN"`/`"Infinity"`, or null.
    fn num(v: &Value) -> Option<f64> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.parse().unwrap()),
            n => Some(n.as_f64().unwrap()),
        }
    }

    fn same(a: f64, b: f64) -> bool {
        a == b || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn formatting_matches_node() {
        let rows = table("format");
        assert!(rows.len() > 250);
        for r in rows {
            let t = num(&r[0]).unwrap();
            let iso = match &r[1] {
                Value::String(s) => Ok(s.clone()),
                e => Err(e["error"].as_str().unwrap().to_string()),
            };
            assert_eq!(
                to_iso_string(t).map_err(|e| format!("RangeError: {e}")),
                iso,
                "{t}"
            );
            assert_eq!(to_string(t), r[2].as_str().unwrap(), "{t}");
            assert_eq!(to_utc_string(t), r[3].as_str().unwrap(), "{t}");
            assert_eq!(to_date_string(t), r[4].as_str().unwrap(), "{t}");
            assert_eq!(to_time_string(t), r[5].as_str().unwrap(), "{t}");
            assert_eq!(inspect(t), r[6].as_str().unwrap(), "{t}");
            let got = [
                year(t),
                month(t),
                date(t),
                day(t),
                hours(t),
                minutes(t),
                seconds(t),
                ms(t),
            ];
            for (g, w) in got.iter().zip(r[7].as_array().unwrap()) {
                assert!(same(*g, num(w).unwrap()), "{t}: {got:?} vs {}", r[7]);
            }
        }
    }

    #[test]
    fn components_match_node() {
        for r in table("components") {
            let args: Vec<f64> = r[0]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| num(v).unwrap())
                .collect();
            let utc = num(&r[1]).unwrap();
            assert!(same(from_components(&args), utc), "Date.UTC({args:?})");
            if let Some(local) = num(&r[2]) {
                assert!(same(from_components(&args), local), "new Date({args:?})");
            }
        }
    }

    #[test]
    fn parse_matches_node() {
        for r in table("parse") {
            let s = r[0].as_str().unwrap();
            let want = num(&r[1]).unwrap();
            let got = parse(s);
            assert!(same(got, want), "Date.parse({s:?}) = {got}, Node {want}");
        }
    }

    #[test]
    fn round_trips() {
        for t in [0.0, 1_767_225_600_000.0, -1.0, 8.64e15, 951_782_400_123.0] {
            assert_eq!(parse(&to_iso_string(t).unwrap()), t);
            assert_eq!(parse(&to_string(t)), (t / 1000.0).floor() * 1000.0);
            assert_eq!(parse(&to_utc_string(t)), (t / 1000.0).floor() * 1000.0);
        }
    }

    #[test]
    fn negative_years_do_not_read_back_from_to_string() {
        // As in Node: the legacy parser has no negative years.
        assert!(parse(&to_string(-8.64e15)).is_nan());
        assert_eq!(parse(&to_iso_string(-8.64e15).unwrap()), -8.64e15);
    }

    #[test]
    fn clip_and_make() {
        assert!(time_clip(8.64e15 + 1.0).is_nan());
        assert_eq!(time_clip(-0.5).to_bits(), 0);
        assert!(make_time(f64::NAN, 0.0, 0.0, 0.0).is_nan());
        assert_eq!(make_day(1970.0, 0.0, 1.0), 0.0);
        assert_eq!(make_day(1970.0, 12.0, 1.0), 365.0);
        assert_eq!(make_date(1.0, 5.0), 86_400_005.0);
        assert_eq!(
            to_iso_string(8.64e15).unwrap(),
            "+275760-09-13T00:00:00.000Z"
        );
        assert_eq!(
            to_iso_string(f64::NAN).unwrap_err().message,
            "Invalid time value"
        );
        assert_eq!(to_string(9e15), "Invalid Date");
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s);
        }

        #[test]
        fn parse_never_panics_on_date_like_text(
            s in "[0-9:+\\-.,/TZtz ()]{0,12}(Jan|pm|GMT|UTC|PST|z|x)?[0-9:+\\-. ]{0,16}"
        ) {
            let _ = parse(&s);
        }

        #[test]
        fn getters_never_panic(t in proptest::num::f64::ANY) {
            let _ = (year(t), month(t), date(t), day(t), hours(t), minutes(t), seconds(t), ms(t));
            let _ = (to_string(t), to_utc_string(t), to_iso_string(t), inspect(t));
            let _ = from_components(&[t, t, t, t, t, t, t]);
        }

        #[test]
        fn iso_round_trip(t in -8.64e15f64..8.64e15) {
            let t = t.trunc() + 0.0;
            proptest::prop_assert_eq!(parse(&to_iso_string(t).unwrap()), t);
            let f = fields(t).unwrap();
            let back = from_components(&[
                f.year as f64, f.month as f64, f.date as f64,
                f.hours as f64, f.minutes as f64, f.seconds as f64, f.ms as f64,
            ]);
            // Years 0..=99 mean 1900..=1999 to the constructor.
            if !(0..=99).contains(&f.year) {
                proptest::prop_assert_eq!(back, t);
            }
        }
    }
}
