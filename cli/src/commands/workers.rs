//! `rhythm workers`: the worker processes registered, live and recently lost or stopped.

use std::process::ExitCode;

use super::db::{self, DbArgs, Failure};
use super::status::Format;

/// Arguments of `rhythm workers`.
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
    db::run("workers", async move {
        let client = args.db.client().await?;
        let workers = client.workers().await?;
        match args.format {
            Format::Json => {
                let out =
                    serde_json::to_value(&workers).map_err(|e| Failure::failed(e.to_string()))?;
                println!("{}", db::pretty(&out));
            }
            Format::Text if workers.is_empty() => println!("no worker registered in the last hour"),
            Format::Text => {
                println!(
                    "{:<8} {:<38} {:<16} {:>8} {:>10}  {:<12} serves",
                    "state", "id", "host", "pid", "heartbeat", "sdk"
                );
                for w in &workers {
                    let state = if w.stopped_at.is_some() {
                        "stopped"
                    } else if w.live {
                        "live"
                    } else {
                        "lost"
                    };
                    let age = w.heartbeat_age_secs;
                    let mut serves = Vec::new();
                    if w.workflows {
                        serves.push("workflow steps".to_owned());
                    }
                    if !w.tasks.is_empty() {
                        serves.push(format!("tasks {}", w.tasks.join(",")));
                    }
                    println!(
                        "{state:<8} {:<38} {:<16} {:>8} {:>9.1}s  {:<12} {} on {}",
                        w.id,
                        w.host,
                        w.pid,
                        age,
                        w.sdk,
                        serves.join(" and "),
                        w.queues.join(",")
                    );
                }
            }
        }
        Ok(())
    })
}
