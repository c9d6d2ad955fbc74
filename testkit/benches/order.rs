//! The order workflow (process_order.flow) with a signal and a timeout, run end to end in the
//! kit: compile once, then per case a fresh kit, stubs, start, the approval signal (or the 48h
//! timeout), run until done. Target: at least 10,000 cases/s on one core.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rhythm_testkit::{Kit, KitStatus, Registry, Stub, flow_compiler};
use serde_json::json;

fn registry() -> Registry {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/workflows/process_order.flow"),
    )
    .unwrap_or_default();
    let mut registry = Registry::new(flow_compiler());
    let version = registry.add("process_order", &source);
    // Compile once; every clone of the registry shares the compiled program.
    registry.program("process_order", &version).ok();
    registry
}

/// One case; `approve` sends the approval after an hour, otherwise the 48h timeout fires.
fn case(registry: &Registry, approve: bool) -> KitStatus {
    let mut kit = Kit::new(registry.clone());
    kit.stub_task("process-payment", Stub::output(json!({ "id": "pay_1" })));
    kit.stub_task("cancel-order", Stub::output(json!("cancelled")));
    let Ok(id) = kit.start(
        "process_order",
        json!({ "total": 42, "userId": "u1", "orderId": "o1" }),
    ) else {
        return KitStatus::Failed;
    };
    if approve {
        kit.signal_after(
            id,
            3_600_000.0,
            "manager-approval",
            json!({ "approved": true }),
        );
    }
    if kit.run_until_done(id).is_err() {
        return KitStatus::Failed;
    }
    kit.status(id).unwrap_or(KitStatus::Failed)
}

fn bench(c: &mut Criterion) {
    let registry = registry();
    assert_eq!(case(&registry, true), KitStatus::Completed);
    assert_eq!(case(&registry, false), KitStatus::Completed);

    // A plain figure first, printed for the record.
    let n = 20_000;
    let started = Instant::now();
    for i in 0..n {
        black_box(case(&registry, i % 2 == 0));
    }
    let per_sec = f64::from(n) / started.elapsed().as_secs_f64();
    println!(
        "order workflow end to end in the kit: {per_sec:.0} cases/s (one core, {n} cases, half approved, half timed out)"
    );

    let mut group = c.benchmark_group("kit");
    group.throughput(Throughput::Elements(1));
    group.bench_function("order_approved", |b| b.iter(|| case(&registry, true)));
    group.bench_function("order_timeout", |b| b.iter(|| case(&registry, false)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
