//! `rhythm cancel`: cancel an execution (terminal executions stay as they are).

use std::process::ExitCode;

use rhythm_runtime::CancelOutcome;

use super::db::{self, DbArgs};

/// Arguments of `rhythm cancel`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The execution id.
    pub id: String,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("cancel", async move {
        let client = args.db.client().await?;
        match client.cancel(&args.id).await? {
            CancelOutcome::Cancelled => println!("cancelled"),
            CancelOutcome::AlreadyFinished(s) => {
                println!("{s}");
                eprintln!(
                    "rhythm cancel: {} had already finished ({s}); nothing changed",
                    args.id
                );
            }
        }
        Ok(())
    })
}
