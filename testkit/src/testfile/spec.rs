//! The shape of a `*.test.toml` file, read with spans so every mistake has a line and column.

use std::collections::BTreeMap;
use std::fmt;

use rhythm_engine::duration::parse_duration;
use rhythm_interpreter::effects::Json;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// Folders workflow names resolve in, relative to the file.
    pub workflows: Option<Spanned<Vec<String>>>,
    /// The cases.
    #[serde(default, rename = "case")]
    pub cases: Vec<CaseSpec>,
}

/// One `[[case]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    /// The case's name.
    pub name: String,
    /// A workflow name, or a path to a `.flow` file.
    pub workflow: Spanned<String>,
    /// The workflow inputs.
    pub inputs: Option<Json>,
    /// When the clock starts (an ISO instant).
    pub start: Option<Spanned<String>>,
    /// Task stubs.
    #[serde(default)]
    pub tasks: BTreeMap<String, Spanned<StubSpec>>,
    /// Child workflow stubs.
    #[serde(default)]
    pub workflows: BTreeMap<String, Spanned<StubSpec>>,
    /// Things that happen from outside.
    #[serde(default)]
    pub events: Vec<Spanned<EventSpec>>,
    /// What must hold at the end.
    #[serde(default)]
    pub expect: ExpectSpec,
}

/// One stubbed attempt.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttemptSpec {
    /// The output.
    pub output: Option<Json>,
    /// The output as JSON text.
    pub output_json: Option<JsonText>,
    /// The failure.
    pub error: Option<Json>,
    /// How long the attempt lasts.
    pub takes: Option<DurationSpec>,
}

/// A stub: one table (every attempt) or an array (successive attempts, the last repeats).
#[derive(Debug, Clone)]
pub enum StubSpec {
    /// Every attempt.
    One(Box<AttemptSpec>),
    /// Successive attempts.
    Many(Vec<AttemptSpec>),
}

impl<'de> Deserialize<'de> for StubSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StubSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table { output, output_json, error, takes } or an array of them")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StubSpec, A::Error> {
                AttemptSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|a| StubSpec::One(Box::new(a)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<StubSpec, A::Error> {
                let many =
                    Vec::<AttemptSpec>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                if many.is_empty() {
                    return Err(de::Error::custom("a stub array needs at least one attempt"));
                }
                Ok(StubSpec::Many(many))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// An outside event.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// When, measured from the start of the execution.
    pub at: DurationSpec,
    /// A signal name.
    pub signal: Option<String>,
    /// The signal's payload.
    pub payload: Option<Json>,
    /// The signal's payload as JSON text.
    pub payload_json: Option<JsonText>,
    /// A client cancels the execution.
    pub cancel: Option<bool>,
}

/// `[case.expect]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    /// `completed`, `failed`, `cancelled` or `waiting`.
    pub status: Option<StatusSpec>,
    /// The exact output.
    pub output: Option<Json>,
    /// The exact output as JSON text.
    pub output_json: Option<Spanned<JsonText>>,
    /// A subset of the stored error.
    pub error: Option<Json>,
    /// Task names, one per attempt, in start order.
    pub calls: Option<Vec<String>>,
    /// Fake time at the end.
    pub elapsed: Option<DurationSpec>,
    /// `console.log` lines, exact.
    pub logs: Option<Vec<String>>,
}

/// An expected status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusSpec {
    /// Ended with an output.
    Completed,
    /// Ended with an error.
    Failed,
    /// Ended as cancelled.
    Cancelled,
    /// Waits with no timer or event left.
    Waiting,
}

impl StatusSpec {
    /// The status's name.
    pub fn name(self) -> &'static str {
        match self {
            StatusSpec::Completed => "completed",
            StatusSpec::Failed => "failed",
            StatusSpec::Cancelled => "cancelled",
            StatusSpec::Waiting => "waiting",
        }
    }
}

/// A duration: a string such as `"1h30m"` or `"500ms"`, or a number of seconds. In milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationSpec(pub f64);

impl<'de> Deserialize<'de> for DurationSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DurationSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a duration such as \"30s\", \"1h30m\", \"500ms\" or a number of seconds",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DurationSpec, E> {
                parse_duration(v).map(DurationSpec).ok_or_else(|| {
                    E::custom(format!(
                        "bad duration \"{v}\" (expected e.g. \"30s\", \"1h30m\", \"500ms\", \"7d\")"
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DurationSpec, E> {
                if v < 0 {
                    return Err(E::custom("a duration cannot be negative"));
                }
                Ok(DurationSpec(v as f64 * 1000.0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DurationSpec, E> {
                Ok(DurationSpec(v as f64 * 1000.0))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DurationSpec, E> {
                if !v.is_finite() || v < 0.0 {
                    return Err(E::custom(
                        "a duration must be a finite, non-negative number of seconds",
                    ));
                }
                Ok(DurationSpec(v * 1000.0))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A value written as JSON text (for values TOML cannot write, such as `null`).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonText(pub Json);

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text)
            .map(JsonText)
            .map_err(|e| de::Error::custom(format!("invalid JSON: {e}")))
    }
}

impl AttemptSpec {
    /// Checks that at most one of output, output_json and error is given.
    pub fn conflict(&self) -> Option<&'static str> {
        let n = [
            self.output.is_some(),
            self.output_json.is_some(),
            self.error.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        (n > 1).then_some("a stub takes only one of `output`, `output_json` and `error`")
    }
}
