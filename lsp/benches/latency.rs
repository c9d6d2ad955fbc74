//! Latency of the language server on a 5,000-line file, measured over real JSON-RPC:
//! the time from a `didChange` to the diagnostics of that version, and completion latency
//! (with a current analysis, and right after an edit). Prints medians and 90th percentiles.
//!
//! Run with `cargo bench -p rhythm-lsp --bench latency`.

use std::time::{Duration, Instant};

use rhythm_lsp::Config;
use rhythm_lsp::line_index::{Encoding, LineIndex};
use rhythm_lsp::testing::TestClient;
use serde_json::{Value, json};

const URI: &str = "file:///bench/big.flow";
const ROUNDS: usize = 30;

/// A realistic 5,000-line workflow: 500 blocks of 10 lines.
fn big_file() -> String {
    let mut text = String::new();
    for i in 0..500 {
        text.push_str(&format!(
            "async function step{i}(order) {{\n  const amount{i} = order.total * {i}\n  const label = await Task.run(\"label-{i}\", {{ amount: amount{i}, note: \"é😀\" }})\n  if (label.ok) {{\n    await Timer.delay(60)\n  }}\n  return label\n}}\nconst result{i} = await step{i}(Inputs)\nconsole.log(`done ${{result{i}}}`)\n"
        ));
    }
    text
}

fn position(text: &str, offset: usize) -> Value {
    let p = LineIndex::new(text).position(text, (offset as u32).into(), Encoding::Utf16);
    json!({"line": p.line, "character": p.col})
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<42} median {:>7.2} ms   p90 {:>7.2} ms   max {:>7.2} ms",
        at(0.5).as_secs_f64() * 1000.0,
        at(0.9).as_secs_f64() * 1000.0,
        at(1.0).as_secs_f64() * 1000.0
    );
}

async fn run() -> Result<(), rhythm_lsp::testing::ClientError> {
    let mut client = TestClient::start(Config::default());
    client
        .request("initialize", json!({"processId": null, "capabilities": {}}))
        .await?;
    client.notify("initialized", json!({})).await?;
    let mut text = big_file();
    println!("file: {} lines, {} bytes", text.lines().count(), text.len());
    let start = Instant::now();
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "flow", "version": 1, "text": text}}),
        )
        .await?;
    client.diagnostics(URI, 1).await?;
    println!(
        "didOpen → diagnostics: {:.2} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );

    // Type inside the body of the middle function: `  return label` → `  return labelx`...
    let anchor = text
        .match_indices("  return label\n")
        .nth(250)
        .map_or(0, |(i, _)| i + "  return label".len());
    let mut version = 1;
    let mut change_to_diagnostics = Vec::new();
    let mut completion_cached = Vec::new();
    let mut completion_after_edit = Vec::new();
    for round in 0..ROUNDS {
        // Insert or delete one character.
        let (range, new_text) = if round % 2 == 0 {
            (
                json!({"start": position(&text, anchor), "end": position(&text, anchor)}),
                "x",
            )
        } else {
            (
                json!({"start": position(&text, anchor), "end": position(&text, anchor + 1)}),
                "",
            )
        };
        if new_text.is_empty() {
            text.replace_range(anchor..anchor + 1, "");
        } else {
            text.insert_str(anchor, new_text);
        }
        version += 1;
        let t = Instant::now();
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"range": range, "text": new_text}]}),
            )
            .await?;
        client.diagnostics(URI, version).await?;
        change_to_diagnostics.push(t.elapsed());

        // Completion with the analysis already current.
        let cursor = position(&text, anchor - 2);
        let t = Instant::now();
        let r = client
            .request(
                "textDocument/completion",
                json!({"textDocument": {"uri": URI}, "position": cursor}),
            )
            .await?;
        completion_cached.push(t.elapsed());
        assert!(r["result"].as_array().is_some_and(|a| !a.is_empty()), "{r}");
        // Let the debounce window pass so the next change is measured from a quiet state.
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    for round in 0..ROUNDS {
        // Completion right after an edit: includes analyzing the new text.
        let (range, new_text) = if round % 2 == 0 {
            (
                json!({"start": position(&text, anchor), "end": position(&text, anchor)}),
                "x",
            )
        } else {
            (
                json!({"start": position(&text, anchor), "end": position(&text, anchor + 1)}),
                "",
            )
        };
        if new_text.is_empty() {
            text.replace_range(anchor..anchor + 1, "");
        } else {
            text.insert_str(anchor, new_text);
        }
        version += 1;
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"range": range, "text": new_text}]}),
            )
            .await?;
        let cursor = position(&text, anchor - 2);
        let t = Instant::now();
        client
            .request(
                "textDocument/completion",
                json!({"textDocument": {"uri": URI}, "position": cursor}),
            )
            .await?;
        completion_after_edit.push(t.elapsed());
        client.diagnostics(URI, version).await?;
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    // The analyzer's share, measured directly (no server, no protocol).
    let mut analyze = Vec::new();
    let mut complete = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let analysis = rhythm_analyzer::analyze(&text);
        analyze.push(t.elapsed());
        let t = Instant::now();
        let items = rhythm_analyzer::ide::completion::completions(
            &analysis,
            ((anchor - 2) as u32).into(),
            None,
        );
        complete.push(t.elapsed());
        assert!(!items.is_empty());
    }
    summary("analyze() alone", analyze);
    summary("ide::completions() alone", complete);
    summary("didChange → publishDiagnostics", change_to_diagnostics);
    summary("completion (analysis current)", completion_cached);
    summary("completion right after didChange", completion_after_edit);
    Ok(())
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benches; there are none to list.
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    if let Err(e) = runtime.block_on(run()) {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}
