//! Server state shared by the handlers: open documents, the negotiated encoding, the
//! workspace's task manifest, and the guarded execution of analysis and features off the
//! async executor.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use rhythm_analyzer::ide::TaskManifest;
use rhythm_analyzer::{Analysis, Options};
use tower_lsp_server::ls_types::Uri;

use crate::document::Document;
use crate::line_index::{Encoding, LineIndex};

/// Tunables.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// The shortest time between two diagnostics runs of one document; the first change after
    /// a quiet period is analyzed at once, changes during this window are coalesced.
    pub debounce: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            debounce: Duration::from_millis(50),
        }
    }
}

/// Everything a feature needs about one document at one version. `Send`: the analysis holds
/// the green tree, not the red one.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The text.
    pub text: Arc<str>,
    /// Its version.
    pub version: i32,
    /// Its line index.
    pub index: Arc<LineIndex>,
    /// Its analysis.
    pub analysis: Arc<Analysis>,
    /// The negotiated encoding.
    pub encoding: Encoding,
    /// The workspace's task manifest, if any.
    pub manifest: Option<Arc<TaskManifest>>,
}

/// The task manifest, re-read when its file changes.
#[derive(Debug, Default)]
struct ManifestCache {
    path: Option<PathBuf>,
    stamp: Option<SystemTime>,
    manifest: Option<Arc<TaskManifest>>,
}

/// Shared server state.
#[derive(Debug, Default)]
pub struct State {
    /// Open documents.
    pub docs: RwLock<HashMap<Uri, Document>>,
    /// The negotiated position encoding.
    pub encoding: RwLock<Option<Encoding>>,
    /// Tunables.
    pub config: Config,
    manifest: Mutex<ManifestCache>,
}

/// A failure of a guarded computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The computation panicked (a bug); the message says where.
    Panicked(String),
    /// The blocking task was cancelled (the runtime is shutting down).
    Cancelled,
}

impl State {
    /// New state with these tunables.
    pub fn new(config: Config) -> Self {
        State {
            config,
            ..State::default()
        }
    }

    /// The negotiated encoding (UTF-16 until `initialize` says otherwise).
    pub fn encoding(&self) -> Encoding {
        self.encoding
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or(Encoding::Utf16)
    }

    /// Sets the workspace root, where `.rhythm/tasks.json` is looked for.
    pub fn set_root(&self, root: Option<&Path>) {
        let mut cache = self.manifest.lock().unwrap_or_else(PoisonError::into_inner);
        *cache = ManifestCache {
            path: root.map(|r| r.join(".rhythm").join("tasks.json")),
            ..ManifestCache::default()
        };
    }

    /// The task manifest, re-read when the file's modification time changed.
    pub fn manifest(&self) -> Option<Arc<TaskManifest>> {
        let mut cache = self.manifest.lock().unwrap_or_else(PoisonError::into_inner);
        let path = cache.path.clone()?;
        let stamp = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        if stamp.is_none() {
            cache.manifest = None;
            cache.stamp = None;
            return None;
        }
        if stamp != cache.stamp {
            cache.stamp = stamp;
            cache.manifest = match std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|t| TaskManifest::from_json(&t).map_err(|e| e.to_string()))
            {
                Ok(m) => Some(Arc::new(m)),
                Err(e) => {
                    tracing::warn!("ignoring task manifest {}: {e}", path.display());
                    None
                }
            };
        }
        cache.manifest.clone()
    }

    /// A snapshot of `uri`, analyzing it off the executor if its analysis is stale.
    /// `None` when the document is not open or analysis failed.
    pub async fn snapshot(&self, uri: &Uri) -> Result<Option<Snapshot>, Failure> {
        let (text, version, index, analysis) = {
            let docs = self.docs.read().unwrap_or_else(PoisonError::into_inner);
            let Some(doc) = docs.get(uri) else {
                return Ok(None);
            };
            (
                doc.text.clone(),
                doc.version,
                doc.index.clone(),
                doc.analysis.clone(),
            )
        };
        let manifest = self.manifest();
        let options = manifest
            .as_deref()
            .map(Options::from_manifest)
            .unwrap_or_default();
        let source = text.clone();
        let analysis = analysis
            .get_or_try_init(|| async move {
                guarded("analysis", move || {
                    rhythm_analyzer::analyze_with(&source, &options)
                })
                .await
                .map(Arc::new)
            })
            .await?
            .clone();
        Ok(Some(Snapshot {
            text,
            version,
            index,
            analysis,
            encoding: self.encoding(),
            manifest,
        }))
    }

    /// The current version of `uri`, if open.
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.docs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(uri)
            .map(|d| d.version)
    }
}

/// Runs `f` on the blocking pool, turning a panic into a logged [`Failure`] so that a bug in
/// one feature answers an error instead of taking the server down.
pub async fn guarded<T, F>(what: &'static str, f: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let joined =
        tokio::task::spawn_blocking(move || std::panic::catch_unwind(AssertUnwindSafe(f))).await;
    match joined {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(payload)) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            tracing::error!("{what} panicked: {message}");
            Err(Failure::Panicked(format!("{what} failed: {message}")))
        }
        Err(e) => {
            tracing::error!("{what} did not finish: {e}");
            Err(Failure::Cancelled)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_feature_becomes_an_error() {
        let result: Result<(), Failure> = guarded("hover", || panic!("boom")).await;
        assert_eq!(
            result,
            Err(Failure::Panicked("hover failed: boom".to_owned()))
        );
        assert_eq!(guarded("ok", || 42).await, Ok(42));
    }
}
