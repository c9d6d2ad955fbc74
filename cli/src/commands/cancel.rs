//! `rhythm cancel`: cancel an execution (terminal executions stay as they are), or every
//! execution a filter matches (the bulk form of `commands::actions`).

use std::process::ExitCode;

use rhythm_runtime::{Action, CancelOutcome};

use super::actions::{self, Resolved, Target};
use super::db::{self, DbArgs};

/// Arguments of `rhythm cancel` (`--version` is the filter's workflow version).
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("cancel", async move {
        let id = match args.target.resolve()? {
            Resolved::One(id) => id,
            Resolved::Many(filter) => {
                let client = args.db.client().await?;
                let actor = args.target.actor();
                return actions::bulk(&client, Action::Cancel, &filter, &actor, &args.target).await;
            }
        };
        let client = args.db.client().await?;
        match client.cancel(&id).await? {
            CancelOutcome::Cancelled => println!("cancelled"),
            CancelOutcome::Requested => println!("cancel requested"),
            CancelOutcome::AlreadyFinished(s) => {
                println!("{s}");
                eprintln!("rhythm cancel: {id} had already finished ({s}); nothing changed");
            }
        }
        Ok(())
    })
}
