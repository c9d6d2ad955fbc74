//! `rhythm migrate`: apply the database migrations.

use std::process::ExitCode;

use super::db::{self, DbArgs, Failure};

/// Arguments of `rhythm migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("migrate", async move {
        let client = args.db.client().await?;
        client.migrate().await.map_err(Failure::from)?;
        eprintln!("rhythm migrate: the database schema is up to date");
        Ok(())
    })
}
