//! `rhythm inspect`: what an execution is doing and why — the await it waits at, shown as a
//! compiler shows a diagnostic, its stack with each frame's variables, what it waits on with
//! the reason in words, buffered signals, children and logs.

use std::fmt::Write as _;
use std::process::ExitCode;

use rhythm_runtime::Inspection;
use rhythm_runtime::inspect::{Location, RenderLimits};
use serde_json::Value;

use super::db::{self, DbArgs, Failure};
use super::status::Format;

/// Arguments of `rhythm inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The execution id.
    pub id: String,
    /// Output format (`json`: the inspector's JSON contract, see docs/runtime.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show the whole history (default: the newest 20 events).
    #[arg(long)]
    pub history: bool,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("inspect", async move {
        let client = args.db.client().await?;
        let history_limit = if args.history { 1_000_000 } else { 20 };
        let inspection = client
            .inspect_with(&args.id, RenderLimits::default(), 50, history_limit)
            .await?;
        match args.format {
            Format::Json => {
                let v = serde_json::to_value(&inspection)
                    .map_err(|err| Failure::failed(err.to_string()))?;
                println!("{}", db::pretty(&v));
            }
            Format::Text => print!("{}", render(&inspection)),
        }
        Ok(())
    })
}

/// The text form of an inspection.
pub fn render(i: &Inspection) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "id:        {}", i.id);
    let kind = match i.kind {
        rhythm_runtime::Kind::Task => "task",
        rhythm_runtime::Kind::Workflow => "workflow",
    };
    let _ = writeln!(s, "{kind:<10} {}", i.workflow);
    let _ = writeln!(s, "status:    {}", i.status);
    if let Some(v) = &i.version {
        let seen = v
            .first_seen
            .map(|t| format!(" (first seen {})", t.to_rfc3339()))
            .unwrap_or_default();
        let _ = writeln!(s, "version:   {}{seen}", v.hash);
    }
    if let Some(p) = &i.parent_id {
        let _ = writeln!(s, "parent:    {p}");
    }
    let _ = writeln!(s, "created:   {}", i.created_at.to_rfc3339());
    if let Some(t) = i.completed_at {
        let _ = writeln!(s, "finished:  {}", t.to_rfc3339());
    }
    if let Some(o) = &i.output {
        let _ = writeln!(s, "output:    {o}");
    }
    if let Some(e) = &i.error {
        let _ = writeln!(s, "error:     {e}");
    }
    if let Some(e) = &i.state_error {
        let _ = writeln!(s, "state:     {e}");
    }
    if let Some(loc) = &i.location {
        s.push('\n');
        // A failed workflow keeps the state of its last await (for `rhythm retry`).
        let label = if i.status == "failed" {
            "failed after its last await, at"
        } else {
            "waits at"
        };
        s.push_str(&snippet(label, loc));
    }
    if !i.waiting_on.is_empty() {
        let _ = writeln!(s, "\nwaiting on:");
        for w in &i.waiting_on {
            let name = w
                .name
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            let _ = writeln!(s, "  {}{name}: {}", w.kind, w.reason);
        }
    }
    if !i.frames.is_empty() {
        let _ = writeln!(s, "\nstack (innermost first):");
        frames(&mut s, &i.frames, "  ");
    }
    for (n, branch) in i.branches.iter().enumerate() {
        let _ = writeln!(s, "\nconcurrent branch {}:", n + 1);
        frames(&mut s, branch, "  ");
    }
    if !i.buffered_signals.is_empty() {
        let _ = writeln!(s, "\nbuffered signals:");
        for (name, payloads) in &i.buffered_signals {
            let _ = writeln!(s, "  {name}: {} waiting", payloads.len());
        }
    }
    if !i.children.is_empty() {
        let _ = writeln!(s, "\nstarted:");
        for c in &i.children {
            let _ = writeln!(
                s,
                "  {} {} {} ({})",
                c.kind.as_str(),
                c.name,
                c.display_status(),
                c.id
            );
        }
    }
    if !i.history.is_empty() {
        let _ = writeln!(s, "\nhistory:");
        for h in &i.history {
            let _ = writeln!(
                s,
                "  {:>4} {} {:<18} {}",
                h.seq,
                h.at.format("%H:%M:%S%.3f"),
                h.kind,
                details(&h.data)
            );
        }
    }
    if !i.logs.is_empty() {
        let _ = writeln!(s, "\nlogs:");
        for l in &i.logs {
            let _ = writeln!(s, "  {} {}", l.at.format("%H:%M:%S%.3f"), l.message);
        }
    }
    s
}

fn frames(s: &mut String, frames: &[rhythm_runtime::inspect::FrameInfo], indent: &str) {
    for f in frames {
        let _ = writeln!(s, "{indent}{} at line {}:{}", f.function, f.line, f.column);
        for (name, value) in &f.variables {
            let _ = writeln!(s, "{indent}    {name} = {}", show(value));
        }
    }
}

/// A variable's value on one line: JSON, with tagged non-JSON values shown by their display.
fn show(v: &Value) -> String {
    let text = match v {
        Value::Object(o) if o.contains_key("$type") => o
            .get("display")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned(),
        other => other.to_string(),
    };
    if text.chars().count() > 160 {
        let head: String = text.chars().take(159).collect();
        format!("{head}…")
    } else {
        text
    }
}

/// A history row's details on one line: `key=value` pairs, long values cut.
fn details(data: &Value) -> String {
    let Value::Object(map) = data else {
        return String::new();
    };
    let mut parts = Vec::new();
    for (k, v) in map {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let text = if text.chars().count() > 100 {
            format!("{}…", text.chars().take(99).collect::<String>())
        } else {
            text
        };
        parts.push(format!("{k}={text}"));
    }
    parts.join(" ")
}

/// The await's line with a caret under the awaited expression, as a compiler shows an error.
fn snippet(label: &str, loc: &Location) -> String {
    let mut s = String::new();
    let width = loc.line.to_string().len();
    let _ = writeln!(s, "{label} {}:{}:{}", loc.file, loc.line, loc.column);
    let _ = writeln!(s, "{:width$} |", "");
    let _ = writeln!(s, "{} | {}", loc.line, loc.source);
    let col = loc.column.saturating_sub(1) as usize;
    let line_chars = loc.source.chars().count();
    let len = ((loc.end.saturating_sub(loc.start)) as usize)
        .min(line_chars.saturating_sub(col))
        .max(1);
    let _ = writeln!(s, "{:width$} | {}{}", "", " ".repeat(col), "^".repeat(len));
    s
}
