//! `rhythm test`: finding test files, running them, printing one line per case, failure
//! details, and the closing `N passed, N failed` line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{load, run_case};
use crate::registry::Compiler;

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Files that could not be read as test files.
    pub malformed: usize,
}

impl Summary {
    /// The process exit status: 0 when all passed, 1 when a case failed, 2 when a file was
    /// malformed (or no test file was found).
    pub fn exit_code(&self) -> u8 {
        if self.malformed > 0 {
            2
        } else if self.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// Every `*.test.toml` under `paths` (files are taken as they are; folders are searched
/// recursively, skipping hidden folders and `target`), sorted.
pub fn find_test_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out);
        } else {
            out.push(path.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if p.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk(&p, out);
            }
        } else if name.ends_with(".test.toml") {
            out.push(p);
        }
    }
}

/// Runs the test files under `paths` (default: the current folder), writing the report to
/// `out`.
pub fn run_paths(
    paths: &[PathBuf],
    compiler: Arc<dyn Compiler>,
    out: &mut dyn Write,
) -> std::io::Result<Summary> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let files = find_test_files(&paths);
    let mut summary = Summary::default();
    if files.is_empty() {
        writeln!(out, "error: no *.test.toml files found")?;
        summary.malformed += 1;
    }
    for path in files {
        let file = match load(&path, compiler.clone()) {
            Ok(file) => file,
            Err(malformed) => {
                writeln!(out, "error: {malformed}")?;
                summary.malformed += 1;
                continue;
            }
        };
        for case in &file.cases {
            let report = run_case(&file, case);
            if report.passed() {
                summary.passed += 1;
                writeln!(out, "ok      {} › {}", path.display(), report.name)?;
                continue;
            }
            summary.failed += 1;
            writeln!(out, "FAILED  {} › {}", path.display(), report.name)?;
            for failure in &report.failures {
                for line in failure.lines() {
                    writeln!(out, "    {line}")?;
                }
            }
            if !report.logs.is_empty() {
                writeln!(out, "    log:")?;
                for line in &report.logs {
                    writeln!(out, "      {line}")?;
                }
            }
            if !report.timeline.is_empty() {
                writeln!(out, "    timeline:")?;
            }
            for line in report.timeline.lines() {
                writeln!(out, "      {line}")?;
            }
        }
    }
    writeln!(out, "{} passed, {} failed", summary.passed, summary.failed)?;
    Ok(summary)
}
