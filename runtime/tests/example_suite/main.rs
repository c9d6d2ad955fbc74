//! Every case of the test kit's example suite (`examples/**/*.test.toml`) run on Postgres, with a
//! real worker, real steps and real (short) durations.
//!
//! Each case gets its own database and its own worker. Task stubs become Rust handlers that
//! return the scripted outputs and errors; stubbed child workflows become generated `.flow`
//! programs (a `Timer.delay` for `takes`, then `return` or `throw` of the stubbed value).
//!
//! **Time.** The engine keeps absolute instants (timers, waits) in its saved state but never
//! compares them with the clock when a timer fires: Postgres decides when things are due
//! (`rhythm_timers.fire_at`, `rhythm_ready.run_at`, `rhythm_attempts.deadline_at`). So the
//! harness makes hours pass by moving those instants back. It keeps a virtual clock `V = real
//! time since the start + S`, where `S` is the sum of the shifts. When the database is
//! *quiescent* (nothing due, no step or claim in progress, every attempt in flight is a handler
//! sleeping through its stubbed `takes`), it picks the earliest of: the next due instant in the
//! database, the next sleeping handler's end, the next scripted event; then, in one transaction
//! that locks the three tables (so nothing is written meanwhile), moves every due instant back
//! by `target - V` and adds it to `S`; then releases the sleepers whose end is reached, or sends
//! the event. Stubbed `takes` sleep on that clock, never on the wall clock. Everything between
//! two advances runs for real on the worker.
//!
//! Deviations from the kit, none of which an example depends on:
//! - Elapsed time includes real processing time: it is checked as `S <= expected <= V(end)`.
//! - A stub array is indexed by creation order of the attempts of that task name (every
//!   attempt is its own execution here), which is the kit's start order except when a delayed
//!   retry and a new call of the same name interleave. `calls` are listed in the same order.
//! - The wall clock is not the kit's 2026-01-01 (workflows reading `Date.now()` differ).
//! - Child workflow stubs must be a single result (`Stub::Always`).

mod advance;
mod case;
mod clock;
mod files;
mod stubs;

use std::time::Duration;

use rhythm_testkit::flow_compiler;
use rhythm_testkit::testfile;

use case::run_case;
use files::{example_files, examples_dir, run_file};

/// Cases of one file run at once (each has its own database, worker and connections).
const PARALLEL_CASES: usize = 2;

/// Real time a case may take before it counts as hung.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

fn master_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn url_of(db: &str) -> String {
    let base = master_url();
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("DATABASE_URL has a database name");
    format!("{prefix}/{db}")
}

/// One test per example file (so they run in parallel and each stays short), and a check that
/// no example file is left out.
macro_rules! example_files {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                run_file($file).await;
            }
        )*

        #[test]
        fn every_example_file_has_a_postgres_test() {
            let covered = [$($file),*];
            let files = example_files();
            assert!(!files.is_empty(), "no examples/**/*.test.toml found");
            for f in &files {
                assert!(
                    covered.contains(&f.as_str()),
                    "examples/{f} has no Postgres test: add it to example_files! in {}",
                    file!()
                );
            }
            assert_eq!(files.len(), covered.len(), "a listed example file is missing");
        }
    };
}

example_files! {
    onboarding_examples_pass_on_postgres => "onboarding.test.toml",
    process_order_examples_pass_on_postgres => "process_order.test.toml",
    refund_examples_pass_on_postgres => "refund.test.toml",
    report_batch_examples_pass_on_postgres => "report_batch.test.toml",
    orders_examples_pass_on_postgres => "orders/process_order.test.toml",
}

/// The harness is not vacuous: wrong expectations and a missing stub are reported, by field,
/// as the kit reports them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_harness_reports_what_differs() {
    let text = r#"
workflows = ["workflows"]

[[case]]
name = "wrong on purpose"
workflow = "process_order"
inputs = { total = 42, userId = "u1", orderId = "o1" }

[case.tasks]
"process-payment" = { output = { id = "pay_1" } }

[[case.events]]
at = "1h"
signal = "manager-approval"
payload = { approved = true }

[case.expect]
status = "failed"
output = { status = "shipped", paymentId = "pay_2" }
calls = ["process-payment", "cancel-order"]
elapsed = "2h"
logs = ["nothing"]

[[case]]
name = "no stub for the payment"
workflow = "process_order"
inputs = { total = 42, userId = "u1", orderId = "o1" }
"#;
    let path = examples_dir().join("harness_self_test.test.toml");
    let file = testfile::parse(&path, text, flow_compiler()).expect("a valid test file");
    let wrong = &file.cases[0];
    assert!(
        !testfile::run_case(&file, wrong).passed(),
        "the kit fails it too"
    );
    let failures = run_case(&file, wrong).await;
    let starts: Vec<&str> = failures
        .iter()
        .map(|f| f.split([':', ' ']).next().unwrap_or(""))
        .collect();
    assert_eq!(
        starts,
        ["status", "output", "calls", "elapsed", "logs"],
        "{failures:#?}"
    );
    assert!(
        failures[0].contains("expected failed, got completed"),
        "{failures:#?}"
    );
    assert!(
        failures[1].contains("-   \"paymentId\": \"pay_2\""),
        "{failures:#?}"
    );
    assert!(
        failures[1].contains("+   \"paymentId\": \"pay_1\""),
        "{failures:#?}"
    );
    assert!(failures[3].contains("expected 2h, got 1h"), "{failures:#?}");

    let failures = run_case(&file, &file.cases[1]).await;
    assert_eq!(
        failures,
        ["task process-payment called with no stub"],
        "{failures:#?}"
    );
}
