//! `rhythm worker`: the process that serves workflow steps and timers.
//!
//! It registers the workflows of `--workflows` (so `rhythm start` finds them), then runs
//! workflow steps of its queues, fires due timers and reaps expired task leases and timed-out
//! attempts, until Ctrl-C (graceful: the step in progress finishes). Tasks run in workers
//! that have task handlers (the Python SDK, or an embedded Rust `Worker`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rhythm_runtime::{Worker, WorkerOptions};

use super::db::{self, DbArgs, Failure};

/// Arguments of `rhythm worker`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder of `.flow` files to register and serve.
    #[arg(long, value_name = "DIR")]
    pub workflows: PathBuf,
    /// Queues whose workflow steps to run (repeatable; default `default`).
    #[arg(long = "queue", value_name = "QUEUE")]
    pub queues: Vec<String>,
    /// Apply the migrations before starting.
    #[arg(long)]
    pub migrate: bool,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command until Ctrl-C.
pub fn run(args: Args) -> ExitCode {
    db::run("worker", async move {
        let flows = read_flows(&args.workflows)?;
        let client = args.db.client().await?;
        if args.migrate {
            client.migrate().await?;
        }
        for (name, source) in &flows {
            let v = client.register_workflow(name, source).await?;
            eprintln!(
                "rhythm worker: registered {name} ({})",
                &v[..12.min(v.len())]
            );
        }
        let queues = if args.queues.is_empty() {
            vec!["default".to_owned()]
        } else {
            args.queues
        };
        let options = WorkerOptions {
            queues: queues.clone(),
            serve_workflows: true,
            ..WorkerOptions::default()
        };
        let worker = Worker::with_store(client.store().clone(), options);
        eprintln!(
            "rhythm worker {}: serving workflow steps and timers of queue(s) {}; tasks run in \
             workers with task handlers. Ctrl-C to stop.",
            worker.id(),
            queues.join(", ")
        );
        worker
            .run_until(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        eprintln!("rhythm worker: stopped");
        Ok(())
    })
}

fn read_flows(dir: &Path) -> Result<Vec<(String, String)>, Failure> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::usage(format!("cannot read --workflows {}: {e}", dir.display())))?;
    let mut flows = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "flow") {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let source = std::fs::read_to_string(&path)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
            flows.push((name.to_owned(), source));
        }
    }
    flows.sort();
    Ok(flows)
}
