//! Hot paths of `rhythm_interpreter::js`: number formatting and parsing (every string
//! concatenation and property key with a number goes through them), UTF-16 string
//! indexing, and date formatting.
#![allow(missing_docs)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use rhythm_interpreter::js::{date, number, string};

fn numbers(c: &mut Criterion) {
    let values = [
        0.0,
        42.0,
        -17.0,
        0.1 + 0.2,
        1e21,
        123.456,
        5e-324,
        9_007_199_254_740_993.0,
    ];
    c.bench_function("number::to_string (8 values)", |b| {
        b.iter(|| {
            for &x in &values {
                black_box(number::to_string(black_box(x)));
            }
        })
    });
    c.bench_function("number::to_fixed(2) (8 values)", |b| {
        b.iter(|| {
            for &x in &values {
                let _ = black_box(number::to_fixed(black_box(x), 2.0));
            }
        })
    });
    let strings = [
        "42",
        "  -17.5 ",
        "0x1F",
        "1e21",
        "abc",
        "0.30000000000000004",
    ];
    c.bench_function("number::string_to_number (6 strings)", |b| {
        b.iter(|| {
            for s in &strings {
                black_box(number::string_to_number(black_box(s)));
            }
        })
    });
    c.bench_function("number::is_array_index", |b| {
        b.iter(|| black_box(number::is_array_index(black_box("12345"))))
    });
}

fn strings(c: &mut Criterion) {
    let ascii = "order-12345: shipped to warehouse 7".repeat(4);
    let unicode = "commande n°12345 expédiée 📦 entrepôt 7".repeat(4);
    c.bench_function("string::slice ascii", |b| {
        b.iter(|| black_box(string::slice(black_box(&ascii), 6.0, Some(-3.0))))
    });
    c.bench_function("string::slice unicode", |b| {
        b.iter(|| black_box(string::slice(black_box(&unicode), 6.0, Some(-3.0))))
    });
    c.bench_function("string::len unicode", |b| {
        b.iter(|| black_box(string::len(black_box(&unicode))))
    });
    c.bench_function("string::index_of unicode", |b| {
        b.iter(|| black_box(string::index_of(black_box(&unicode), "7", 3.0)))
    });
    c.bench_function("string::split ascii", |b| {
        b.iter(|| black_box(string::split(black_box(&ascii), Some(" "), None)))
    });
}

fn dates(c: &mut Criterion) {
    c.bench_function("date::to_iso_string", |b| {
        b.iter(|| black_box(date::to_iso_string(black_box(1_767_225_600_123.0))))
    });
    c.bench_function("date::parse iso", |b| {
        b.iter(|| black_box(date::parse(black_box("2026-01-01T10:00:00.123Z"))))
    });
}

criterion_group!(benches, numbers, strings, dates);
criterion_main!(benches);
