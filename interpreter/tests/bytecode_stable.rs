//! The compiler's output is pinned: every program of the differential corpus (`tests/corpus`,
//! `tests/extra`) and of the repository's `examples/` compiles to the bytecode whose
//! fingerprint the snapshot holds. A refactoring of the compiler must leave the snapshot as it
//! is; a change of the emitted code updates it on purpose.
//!
//! `BYTECODE_ROOT=DIR` prints the fingerprints of the `.flow` files under `DIR` instead (to
//! compare another folder before and after a change).

use std::path::{Path, PathBuf};

use rhythm_interpreter::Program;
use sha2::{Digest, Sha256};

fn flows(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            flows(&p, out);
        } else if p.extension().is_some_and(|e| e == "flow") {
            out.push(p);
        }
    }
}

/// One line per program: its path under `root` and the SHA-256 of its compiled form (every
/// function's instructions, source ranges, local names and the constants), or the error.
fn fingerprints(root: &Path, dirs: &[&str]) -> String {
    let mut files = Vec::new();
    for d in dirs {
        flows(&root.join(d), &mut files);
    }
    assert!(!files.is_empty(), "no programs under {}", root.display());
    let mut out = String::new();
    for f in &files {
        let name = f.strip_prefix(root).unwrap_or(f).display().to_string();
        let src = std::fs::read_to_string(f).expect("reads the program");
        // Compiled past the analyzer's errors, as the differential corpus is.
        let analysis = rhythm_analyzer::analyze(&src);
        let line = match Program::from_module(&src, &analysis.module) {
            Ok(program) => hex::encode(Sha256::digest(format!("{program:?}").as_bytes())),
            Err(e) => format!("error: {e}"),
        };
        out.push_str(&format!("{name} {line}\n"));
    }
    out
}

#[test]
fn bytecode_is_unchanged() {
    if let Ok(root) = std::env::var("BYTECODE_ROOT") {
        print!("{}", fingerprints(Path::new(&root), &[""]));
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().expect("the workspace root");
    insta::assert_snapshot!(fingerprints(
        root,
        &[
            "interpreter/tests/corpus",
            "interpreter/tests/extra",
            "examples"
        ]
    ));
}
