//! The fault loop: kills workers, terminates their connections and restarts Postgres while the load
//! runs, then reads the workers' logs.

use std::time::Duration;

use anyhow::{Result, bail};
use sqlx::PgPool;
use tokio::time::Instant;

use super::{FaultStats, RunArgs};
use crate::faults::{self, PgCluster, Workers};
use crate::rng::Rng;

/// Kills workers, terminates their connections and restarts Postgres until `end`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn fault_loop(
    args: &RunArgs,
    rng: &mut Rng,
    admin: &PgPool,
    database: &str,
    cluster: Option<&PgCluster>,
    workers: &mut Workers,
    end: Instant,
    restarts_wanted: u32,
) -> Result<FaultStats> {
    let mut stats = FaultStats::default();
    let start = Instant::now();
    let span = end.saturating_duration_since(start);
    // Restarts evenly inside the run (at 1/(R+1), 2/(R+1), ...).
    let mut restarts: Vec<Instant> = (1..=restarts_wanted)
        .map(|i| start + span.mul_f64(f64::from(i) / f64::from(restarts_wanted + 1)))
        .collect();
    restarts.reverse();
    let jitter =
        |rng: &mut Rng, mean: u64| Duration::from_millis(rng.range(mean / 2, mean * 3 / 2 + 1));
    let mut next_kill = start + jitter(rng, args.kill_every_ms);
    let mut next_term = start + jitter(rng, args.terminate_every_ms);
    let mut restarting_allowed = cluster.is_some();
    loop {
        let next_restart = restarts.last().copied().filter(|_| restarting_allowed);
        let wake = [Some(next_kill), Some(next_term), next_restart, Some(end)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(end);
        tokio::time::sleep_until(wake).await;
        let now = Instant::now();
        if now >= end {
            break;
        }
        workers.check_alive()?;
        if let (Some(t), Some(c)) = (next_restart, cluster)
            && now >= t
        {
            restarts.pop();
            println!(
                "chaos: restarting Postgres {} ({}) at {:.1} s",
                c.name(),
                args.restart_mode,
                start.elapsed().as_secs_f64()
            );
            let before = postmaster_start(admin).await;
            match c.restart(&args.restart_mode).await {
                Ok(()) => {
                    // Proof that the server really restarted: its start time moved.
                    let after = postmaster_start(admin).await;
                    if before.is_some() && before == after {
                        bail!(
                            "pg_ctlcluster restart succeeded but the server start time did not change"
                        );
                    }
                    stats.restarts += 1;
                }
                Err(e) => {
                    stats.notes.push(format!("Postgres restart skipped: {e:#}"));
                    restarting_allowed = false;
                    if !c.wait_ready(Duration::from_secs(60)).await {
                        bail!("Postgres is down after a failed restart");
                    }
                }
            }
        }
        if now >= next_kill {
            workers.kill_random(rng).await?;
            next_kill = Instant::now() + jitter(rng, args.kill_every_ms);
        }
        if now >= next_term {
            match faults::terminate_worker_connections(admin, database).await {
                Ok(n) => {
                    stats.terminate_rounds += 1;
                    stats.terminated += n;
                }
                Err(e) => tracing::debug!("terminate: {e}"),
            }
            next_term = Instant::now() + jitter(rng, args.terminate_every_ms);
        }
    }
    stats.kills = workers.kills;
    Ok(stats)
}

/// Counts warning lines, deadlocks and panics in the worker logs.
pub(crate) fn scan_logs(dir: &std::path::Path) -> (usize, usize, usize) {
    let (mut warnings, mut deadlocks, mut panics) = (0, 0, 0);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0, 0);
    };
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for line in text.lines() {
            warnings += usize::from(line.contains("WARN"));
            deadlocks += usize::from(line.contains("deadlock detected"));
            panics += usize::from(line.contains("panicked"));
        }
    }
    (warnings, deadlocks, panics)
}

/// Aborts a spawned task when dropped.
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The server's start time (`pg_postmaster_start_time()`), retried while it comes back up.
pub(crate) async fn postmaster_start(admin: &PgPool) -> Option<String> {
    for _ in 0..50 {
        match sqlx::query_scalar::<_, String>("SELECT pg_postmaster_start_time()::text")
            .fetch_one(admin)
            .await
        {
            Ok(t) => return Some(t),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    None
}
