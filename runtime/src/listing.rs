//! Paging of `Client::list_page`: the page it returns, the opaque cursor that continues it,
//! and the time bounds of its filters (an RFC 3339 time, or a duration ago).
//!
//! Pages are newest first by `(created_at, id)`; a cursor is the key of the last row of a
//! page, and the next page holds the rows strictly after it in that order (keyset paging), so
//! executions started while a client pages come before the first page and never shift the
//! later ones: every execution that existed when paging started is seen exactly once.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::model::ExecutionSummary;

/// One page of executions, newest first, and the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListPage {
    /// The executions of this page.
    pub executions: Vec<ExecutionSummary>,
    /// Where the next page starts (`ListFilter::after`); `None` when this is the last page.
    pub next: Option<Cursor>,
}

/// Where a page of `Client::list_page` continues: the `(created_at, id)` key of the last row
/// seen. Opaque to callers: its text form ([`fmt::Display`], [`FromStr`]) is what they keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) id: String,
}

/// Version tag of the cursor text, so the form can change without misreading old cursors.
const CURSOR_TAG: &str = "c1";

impl Cursor {
    /// The cursor that continues after the execution `row`.
    pub fn after(row: &ExecutionSummary) -> Cursor {
        Cursor {
            created_at: row.created_at,
            id: row.id.clone(),
        }
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = format!("{}:{}", self.created_at.timestamp_micros(), self.id);
        write!(f, "{CURSOR_TAG}{}", hex::encode(key))
    }
}

impl FromStr for Cursor {
    type Err = Error;

    fn from_str(text: &str) -> Result<Cursor> {
        let bad = || Error::Invalid {
            what: "cursor",
            reason: "not a cursor a list returned (pass the `next` value as it was)".into(),
        };
        let bytes = text
            .strip_prefix(CURSOR_TAG)
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(bad)?;
        let key = String::from_utf8(bytes).map_err(|_| bad())?;
        let (micros, id) = key.split_once(':').ok_or_else(bad)?;
        let created_at = micros
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .ok_or_else(bad)?;
        crate::validate::name("cursor", id).map_err(|_| bad())?;
        Ok(Cursor {
            created_at,
            id: id.to_owned(),
        })
    }
}

impl Serialize for Cursor {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads a time bound of a list filter: an RFC 3339 time (`2026-12-08T10:00:00Z`), or a
/// duration of the language's grammar (`30m`, `2h`, `1d12h`) meaning that long ago (by this
/// machine's clock). `what` names the option in the error.
pub fn parse_time_bound(what: &'static str, text: &str) -> Result<DateTime<Utc>> {
    time_bound_at(what, text, Utc::now())
}

/// [`parse_time_bound`] with durations counted back from `now`.
fn time_bound_at(what: &'static str, text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let looks_like_time = text.contains('-') || text.contains('T') || text.contains(':');
    let ms = match rhythm_syntax::duration::parse_duration(text) {
        Ok(ms) => ms,
        Err(_) if looks_like_time => {
            return Err(Error::Invalid {
                what,
                reason: format!(
                    "{text:?} is not an RFC 3339 time (such as 2026-12-08T10:00:00Z) nor a duration"
                ),
            });
        }
        Err(e) => {
            return Err(Error::Invalid {
                what,
                reason: format!(
                    "{text:?} is neither a duration ({e}) nor an RFC 3339 time (such as 2026-12-08T10:00:00Z)"
                ),
            });
        }
    };
    ago(what, ms, now)
}

/// `now` minus `ms` milliseconds, refused when out of range.
fn ago(what: &'static str, ms: f64, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let too_far = || Error::Invalid {
        what,
        reason: "the duration reaches too far back".into(),
    };
    if !ms.is_finite() || !(0.0..=1e15).contains(&ms) {
        return Err(too_far());
    }
    // Whole microseconds: timestamps are stored to the microsecond.
    let delta = TimeDelta::microseconds((ms * 1000.0).round() as i64);
    now.checked_sub_signed(delta).ok_or_else(too_far)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Status};

    fn row(id: &str, micros: i64) -> ExecutionSummary {
        ExecutionSummary {
            id: id.into(),
            kind: Kind::Task,
            name: "n".into(),
            status: Status::Running,
            created_at: DateTime::from_timestamp_micros(micros).unwrap(),
            completed_at: None,
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let c = Cursor::after(&row("0193:odd id:é", 1_765_000_000_123_456));
        let text = c.to_string();
        assert!(text.starts_with("c1"));
        assert_eq!(text.parse::<Cursor>().unwrap(), c);
        for bad in [
            "",
            "c1",
            "c1zz",
            "x1abcd",
            &text[..text.len() - 1],
            "c13a",
            "c1313a",
        ] {
            let e = bad.parse::<Cursor>().unwrap_err().to_string();
            assert!(e.starts_with("invalid cursor: not a cursor"), "{bad}: {e}");
        }
    }

    #[test]
    fn time_bounds_are_times_or_durations_ago() {
        let now = DateTime::parse_from_rfc3339("2026-12-08T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let t = |s| time_bound_at("--since", s, now).map(|t| t.to_rfc3339());
        assert_eq!(t("2h").unwrap(), "2026-12-08T10:00:00+00:00");
        assert_eq!(t("1d1h30m").unwrap(), "2026-12-07T10:30:00+00:00");
        assert_eq!(
            t("2026-12-01T00:00:00+01:00").unwrap(),
            "2026-11-30T23:00:00+00:00"
        );
        assert_eq!(
            t("2h3").unwrap_err().to_string(),
            "invalid --since: \"2h3\" is neither a duration (`3` has no unit; the units are ms, s, m, h and d) nor an RFC 3339 time (such as 2026-12-08T10:00:00Z)"
        );
        assert_eq!(
            t("2026-13-01").unwrap_err().to_string(),
            "invalid --since: \"2026-13-01\" is not an RFC 3339 time (such as 2026-12-08T10:00:00Z) nor a duration"
        );
        assert!(t("99999999999d").is_err());
    }
}
