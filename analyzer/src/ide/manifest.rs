//! The task manifest (`.rhythm/tasks.json` in a workspace): the tasks the workers define, with
//! their parameters and docstrings, for completion and hover inside `Task.run("…")`.
//!
//! Format: `{"tasks": [{"name": "…", "parameters": [{"name": "…", "annotation": "…",
//! "required": true}], "doc": "…", "extra_inputs": false}]}`; everything but `name` may be
//! left out (inputs are checked only for entries with `extra_inputs`).

use std::collections::BTreeSet;

use serde::Deserialize;

/// The tasks a workspace's workers define.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct TaskManifest {
    /// The tasks, in the manifest's order.
    pub tasks: Vec<TaskInfo>,
}

/// One task definition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TaskInfo {
    /// The name given to `Task.run`.
    pub name: String,
    /// The task function's parameters.
    #[serde(default)]
    pub parameters: Vec<TaskParam>,
    /// The task's docstring.
    #[serde(default)]
    pub doc: Option<String>,
    /// Present when `parameters` is the complete list (the SDK writes it): `true` when the task
    /// also takes inputs it does not name (Python `**kwargs`). Absent: inputs are not checked.
    #[serde(default)]
    pub extra_inputs: Option<bool>,
    /// Default retries of calls that set none: a count or `{max, initial, factor, maxDelay}`.
    #[serde(default)]
    pub retries: Option<serde_json::Value>,
    /// Default per-attempt timeout: a duration string or seconds.
    #[serde(default)]
    pub timeout: Option<serde_json::Value>,
    /// Default queue.
    #[serde(default)]
    pub queue: Option<String>,
}

/// One parameter of a task.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TaskParam {
    /// The parameter's name (a key of the inputs object).
    pub name: String,
    /// Its type annotation as written in the host language.
    #[serde(default)]
    pub annotation: Option<String>,
    /// Whether the task needs it (no default value).
    #[serde(default)]
    pub required: bool,
}

impl TaskManifest {
    /// Reads a manifest from its JSON text.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The task with this name.
    pub fn task(&self, name: &str) -> Option<&TaskInfo> {
        self.tasks.iter().find(|t| t.name == name)
    }

    /// Every task name (for the analyzer's `unknown-task` check).
    pub fn names(&self) -> BTreeSet<String> {
        self.tasks.iter().map(|t| t.name.clone()).collect()
    }
}

impl TaskInfo {
    /// `name(a: int, b)`, as shown in completion details and hovers.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .parameters
            .iter()
            .map(|p| match &p.annotation {
                Some(a) => format!("{}: {a}", p.name),
                None => p.name.clone(),
            })
            .collect();
        format!("{}({})", self.name, params.join(", "))
    }

    /// The defaults a call gets for the options it leaves out, as `retries 3 · timeout 30s ·
    /// queue payments` (the `default` queue is not mentioned); `None` when there are none.
    pub fn defaults_line(&self) -> Option<String> {
        let plain = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut parts = Vec::new();
        match &self.retries {
            Some(serde_json::Value::Object(policy)) => {
                let fields: Vec<String> = policy
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| format!("{k} {}", plain(v)))
                    .collect();
                parts.push(format!("retries {{ {} }}", fields.join(", ")));
            }
            Some(v) if !v.is_null() => parts.push(format!("retries {}", plain(v))),
            _ => {}
        }
        if let Some(t) = self.timeout.as_ref().filter(|t| !t.is_null()) {
            parts.push(format!("timeout {}", plain(t)));
        }
        if let Some(q) = self.queue.as_deref().filter(|q| *q != "default") {
            parts.push(format!("queue {q}"));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// Markdown documentation: the signature, the defaults of calls, then the docstring.
    pub fn markdown(&self) -> String {
        let mut out = format!("```\ntask {}\n```", self.signature());
        if let Some(defaults) = self.defaults_line() {
            out.push_str(&format!("\n\nDefaults: {defaults}"));
        }
        if let Some(doc) = self.doc.as_deref().filter(|d| !d.trim().is_empty()) {
            out.push_str("\n\n");
            out.push_str(doc.trim());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_manifest_format() {
        let m = TaskManifest::from_json(
            r#"{"tasks": [{"name": "charge", "parameters": [{"name": "amount", "annotation": "float"}, {"name": "note"}], "doc": "Charges."}, {"name": "ping"}]}"#,
        )
        .unwrap();
        assert_eq!(m.tasks.len(), 2);
        assert_eq!(
            m.task("charge").unwrap().signature(),
            "charge(amount: float, note)"
        );
        assert_eq!(m.task("ping").unwrap().markdown(), "```\ntask ping()\n```");
        assert!(TaskManifest::from_json("{}").is_err());
    }

    #[test]
    fn hovers_show_the_defaults_of_calls() {
        let m = TaskManifest::from_json(
            r#"{"tasks": [
                {"name": "a", "retries": 3, "timeout": "30s", "queue": "default", "doc": "A."},
                {"name": "b", "retries": {"max": 5, "initial": 0.5, "maxDelay": null},
                 "queue": "slow"},
                {"name": "c", "retries": null, "timeout": null}]}"#,
        )
        .unwrap();
        assert_eq!(
            m.task("a").unwrap().markdown(),
            "```\ntask a()\n```\n\nDefaults: retries 3 · timeout 30s\n\nA."
        );
        assert_eq!(
            m.task("b").unwrap().defaults_line().as_deref(),
            Some("retries { max 5, initial 0.5 } · queue slow")
        );
        assert_eq!(m.task("c").unwrap().defaults_line(), None);
    }
}
