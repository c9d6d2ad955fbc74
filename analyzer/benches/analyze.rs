//! Parse + analyze throughput on a generated 10,000-line file (target: at least 20 MB/s).

use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rhythm_analyzer::analyze;

/// About 10,000 lines: the example workflows, each copy wrapped in its own block (so names do
/// not clash) inside a function (so `return` stays valid), repeated.
fn generated() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut examples: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    examples.sort();
    let mut text = String::new();
    let mut lines = 0;
    let mut i = 0;
    while lines < 10_000 && !examples.is_empty() {
        let body = &examples[i % examples.len()];
        text.push_str(&format!(
            "async function copy{i}() {{\n{body}\n}}\nawait copy{i}()\n"
        ));
        lines += body.lines().count() + 3;
        i += 1;
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = generated();
    let start = Instant::now();
    let runs = 5;
    for _ in 0..runs {
        std::hint::black_box(analyze(std::hint::black_box(&text)));
    }
    let secs = start.elapsed().as_secs_f64() / f64::from(runs);
    println!(
        "parse+analyze: {} lines, {} bytes, {:.1} MB/s",
        text.lines().count(),
        text.len(),
        text.len() as f64 / 1e6 / secs
    );
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(rhythm_syntax::parse(std::hint::black_box(&text)));
    }
    let parse_secs = start.elapsed().as_secs_f64() / f64::from(runs);
    println!(
        "parse alone: {:.1} MB/s ({:.1} ms of {:.1} ms)",
        text.len() as f64 / 1e6 / parse_secs,
        parse_secs * 1e3,
        secs * 1e3
    );
    let diagnostics = analyze(&text).diagnostics;
    println!("diagnostics in the generated file: {}", diagnostics.len());
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("10k_lines", |b| {
        b.iter(|| analyze(std::hint::black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
