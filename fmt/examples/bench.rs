//! Formatting throughput: formats the repository's example workflows and this crate's fixtures,
//! concatenated many times, and prints the time and the throughput.
//! Run with `cargo run --release -p rhythm-fmt --example bench`.

use std::time::Instant;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut one = String::new();
    for dir in ["../examples/workflows", "test_data"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        for path in paths {
            // Each file inside a block so that declarations do not clash.
            one.push_str("{\n");
            one.push_str(&std::fs::read_to_string(path).expect("read file"));
            one.push_str("\n}\n");
        }
    }
    let copies = std::env::var("COPIES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(50);
    let text = one.repeat(copies);
    let options = rhythm_fmt::Options::default();
    let runs = 5;
    let start = Instant::now();
    for _ in 0..runs {
        let out = rhythm_fmt::format(&text, &options).expect("formats");
        assert!(!out.is_empty());
    }
    let per_run = start.elapsed().as_secs_f64() / runs as f64;
    let lines = text.lines().count();
    println!(
        "{} bytes, {lines} lines: {:.1} ms per format ({:.1} MB/s, {:.0} lines/ms)",
        text.len(),
        per_run * 1e3,
        text.len() as f64 / per_run / 1e6,
        lines as f64 / per_run / 1e3
    );
}
