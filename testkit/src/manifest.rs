//! The task manifest next to a project's workflows (`.rhythm/tasks.json`, written by the SDK's
//! worker or `python -m rhythm manifest`): the kit reads the defaults the task definitions set
//! (`retries`, `timeout`, `queue`), so retries and timeouts in tests behave as in production.

use std::path::{Path, PathBuf};

use rhythm_engine::{DefaultsError, TaskDefinitions};

/// A manifest that cannot be read: where and what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct ManifestError {
    /// The manifest file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// The nearest `.rhythm/tasks.json` in `folder` or above it.
pub fn find_manifest(folder: &Path) -> Option<PathBuf> {
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let start = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
    start
        .ancestors()
        .map(|dir| dir.join(".rhythm").join("tasks.json"))
        .find(|candidate| candidate.is_file())
}

/// Reads the task defaults of the manifest at `path`.
pub fn read_manifest(path: &Path) -> Result<TaskDefinitions, ManifestError> {
    let at = |line: usize, column: usize, message: String| ManifestError {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| at(1, 1, format!("cannot read the task manifest: {e}")))?;
    TaskDefinitions::from_manifest(&text).map_err(|e| match e {
        DefaultsError::Json {
            line,
            column,
            message,
        } => at(
            line,
            column,
            format!("the task manifest is not valid JSON: {message}"),
        ),
        other => at(1, 1, format!("invalid task manifest: {other}")),
    })
}

/// The task defaults of the nearest manifest in `folder` or above (none found: no defaults).
pub fn task_defaults_near(folder: &Path) -> Result<TaskDefinitions, ManifestError> {
    match find_manifest(folder) {
        Some(path) => read_manifest(&path),
        None => Ok(TaskDefinitions::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_manifest_above_and_reads_its_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        let nested = dir.path().join("a").join("b");
        std::fs::create_dir_all(&nested).expect("folders");
        assert!(task_defaults_near(&nested).expect("no manifest").is_empty());

        std::fs::create_dir_all(dir.path().join(".rhythm")).expect("folder");
        std::fs::write(
            dir.path().join(".rhythm/tasks.json"),
            r#"{"tasks": [{"name": "pay", "retries": 2, "timeout": "5s"}]}"#,
        )
        .expect("write");
        let defaults = task_defaults_near(&nested).expect("valid manifest");
        assert_eq!(defaults.get("pay").and_then(|d| d.timeout_ms), Some(5000.0));
    }

    #[test]
    fn a_broken_manifest_is_reported_with_its_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("tasks.json");
        std::fs::write(
            &path,
            "{\"tasks\": [\n  {\"name\": \"pay\", \"retries\": \"x\"}]}",
        )
        .expect("write");
        let err = read_manifest(&path)
            .expect_err("invalid retries")
            .to_string();
        assert!(err.contains("tasks.json:1:1"), "{err}");
        assert!(err.contains("\"pay\": retries"), "{err}");

        std::fs::write(&path, "{\"tasks\": [\n  {\"name\" }]}").expect("write");
        let err = read_manifest(&path).expect_err("invalid JSON").to_string();
        assert!(err.contains("tasks.json:2:"), "{err}");
    }
}
