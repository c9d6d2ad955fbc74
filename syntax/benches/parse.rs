//! Parser throughput on a generated 10,000-line file (criterion reports MB/s as `thrpt`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Repeats the valid fixtures until the text has at least 10,000 lines.
fn generated_source() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/ok");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let pieces: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut text = String::new();
    let mut i = 0;
    while text.lines().count() < 10_000 {
        // Each piece is wrapped in a block so that repeated declarations stay distinct scopes.
        text.push_str("{\n");
        text.push_str(&pieces[i % pieces.len()]);
        text.push_str("\n}\n");
        i += 1;
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = generated_source();
    assert!(rhythm_syntax::parse(&text).errors().is_empty());
    eprintln!(
        "input: {} lines, {} bytes",
        text.lines().count(),
        text.len()
    );
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("10k_lines", |b| {
        b.iter(|| rhythm_syntax::parse(std::hint::black_box(&text)))
    });
    group.bench_function("lex_10k_lines", |b| {
        b.iter(|| rhythm_syntax::lexer::lex(std::hint::black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
