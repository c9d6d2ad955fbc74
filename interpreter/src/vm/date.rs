//! Date helpers for the VM, delegating to [`crate::js::date`].

use crate::js::date as jd;

/// `toISOString` of a valid time value (`Invalid Date` otherwise).
pub fn iso_string(t: f64) -> String {
    jd::inspect(t)
}

/// `Date.prototype.toString`.
pub fn date_string(t: f64) -> String {
    jd::to_string(t)
}

/// `Date.prototype.toUTCString`.
pub fn utc_string(t: f64) -> String {
    jd::to_utc_string(t)
}

/// `Date.parse`.
pub fn parse(s: &str) -> f64 {
    jd::parse(s)
}

/// `TimeClip`.
pub fn time_clip(t: f64) -> f64 {
    jd::time_clip(t)
}

/// `new Date(y, m, ...)` / `Date.UTC(...)` from numeric arguments.
pub fn from_components(args: &[f64]) -> f64 {
    jd::from_components(args)
}

/// A UTC getter by index: year, month, date, hours, minutes, seconds, ms, weekday.
pub fn field(t: f64, i: usize) -> f64 {
    match i {
        0 => jd::year(t),
        1 => jd::month(t),
        2 => jd::date(t),
        3 => jd::hours(t),
        4 => jd::minutes(t),
        5 => jd::seconds(t),
        6 => jd::ms(t),
        _ => jd::day(t),
    }
}
