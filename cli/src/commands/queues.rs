//! `rhythm queues`: per queue, the work due now, the age of the oldest, delayed work, attempts
//! in flight and whether it is paused; `rhythm queues pause Q` / `resume Q` stop and restart
//! claims on a queue for every worker.

use std::process::ExitCode;

use rhythm_runtime::Actor;

use super::db::{self, DbArgs, Failure};
use super::status::Format;

/// `rhythm queues pause` / `resume`.
#[derive(Debug, clap::Subcommand)]
pub enum QueueAction {
    /// Stop every worker from claiming tasks and workflow steps of a queue.
    Pause(QueueArgs),
    /// Let workers claim from a paused queue again.
    Resume(QueueArgs),
}

/// Arguments of `rhythm queues pause|resume`.
#[derive(Debug, clap::Args)]
pub struct QueueArgs {
    /// The queue.
    pub queue: String,
    /// Why (recorded in the history beside who asked).
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

/// Arguments of `rhythm queues`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Pause or resume a queue (without one: show the queues).
    #[command(subcommand)]
    pub action: Option<QueueAction>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs `rhythm queues pause|resume`.
fn run_action(action: QueueAction) -> ExitCode {
    let (pause, args) = match action {
        QueueAction::Pause(a) => (true, a),
        QueueAction::Resume(a) => (false, a),
    };
    let name = if pause {
        "queues pause"
    } else {
        "queues resume"
    };
    db::run(name, async move {
        let client = args.db.client().await?;
        let actor = Actor::current(args.reason.clone());
        if pause {
            client.pause_queue(&args.queue, &actor).await?;
            println!("paused queue {}", args.queue);
        } else {
            client.resume_queue(&args.queue, &actor).await?;
            println!("resumed queue {}", args.queue);
        }
        Ok(())
    })
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    if let Some(action) = args.action {
        return run_action(action);
    }
    db::run("queues", async move {
        let client = args.db.client().await?;
        let queues = client.queues().await?;
        match args.format {
            Format::Json => {
                let out =
                    serde_json::to_value(&queues).map_err(|e| Failure::failed(e.to_string()))?;
                println!("{}", db::pretty(&out));
            }
            Format::Text if queues.is_empty() => println!("no queue has work"),
            Format::Text => {
                println!(
                    "{:<24} {:>8} {:>12} {:>10} {:>8}  paused",
                    "queue", "ready", "oldest", "in flight", "delayed"
                );
                for q in &queues {
                    let oldest = q
                        .oldest_ready_age_secs
                        .map(|s| format!("{s:.1}s"))
                        .unwrap_or_else(|| "-".to_owned());
                    let paused = q
                        .paused
                        .as_ref()
                        .map(|p| format!("paused by {} at {}", p.by, p.at))
                        .unwrap_or_default();
                    println!(
                        "{:<24} {:>8} {:>12} {:>10} {:>8}  {}",
                        q.queue, q.ready, oldest, q.in_flight, q.delayed, paused
                    );
                }
            }
        }
        Ok(())
    })
}
