//! The handler contract: what a worker runs for a task name. Rust closures implement it
//! directly; other languages (the Python SDK) implement the trait on their own bridge type.

use std::future::Future;
use std::pin::Pin;

use serde_json::{Value, json};

/// The future a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Value, TaskError>> + Send + 'static>>;

/// One task attempt, as given to a handler.
#[derive(Debug, Clone)]
pub struct TaskContext {
    /// The execution the attempt belongs to.
    pub execution_id: String,
    /// The task name.
    pub name: String,
    /// This attempt's number (1 for the first).
    pub attempt: i32,
    /// Attempts allowed in all.
    pub max_attempts: i32,
    /// The task's inputs.
    pub inputs: Value,
}

/// Runs attempts of one task name. Delivery is at least once: a handler may run again for the
/// same execution after a crash or a lost lease, so side effects should be idempotent.
pub trait TaskHandler: Send + Sync + 'static {
    /// Runs one attempt.
    fn call(&self, task: TaskContext) -> HandlerFuture;
}

/// Any `Fn(Value) -> impl Future<Output = Result<Value, TaskError>>` is a handler.
impl<F, Fut> TaskHandler for F
where
    F: Fn(Value) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, TaskError>> + Send + 'static,
{
    fn call(&self, task: TaskContext) -> HandlerFuture {
        Box::pin(self(task.inputs))
    }
}

/// Wraps a closure that wants the whole [`TaskContext`] (attempt number, execution id).
pub struct WithContext<F>(pub F);

impl<F, Fut> TaskHandler for WithContext<F>
where
    F: Fn(TaskContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, TaskError>> + Send + 'static,
{
    fn call(&self, task: TaskContext) -> HandlerFuture {
        Box::pin((self.0)(task))
    }
}

/// A failed attempt. Retryable errors are retried with backoff while attempts remain; the
/// others fail the execution at once.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error_type}: {message}")]
pub struct TaskError {
    /// A short type name (`"Timeout"`, `"ValueError"`, ...), readable as `e.type` in workflows.
    pub error_type: String,
    /// A human message.
    pub message: String,
    /// Whether another attempt may succeed.
    pub retryable: bool,
    /// Where it was raised (an SDK's formatted stack trace), stored as `traceback`.
    pub traceback: Option<String>,
    /// Extra data, stored with the error.
    pub details: Option<Value>,
}

impl TaskError {
    /// A retryable error.
    pub fn new(error_type: impl Into<String>, message: impl Into<String>) -> Self {
        TaskError {
            error_type: error_type.into(),
            message: message.into(),
            retryable: true,
            traceback: None,
            details: None,
        }
    }

    /// An error that fails the execution without further attempts.
    pub fn fatal(error_type: impl Into<String>, message: impl Into<String>) -> Self {
        TaskError {
            retryable: false,
            ..TaskError::new(error_type, message)
        }
    }

    /// The JSON stored as the execution's error: `{type, message, traceback?, details?}`.
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "type": self.error_type, "message": self.message });
        if let Some(obj) = v.as_object_mut() {
            if let Some(traceback) = &self.traceback {
                obj.insert("traceback".to_owned(), Value::String(traceback.clone()));
            }
            if let Some(details) = &self.details {
                obj.insert("details".to_owned(), details.clone());
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_error_has_the_traceback_beside_type_and_message() {
        let mut error = TaskError::new("ValueError", "bad");
        assert_eq!(
            error.to_json(),
            json!({"type": "ValueError", "message": "bad"})
        );
        error.traceback = Some("Traceback ...".to_owned());
        error.details = Some(json!({"code": 7}));
        assert_eq!(
            error.to_json(),
            json!({"type": "ValueError", "message": "bad", "traceback": "Traceback ...",
                   "details": {"code": 7}})
        );
    }
}
