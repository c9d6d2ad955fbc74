//! Task defaults: what a task's definition in the SDK (`@rhythm.task(retries=3, timeout="30s",
//! queue="payments")`) sets for the calls that leave an option out.
//!
//! A call's own options always win; a default fills only what the call left out, at the moment
//! of the call, and is then part of the call (its retries keep the policy they started with).
//! Definitions arrive as task-manifest entries (`.rhythm/tasks.json`, or what a worker
//! registers in the database): `{"name", "queue", "retries", "timeout"}`, where `retries` is a
//! count or `{ "max", "initial", "factor", "maxDelay" }` and durations are written as in Flow
//! (`"30s"`, or a number of seconds). Other keys of an entry (parameters, docs) are ignored.

use std::collections::HashMap;
use std::sync::Arc;

use rhythm_interpreter::effects::{Json, RetryPolicy, TaskOptions};

use crate::duration::parse_duration;

/// A task definition's defaults for calls that leave an option out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskDefaults {
    /// Retry policy (none: one attempt).
    pub retries: Option<RetryPolicy>,
    /// Timeout of each attempt, in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Queue the task goes to.
    pub queue: Option<String>,
}

/// Task definitions that cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DefaultsError {
    /// The text is not JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
    },
    /// The JSON does not have the manifest's shape.
    #[error("{0}")]
    Shape(String),
    /// One option of one task is invalid.
    #[error("task {task:?}: {message}")]
    Option {
        /// The task's name.
        task: String,
        /// What is wrong.
        message: String,
    },
}

impl TaskDefaults {
    /// Reads the defaults of one manifest entry (`{"queue", "retries", "timeout"}`; `null` or
    /// absent keys set nothing). `task` names the entry in errors.
    pub fn from_entry(task: &str, entry: &Json) -> Result<Self, DefaultsError> {
        let invalid = |message: String| DefaultsError::Option {
            task: task.to_owned(),
            message,
        };
        let Json::Object(fields) = entry else {
            return Err(invalid(format!(
                "a definition must be an object, not {entry}"
            )));
        };
        let queue = match fields.get("queue") {
            None | Some(Json::Null) => None,
            Some(Json::String(q)) if !q.is_empty() => Some(q.clone()),
            Some(other) => return Err(invalid(format!("queue must be a name, not {other}"))),
        };
        let timeout_ms = match fields.get("timeout") {
            None | Some(Json::Null) => None,
            Some(t) => Some(duration(t).map_err(|m| invalid(format!("timeout: {m}")))?),
        };
        let retries = match fields.get("retries") {
            None | Some(Json::Null) => None,
            Some(r) => Some(retry_policy(r).map_err(|m| invalid(format!("retries: {m}")))?),
        };
        Ok(TaskDefaults {
            retries,
            timeout_ms,
            queue,
        })
    }

    /// Fills the options `call` left out.
    pub fn fill(&self, call: &mut TaskOptions) {
        if call.retries.is_none() {
            call.retries.clone_from(&self.retries);
        }
        if call.timeout_ms.is_none() {
            call.timeout_ms = self.timeout_ms;
        }
        if call.queue.is_none() {
            call.queue.clone_from(&self.queue);
        }
    }
}

/// The defaults of every defined task, by name. Cheap to clone (shared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskDefinitions {
    by_name: Arc<HashMap<String, TaskDefaults>>,
}

impl TaskDefinitions {
    /// Reads a task manifest (`{"tasks": [{"name", …}]}`).
    pub fn from_manifest(text: &str) -> Result<Self, DefaultsError> {
        let manifest: Json = serde_json::from_str(text).map_err(|e| DefaultsError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let Some(Json::Array(tasks)) = manifest.get("tasks") else {
            return Err(DefaultsError::Shape(
                "a task manifest is an object with a \"tasks\" array".to_owned(),
            ));
        };
        let mut definitions = TaskDefinitions::default();
        for entry in tasks {
            let Some(name) = entry.get("name").and_then(Json::as_str) else {
                return Err(DefaultsError::Shape(format!(
                    "every task of a manifest has a \"name\" string: {entry}"
                )));
            };
            definitions.insert(name, TaskDefaults::from_entry(name, entry)?);
        }
        Ok(definitions)
    }

    /// Sets the defaults of the task `name`.
    pub fn insert(&mut self, name: &str, defaults: TaskDefaults) {
        Arc::make_mut(&mut self.by_name).insert(name.to_owned(), defaults);
    }

    /// The defaults of the task `name`.
    pub fn get(&self, name: &str) -> Option<&TaskDefaults> {
        self.by_name.get(name)
    }

    /// How many tasks have definitions.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether no task has a definition.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Fills the options a call of `task` left out from its definition, if any.
    pub fn fill(&self, task: &str, call: &mut TaskOptions) {
        if let Some(defaults) = self.get(task) {
            defaults.fill(call);
        }
    }
}

fn duration(value: &Json) -> Result<f64, String> {
    let parsed = match value {
        Json::String(text) => parse_duration(text),
        Json::Number(n) => n.as_f64().and_then(|s| parse_duration(&s.to_string())),
        _ => None,
    };
    parsed.ok_or_else(|| format!("{value} is not a duration (try \"30s\", \"1h30m\" or seconds)"))
}

fn count(value: &Json) -> Result<u32, String> {
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("{value} is not a count of retries"))
}

fn retry_policy(value: &Json) -> Result<RetryPolicy, String> {
    let Json::Object(fields) = value else {
        return count(value).map(RetryPolicy::count);
    };
    if let Some(key) = fields
        .keys()
        .find(|k| !["max", "initial", "factor", "maxDelay"].contains(&k.as_str()))
    {
        return Err(format!(
            "unknown key {key:?} (expected max, initial, factor, maxDelay)"
        ));
    }
    let present = |key: &str| fields.get(key).filter(|v| !v.is_null());
    let mut policy = RetryPolicy::count(present("max").map(count).transpose()?.unwrap_or(3));
    if let Some(initial) = present("initial") {
        policy.initial_ms = duration(initial)?;
    }
    if let Some(factor) = present("factor") {
        policy.factor = factor
            .as_f64()
            .filter(|f| f.is_finite() && *f >= 1.0)
            .ok_or_else(|| format!("factor {factor} must be a number ≥ 1"))?;
    }
    if let Some(max_delay) = present("maxDelay") {
        policy.max_delay_ms = Some(duration(max_delay)?);
    }
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entry(value: Json) -> Result<TaskDefaults, DefaultsError> {
        TaskDefaults::from_entry("charge", &value)
    }

    #[test]
    fn reads_counts_policies_and_durations() {
        let d = entry(json!({"queue": "payments", "retries": 3, "timeout": "30s"}))
            .expect("valid entry");
        assert_eq!(d.queue.as_deref(), Some("payments"));
        assert_eq!(d.retries, Some(RetryPolicy::count(3)));
        assert_eq!(d.timeout_ms, Some(30_000.0));

        let d = entry(
            json!({"retries": {"max": 5, "initial": "200ms", "factor": 3,
                                         "maxDelay": "1m"}, "timeout": 1.5}),
        )
        .expect("valid entry");
        let policy = d.retries.expect("a policy");
        assert_eq!(
            (policy.max, policy.initial_ms, policy.factor),
            (5, 200.0, 3.0)
        );
        assert_eq!(policy.max_delay_ms, Some(60_000.0));
        assert_eq!(d.timeout_ms, Some(1500.0));

        let d = entry(json!({"name": "charge", "parameters": [], "retries": null}))
            .expect("null sets nothing");
        assert_eq!(d, TaskDefaults::default());
    }

    #[test]
    fn bad_options_name_the_task_and_the_option() {
        for (bad, needle) in [
            (json!({"retries": -1}), "retries"),
            (json!({"retries": "3"}), "retries"),
            (json!({"retries": {"max": 2, "tries": 1}}), "tries"),
            (json!({"retries": {"factor": 0.5}}), "factor"),
            (json!({"timeout": "soon"}), "timeout"),
            (json!({"queue": 7}), "queue"),
            (json!([1]), "object"),
        ] {
            let message = entry(bad).expect_err("invalid").to_string();
            assert!(message.contains("\"charge\""), "{message}");
            assert!(message.contains(needle), "{message}");
        }
    }

    #[test]
    fn fills_only_what_the_call_left_out() {
        let defaults = TaskDefaults {
            retries: Some(RetryPolicy::count(3)),
            timeout_ms: Some(30_000.0),
            queue: Some("payments".to_owned()),
        };
        let mut call = TaskOptions {
            retries: Some(RetryPolicy::count(0)),
            ..TaskOptions::default()
        };
        defaults.fill(&mut call);
        assert_eq!(call.retries, Some(RetryPolicy::count(0)));
        assert_eq!(call.timeout_ms, Some(30_000.0));
        assert_eq!(call.queue.as_deref(), Some("payments"));
    }

    #[test]
    fn reads_a_manifest_and_reports_where_it_is_broken() {
        let defs = TaskDefinitions::from_manifest(
            r#"{"tasks": [{"name": "charge", "retries": 2}, {"name": "ship"}]}"#,
        )
        .expect("valid manifest");
        assert_eq!(defs.len(), 2);
        assert_eq!(
            defs.get("charge").and_then(|d| d.retries.clone()),
            Some(RetryPolicy::count(2))
        );

        let err = TaskDefinitions::from_manifest("{\"tasks\": [\n  {\"name\": }]}")
            .expect_err("broken JSON");
        assert!(
            matches!(err, DefaultsError::Json { line: 2, .. }),
            "{err:?}"
        );
        let err =
            TaskDefinitions::from_manifest(r#"{"tasks": [{"retries": 1}]}"#).expect_err("no name");
        assert!(err.to_string().contains("name"), "{err}");
        assert!(TaskDefinitions::from_manifest("[]").is_err());
    }
}
