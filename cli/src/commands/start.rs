//! `rhythm start`: start a workflow; prints its id (and with `--wait`, its output).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use rhythm_runtime::{StartOptions, Status};

use super::db::{self, DbArgs, Failure};

/// Arguments of `rhythm start`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The workflow's name (its file is `NAME.flow`).
    pub workflow: String,
    /// The inputs, as JSON.
    #[arg(long, default_value = "{}", value_name = "JSON")]
    pub inputs: String,
    /// Folder of `.flow` files: registers `WORKFLOW.flow` from it as the version to run
    /// (default: the newest version already registered).
    #[arg(long, value_name = "DIR")]
    pub workflows: Option<PathBuf>,
    /// Starts at most one execution per key.
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// The queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// Waits for the end and prints the output JSON (exit 1 if it failed or was cancelled).
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this many seconds (exit 1).
    #[arg(long, value_name = "SECONDS", requires = "wait")]
    pub timeout: Option<f64>,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("start", async move {
        let inputs = db::parse_json("--inputs", &args.inputs)?;
        let timeout = match args.timeout {
            Some(t) if !(t.is_finite() && t > 0.0) => {
                return Err(Failure::usage(format!(
                    "--timeout must be a positive number of seconds, got {t}"
                )));
            }
            Some(t) => Duration::from_secs_f64(t.min(1e9)),
            None => Duration::from_secs(100 * 365 * 24 * 3600),
        };
        let source = match &args.workflows {
            Some(dir) => {
                let path = dir.join(format!("{}.flow", args.workflow));
                Some(std::fs::read_to_string(&path).map_err(|e| {
                    Failure::usage(format!("cannot read workflow {}: {e}", path.display()))
                })?)
            }
            None => None,
        };
        let client = args.db.client().await?;
        let version = match source {
            Some(src) => Some(client.register_workflow(&args.workflow, &src).await?),
            None => None,
        };
        let options = StartOptions {
            idempotency_key: args.idempotency_key,
            queue: args.queue,
            version,
            ..StartOptions::default()
        };
        let started = client
            .start_workflow(&args.workflow, inputs, options)
            .await?;
        println!("{}", started.id);
        if args.wait {
            let e = client.wait(&started.id, timeout).await?;
            match e.status {
                Status::Completed => {
                    println!("{}", e.output.unwrap_or(serde_json::Value::Null));
                }
                other => {
                    let err = e.error.map(|v| v.to_string()).unwrap_or_default();
                    return Err(Failure::failed(format!(
                        "execution {} {other}: {err}",
                        e.id
                    )));
                }
            }
        }
        Ok(())
    })
}
