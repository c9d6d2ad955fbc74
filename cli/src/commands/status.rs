//! `rhythm status`: show one execution: status, output or error, and where it waits.

use std::fmt::Write as _;
use std::process::ExitCode;

use rhythm_runtime::inspect::{WaitInfo, display_status};
use rhythm_runtime::{AttemptState, Execution, Kind};

use super::db::{self, DbArgs, Failure};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines for people.
    Text,
    /// One JSON object (at least id, status, output, error).
    Json,
}

/// Arguments of `rhythm status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The execution id.
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("status", async move {
        let client = args.db.client().await?;
        let e = client.get(&args.id).await?;
        // The reasons come from the inspector; an execution it cannot read still has a status.
        let waits: Vec<WaitInfo> = match client.inspect(&args.id).await {
            Ok(i) => i.waiting_on,
            Err(_) => Vec::new(),
        };
        match args.format {
            Format::Json => {
                let mut v =
                    serde_json::to_value(&e).map_err(|err| Failure::failed(err.to_string()))?;
                v["state"] = display_status(&e).into();
                v["waiting_on"] =
                    serde_json::to_value(&waits).map_err(|err| Failure::failed(err.to_string()))?;
                println!("{}", db::pretty(&v));
            }
            Format::Text => print!("{}", render(&e, &waits)),
        }
        Ok(())
    })
}

/// The text form of an execution.
pub fn render(e: &Execution, waits: &[WaitInfo]) -> String {
    let mut s = String::new();
    let kind = match e.kind {
        Kind::Task => "task",
        Kind::Workflow => "workflow",
    };
    let _ = writeln!(s, "id:        {}", e.id);
    let _ = writeln!(s, "{kind:<10} {}", e.name);
    let _ = writeln!(s, "status:    {}", display_status(e));
    if let Some(v) = &e.content_hash {
        let _ = writeln!(s, "version:   {v}");
    }
    if let Some(p) = &e.parent_id {
        let _ = writeln!(s, "parent:    {p}");
    }
    let _ = writeln!(s, "created:   {}", e.created_at.to_rfc3339());
    if let Some(t) = e.completed_at {
        let _ = writeln!(s, "finished:  {}", t.to_rfc3339());
    }
    if !e.status.is_terminal() {
        if waits.is_empty() {
            let _ = writeln!(s, "waits on:  {}", waits_on(e));
        }
        for w in waits {
            let name = w
                .name
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            let _ = writeln!(s, "waits on:  {}{name}: {}", w.kind, w.reason);
        }
    }
    if let Some(o) = &e.output {
        let _ = writeln!(s, "output:    {o}");
    }
    if let Some(err) = &e.error {
        let label = if e.status.is_terminal() {
            "error:"
        } else {
            "last error:"
        };
        let _ = writeln!(s, "{label:<10} {err}");
    }
    s
}

fn waits_on(e: &Execution) -> String {
    let mut parts = Vec::new();
    match &e.attempt {
        Some(AttemptState::Queued { attempt, run_at }) => {
            parts.push(format!(
                "attempt {attempt} queued on {:?}, due {}",
                e.queue,
                run_at.to_rfc3339()
            ));
        }
        Some(AttemptState::Leased {
            attempt,
            worker_id,
            lease_expires_at,
            deadline_at,
        }) => {
            let mut p = format!(
                "attempt {attempt} running on worker {worker_id} (lease until {})",
                lease_expires_at.to_rfc3339()
            );
            if let Some(d) = deadline_at {
                let _ = write!(p, ", times out at {}", d.to_rfc3339());
            }
            parts.push(p);
        }
        None => {}
    }
    if !e.waiting_for_signals.is_empty() {
        parts.push(format!("signals {}", e.waiting_for_signals.join(", ")));
    }
    if parts.is_empty() {
        match e.kind {
            Kind::Workflow => "its next step (served by workflow workers)".to_owned(),
            Kind::Task => "nothing queued".to_owned(),
        }
    } else {
        parts.join("; ")
    }
}
