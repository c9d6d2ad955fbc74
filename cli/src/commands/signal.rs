//! `rhythm signal`: send a signal to a workflow execution.

use std::process::ExitCode;

use super::db::{self, DbArgs};

/// Arguments of `rhythm signal`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The execution id.
    pub id: String,
    /// The signal name (as in `Signal.next("NAME")`).
    pub name: String,
    /// The payload, as JSON.
    #[arg(long, default_value = "null", value_name = "JSON")]
    pub payload: String,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("signal", async move {
        let payload = db::parse_json("--payload", &args.payload)?;
        let client = args.db.client().await?;
        let seq = client.send_signal(&args.id, &args.name, payload).await?;
        eprintln!(
            "rhythm signal: {:?} buffered for {} (#{seq})",
            args.name, args.id
        );
        Ok(())
    })
}
