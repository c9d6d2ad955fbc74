//! Workflows known to the kit: loaded from folders (name = file stem), versioned by the
//! SHA-256 of their source like production, compiled on first use.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rhythm_engine::Vm;
use sha2::{Digest, Sha256};

/// A compiled program the kit can run (shared between executions).
pub type SharedVm = Arc<dyn Vm + Send + Sync>;

/// Turns workflow source into a runnable program.
pub trait Compiler: Send + Sync {
    /// Compiles `source` (of the workflow `name`), or says why it cannot.
    fn compile(&self, name: &str, source: &str) -> Result<SharedVm, String>;
}

/// One version of a workflow.
#[derive(Clone)]
struct Version {
    source: Arc<str>,
    path: Option<PathBuf>,
    /// Compiled on first use; shared by every clone of the registry.
    compiled: Arc<OnceLock<Result<SharedVm, String>>>,
}

/// An error while loading workflows.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A folder or file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
}

/// The workflow registry.
#[derive(Clone)]
pub struct Registry {
    compiler: Arc<dyn Compiler>,
    latest: BTreeMap<String, String>,
    versions: BTreeMap<String, Version>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("latest", &self.latest)
            .finish()
    }
}

/// The version of a source text: hex SHA-256 of its bytes.
pub fn version_of(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

impl Registry {
    /// An empty registry compiling with `compiler`.
    pub fn new(compiler: Arc<dyn Compiler>) -> Self {
        Registry {
            compiler,
            latest: BTreeMap::new(),
            versions: BTreeMap::new(),
        }
    }

    /// Adds (or replaces with a new version) the workflow `name`; returns its version. Running
    /// executions keep the version they started with.
    pub fn add(&mut self, name: &str, source: &str) -> String {
        self.add_with_path(name, source, None)
    }

    fn add_with_path(&mut self, name: &str, source: &str, path: Option<PathBuf>) -> String {
        let version = version_of(source);
        self.versions
            .entry(version.clone())
            .or_insert_with(|| Version {
                source: source.into(),
                path,
                compiled: Arc::default(),
            });
        self.latest.insert(name.to_owned(), version.clone());
        version
    }

    /// Loads every `*.flow` file of `dir` (not recursive); a name already known from an earlier
    /// folder is kept (the first folder wins). Returns the names loaded.
    pub fn load_dir(&mut self, dir: &Path) -> Result<Vec<String>, LoadError> {
        let io = |e: std::io::Error| LoadError::Io {
            path: dir.to_owned(),
            message: e.to_string(),
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "flow") && p.is_file())
            .collect();
        files.sort();
        let mut names = Vec::new();
        for file in files {
            let Some(name) = file.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                continue;
            };
            if self.latest.contains_key(&name) {
                continue;
            }
            self.load_file_as(&name, &file)?;
            names.push(name);
        }
        Ok(names)
    }

    /// Loads one file under `name`.
    pub fn load_file_as(&mut self, name: &str, file: &Path) -> Result<String, LoadError> {
        let source = std::fs::read_to_string(file).map_err(|e| LoadError::Io {
            path: file.to_owned(),
            message: e.to_string(),
        })?;
        Ok(self.add_with_path(name, &source, Some(file.to_owned())))
    }

    /// Whether `name` is known.
    pub fn contains(&self, name: &str) -> bool {
        self.latest.contains_key(name)
    }

    /// The known workflow names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.latest.keys().map(String::as_str)
    }

    /// The newest version of `name`.
    pub fn latest(&self, name: &str) -> Option<&str> {
        self.latest.get(name).map(String::as_str)
    }

    /// The source text of the newest version of `name` (other shells, such as a Postgres
    /// runtime running the same test files, register it).
    pub fn source(&self, name: &str) -> Option<&str> {
        let version = self.latest.get(name)?;
        self.versions.get(version).map(|v| &*v.source)
    }

    /// The program of `version`, compiling it on first use (once for every clone of the
    /// registry).
    pub fn program(&self, name: &str, version: &str) -> Result<SharedVm, String> {
        let Some(v) = self.versions.get(version) else {
            return Err(format!("unknown version {version} of workflow \"{name}\""));
        };
        v.compiled
            .get_or_init(|| {
                self.compiler
                    .compile(name, &v.source)
                    .map_err(|e| match &v.path {
                        Some(p) => format!("{}: {e}", p.display()),
                        None => e,
                    })
            })
            .clone()
    }
}
