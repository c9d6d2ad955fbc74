//! The error objects the engine throws into workflows (language.md §7): each has `type`,
//! `name` (mirroring `type`) and `message`, plus fields that say what failed.

use rhythm_interpreter::effects::Json;
use serde_json::{Map, json};

use crate::duration::format_duration;

/// Turns whatever a worker reported as a failure into an error object with `type`, `name` and
/// `message` (missing fields are filled in; a non-object becomes the message of an `Error`).
pub fn normalize_error(error: Json) -> Json {
    match error {
        Json::Object(mut map) => {
            let ty = match map.get("type").or_else(|| map.get("name")) {
                Some(Json::String(s)) => s.clone(),
                _ => "Error".to_owned(),
            };
            map.entry("type")
                .or_insert_with(|| Json::String(ty.clone()));
            map.entry("name").or_insert_with(|| Json::String(ty));
            map.entry("message")
                .or_insert_with(|| Json::String(String::new()));
            Json::Object(map)
        }
        Json::String(message) => error_object("Error", message),
        other => error_object("Error", other.to_string()),
    }
}

/// `{ type, name, message }`.
pub fn error_object(ty: &str, message: impl Into<String>) -> Json {
    let mut map = Map::new();
    map.insert("type".into(), json!(ty));
    map.insert("name".into(), json!(ty));
    map.insert("message".into(), Json::String(message.into()));
    Json::Object(map)
}

/// The `Timeout` failure of one task attempt that ran past its per-attempt timeout.
pub fn attempt_timeout(task: &str, attempt: u32, timeout_ms: f64) -> Json {
    error_object(
        "Timeout",
        format!(
            "attempt {attempt} of task \"{task}\" timed out after {}",
            format_duration(timeout_ms)
        ),
    )
}

/// `{ type: "TaskFailed", task, message, attempts, cause }`: a task failed after its retries.
pub fn task_failed(task: &str, attempts: u32, cause: Json) -> Json {
    let cause_message = cause.get("message").and_then(Json::as_str).unwrap_or("");
    let plural = if attempts == 1 { "" } else { "s" };
    let mut error = error_object(
        "TaskFailed",
        format!("task \"{task}\" failed after {attempts} attempt{plural}: {cause_message}"),
    );
    if let Json::Object(map) = &mut error {
        map.insert("task".into(), json!(task));
        map.insert("attempts".into(), json!(attempts));
        map.insert("cause".into(), cause);
    }
    error
}

/// `{ type: "Timeout" }` thrown by `Signal.next(name, { timeout })`.
pub fn signal_timeout(signal: &str, waited_ms: f64) -> Json {
    error_object(
        "Timeout",
        format!(
            "no signal \"{signal}\" arrived within {}",
            format_duration(waited_ms)
        ),
    )
}

/// `{ type: "WorkflowFailed", workflow, executionId, message, cause }`: a child failed.
pub fn workflow_failed(workflow: &str, execution_id: &str, cause: Json) -> Json {
    let cause_message = cause.get("message").and_then(Json::as_str).unwrap_or("");
    let mut error = error_object(
        "WorkflowFailed",
        format!("workflow \"{workflow}\" ({execution_id}) failed: {cause_message}"),
    );
    if let Json::Object(map) = &mut error {
        map.insert("workflow".into(), json!(workflow));
        map.insert("executionId".into(), json!(execution_id));
        map.insert("cause".into(), cause);
    }
    error
}

/// `{ type: "Cancelled" }`: the execution was cancelled by a client.
pub fn cancelled() -> Json {
    error_object("Cancelled", "the execution was cancelled")
}

/// The error an execution fails with when its saved VM state cannot be resumed.
pub fn state_error(message: impl Into<String>) -> Json {
    error_object("StateError", message)
}

/// The `type` field of an error object, if it has one.
pub fn error_type(error: &Json) -> Option<&str> {
    error.get("type").and_then(Json::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_partial_errors() {
        assert_eq!(
            normalize_error(json!({ "type": "Flaky" })),
            json!({ "type": "Flaky", "name": "Flaky", "message": "" })
        );
        assert_eq!(
            normalize_error(json!("boom")),
            json!({ "type": "Error", "name": "Error", "message": "boom" })
        );
    }

    #[test]
    fn task_failed_shape() {
        let e = task_failed("pay", 3, error_object("Flaky", "try again"));
        assert_eq!(e["type"], "TaskFailed");
        assert_eq!(e["name"], "TaskFailed");
        assert_eq!(e["attempts"], 3);
        assert_eq!(e["cause"]["message"], "try again");
        assert_eq!(
            e["message"],
            "task \"pay\" failed after 3 attempts: try again"
        );
    }
}
