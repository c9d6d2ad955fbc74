//! The example files: found under `examples/`, each run case by case and reported.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhythm_testkit::flow_compiler;
use rhythm_testkit::testfile::{self};
use tokio::sync::Semaphore;

use crate::PARALLEL_CASES;
use crate::case::run_case;
use crate::stubs::unsupported;

pub(crate) fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Every `*.test.toml` under `examples/` (recursively, as `rhythm test examples/` finds
/// them), relative to it, with `/` separators.
pub(crate) fn example_files() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read a folder of examples/") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.to_string_lossy().ends_with(".test.toml") {
                out.push(path);
            }
        }
    }
    let root = examples_dir();
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut names: Vec<String> = files
        .iter()
        .filter_map(|p| p.strip_prefix(&root).ok())
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    names.sort();
    names
}

/// Runs every case of `examples/<name>` on Postgres and reports each.
pub(crate) async fn run_file(name: &str) {
    let path = examples_dir().join(name);
    let file = Arc::new(
        testfile::load(&path, flow_compiler())
            .unwrap_or_else(|e| panic!("malformed test file: {e}")),
    );
    assert!(!file.cases.is_empty(), "{name} has no case");
    let mut jobs = Vec::new();
    let sem = Arc::new(Semaphore::new(PARALLEL_CASES));
    for i in 0..file.cases.len() {
        let (file, sem) = (file.clone(), sem.clone());
        jobs.push(tokio::spawn(async move {
            let case = &file.cases[i];
            let label = format!("{} / {}", file.path.display(), case.name);
            if let Some(reason) = unsupported(case) {
                return (label, None, Some(reason), Duration::ZERO);
            }
            let _permit = sem.acquire().await.expect("semaphore");
            let started = Instant::now();
            let failures = run_case(&file, case).await;
            (label, Some(failures), None, started.elapsed())
        }));
    }
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    let total = jobs.len();
    for job in jobs {
        let (label, failures, reason, took) = job.await.expect("a case panicked");
        match (failures, reason) {
            (Some(f), _) if f.is_empty() => println!("ok      {label} ({took:.1?})"),
            (Some(f), _) => {
                println!("FAILED  {label} ({took:.1?})");
                failed.push(format!("{label}:\n  {}", f.join("\n  ")));
            }
            (None, reason) => {
                let reason = reason.unwrap_or_default();
                println!("SKIPPED {label}: {reason}");
                skipped.push(format!("{label}: {reason}"));
            }
        }
    }
    println!(
        "{} passed, {} failed, {} cannot run on Postgres",
        total - failed.len() - skipped.len(),
        failed.len(),
        skipped.len()
    );
    assert!(
        failed.is_empty(),
        "example cases failing on Postgres:\n{}",
        failed.join("\n")
    );
    assert!(
        skipped.is_empty(),
        "example cases that cannot run on Postgres:\n{}",
        skipped.join("\n")
    );
}
