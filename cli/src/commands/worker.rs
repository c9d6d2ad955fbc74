//! `rhythm worker`: the process that serves workflow steps and timers.
//!
//! Today workflow steps are not wired into the runtime yet (the engine is being written), so
//! this worker registers the workflows of `--workflows` (so `rhythm start` without
//! `--workflows` finds them) and runs the reaper: expired task leases are put back and
//! timed-out attempts are settled, even when no task worker is alive. It says so on start.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use rhythm_runtime::store;

use super::db::{self, DbArgs, Failure};

/// Arguments of `rhythm worker`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder of `.flow` files to register and serve.
    #[arg(long, value_name = "DIR")]
    pub workflows: PathBuf,
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
        eprintln!(
            "rhythm worker: workflow steps are not served by this build yet (the engine is not \
             wired in); running the reaper only: expired task leases are put back and timed-out \
             attempts settled. Ctrl-C to stop."
        );
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => break,
                _ = tick.tick() => {
                    match store::reap_expired(client.pool(), 1000).await {
                        Ok(s) if s.retried + s.failed > 0 => {
                            eprintln!("rhythm worker: reaped {} retried, {} failed", s.retried, s.failed);
                        }
                        Ok(_) => {}
                        Err(e) => eprintln!("rhythm worker: reaper: {e} (retrying)"),
                    }
                }
            }
        }
        eprintln!("rhythm worker: stopped");
        Ok(())
    })
}

fn read_flows(dir: &PathBuf) -> Result<Vec<(String, String)>, Failure> {
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
