//! `rhythm queues`: per queue, the work due now, the age of the oldest, delayed work and
//! attempts in flight.

use std::process::ExitCode;

use super::db::{self, DbArgs, Failure};
use super::status::Format;

/// Arguments of `rhythm queues`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
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
                    "{:<24} {:>8} {:>12} {:>10} {:>8}",
                    "queue", "ready", "oldest", "in flight", "delayed"
                );
                for q in &queues {
                    let oldest = q
                        .oldest_ready_age_secs
                        .map(|s| format!("{s:.1}s"))
                        .unwrap_or_else(|| "-".to_owned());
                    println!(
                        "{:<24} {:>8} {:>12} {:>10} {:>8}",
                        q.queue, q.ready, oldest, q.in_flight, q.delayed
                    );
                }
            }
        }
        Ok(())
    })
}
