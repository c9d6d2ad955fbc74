//! Parser throughput on a generated 10,000-line file. Prints MB/s (10^6 bytes per second,
//! single thread) first; criterion's `thrpt` lines that follow are in MiB/s.

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
    let runs = 20;
    let mb_per_s = |f: &dyn Fn()| {
        f();
        let start = std::time::Instant::now();
        for _ in 0..runs {
            f();
        }
        let secs = start.elapsed().as_secs_f64() / f64::from(runs);
        (text.len() as f64 / 1e6 / secs, secs * 1e3)
    };
    let (parse, parse_ms) = mb_per_s(&|| {
        std::hint::black_box(rhythm_syntax::parse(std::hint::black_box(&text)));
    });
    let (lex, lex_ms) = mb_per_s(&|| {
        std::hint::black_box(rhythm_syntax::lexer::lex(std::hint::black_box(&text)));
    });
    println!(
        "parse: {parse:.1} MB/s ({parse_ms:.2} ms); lex alone: {lex:.1} MB/s ({lex_ms:.2} ms)"
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
