//! The faults: worker processes killed with SIGKILL and replaced, their connections terminated
//! with `pg_terminate_backend`, and Postgres restarted with `pg_ctlcluster`. The server guard
//! makes sure Postgres is up again before the harness exits, even on an error or a panic.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use sqlx::PgPool;
use tokio::process::{Child, Command};

use crate::rng::Rng;

/// How long a restarted server may take to accept connections again.
const READY_WITHIN: Duration = Duration::from_secs(90);

/// The local Postgres cluster, restartable with `pg_ctlcluster`.
#[derive(Debug, Clone)]
pub struct PgCluster {
    version: String,
    cluster: String,
    /// A URL `pg_isready` can probe.
    probe_url: String,
}

impl PgCluster {
    /// Finds the cluster under `/etc/postgresql/<version>/<cluster>` (the newest version, the
    /// `main` cluster if there is one). `Err` with the reason when restarts are not possible.
    pub fn detect(probe_url: &str) -> Result<PgCluster> {
        let mut versions: Vec<(u32, String)> = std::fs::read_dir("/etc/postgresql")
            .context("no /etc/postgresql")?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.parse::<u32>().ok().map(|v| (v, name))
            })
            .collect();
        versions.sort();
        let Some((_, version)) = versions.pop() else {
            bail!("no Postgres version under /etc/postgresql");
        };
        let dir = PathBuf::from("/etc/postgresql").join(&version);
        let cluster = if dir.join("main").is_dir() {
            "main".to_owned()
        } else {
            std::fs::read_dir(&dir)?
                .filter_map(|e| e.ok())
                .find(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .context("no cluster directory")?
        };
        if !which("pg_ctlcluster") || !which("pg_isready") {
            bail!("pg_ctlcluster or pg_isready is not installed");
        }
        Ok(PgCluster {
            version,
            cluster,
            probe_url: probe_url.to_owned(),
        })
    }

    /// `version/cluster`, for messages.
    pub fn name(&self) -> String {
        format!("{}/{}", self.version, self.cluster)
    }

    /// Restarts the server (shutdown `mode`: `fast`, or `immediate` for a crash and recovery)
    /// and waits until it accepts connections.
    pub async fn restart(&self, mode: &str) -> Result<()> {
        let out = Command::new("pg_ctlcluster")
            .args([
                "--skip-systemctl-redirect",
                "-m",
                mode,
                &self.version,
                &self.cluster,
                "restart",
            ])
            .stdin(Stdio::null())
            // Its own process group: a Ctrl-C on the harness must not interrupt a restart
            // half-way (the server would stay down).
            .process_group(0)
            .output()
            .await
            .context("running pg_ctlcluster")?;
        let ready = self.wait_ready(READY_WITHIN).await;
        if !out.status.success() {
            bail!(
                "pg_ctlcluster restart failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        if !ready {
            bail!("Postgres did not come back within {READY_WITHIN:?}");
        }
        Ok(())
    }

    /// Polls `pg_isready` until the server accepts connections or `within` passes.
    pub async fn wait_ready(&self, within: Duration) -> bool {
        let end = Instant::now() + within;
        loop {
            let ok = Command::new("pg_isready")
                .args(["-q", "-t", "2", "-d", &self.probe_url])
                .stdin(Stdio::null())
                .status()
                .await
                .is_ok_and(|s| s.success());
            if ok {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Blocking: makes sure the server is up, starting it if it stays down (for the guard).
    fn ensure_up_blocking(&self) {
        let ready = || {
            std::process::Command::new("pg_isready")
                .args(["-q", "-t", "2", "-d", &self.probe_url])
                .stdin(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let end = Instant::now() + READY_WITHIN;
        let mut started = false;
        while !ready() {
            if Instant::now() >= end {
                eprintln!(
                    "rhythm-chaos: WARNING: Postgres {} is still not accepting connections",
                    self.name()
                );
                return;
            }
            if !started && Instant::now() + READY_WITHIN / 2 >= end {
                // Down for a while: start it (harmless if it is already starting).
                started = true;
                eprintln!("rhythm-chaos: Postgres is down, starting {}", self.name());
                let _ = std::process::Command::new("pg_ctlcluster")
                    .args([
                        "--skip-systemctl-redirect",
                        &self.version,
                        &self.cluster,
                        "start",
                    ])
                    .stdin(Stdio::null())
                    .status();
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

/// Makes sure Postgres is up when dropped (end of the run, error or panic).
#[derive(Debug)]
pub struct ServerGuard(pub Option<PgCluster>);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        if let Some(c) = &self.0 {
            c.ensure_up_blocking();
        }
    }
}

/// Whether a program is on the PATH.
fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Terminates every connection of the chaos workers (not the harness's own). Returns how many.
pub async fn terminate_worker_connections(admin: &PgPool, database: &str) -> Result<i64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND application_name LIKE 'chaos-worker-%' AND pid <> pg_backend_pid()) t",
    )
    .bind(database)
    .fetch_one(admin)
    .await?;
    Ok(n)
}

/// One worker process.
#[derive(Debug)]
struct Proc {
    child: Child,
    number: usize,
}

/// The worker processes: `rhythm-chaos worker` children of this process.
#[derive(Debug)]
pub struct Workers {
    exe: PathBuf,
    url: String,
    lease_ms: u64,
    log_dir: PathBuf,
    procs: Vec<Proc>,
    started: usize,
    /// Workers killed with SIGKILL.
    pub kills: u64,
    /// Workers that exited without being asked to (each is a failure).
    pub unexpected_exits: Vec<String>,
}

impl Workers {
    /// No workers yet; `log_dir` receives one stderr log per worker.
    pub fn new(url: &str, lease_ms: u64, log_dir: PathBuf) -> Result<Workers> {
        Ok(Workers {
            exe: std::env::current_exe().context("locating the rhythm-chaos binary")?,
            url: url.to_owned(),
            lease_ms,
            log_dir,
            procs: Vec::new(),
            started: 0,
            kills: 0,
            unexpected_exits: Vec::new(),
        })
    }

    /// Starts one more worker.
    pub fn spawn(&mut self) -> Result<()> {
        self.started += 1;
        let number = self.started;
        let log = std::fs::File::create(self.log_dir.join(format!("worker-{number}.log")))?;
        let child = Command::new(&self.exe)
            .args([
                "worker",
                "--url",
                &self.url,
                "--lease-ms",
                &self.lease_ms.to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .context("starting a worker process")?;
        self.procs.push(Proc { child, number });
        Ok(())
    }

    /// SIGKILLs a random worker and starts a replacement.
    pub async fn kill_random(&mut self, rng: &mut Rng) -> Result<()> {
        if self.procs.is_empty() {
            return self.spawn();
        }
        let mut p = self.procs.swap_remove(rng.index(self.procs.len()));
        p.child.start_kill().context("SIGKILL")?;
        let _ = p.child.wait().await;
        self.kills += 1;
        self.spawn()
    }

    /// Notes and replaces workers that exited by themselves.
    pub fn check_alive(&mut self) -> Result<()> {
        let mut i = 0;
        while i < self.procs.len() {
            match self.procs[i].child.try_wait() {
                Ok(Some(status)) => {
                    let p = self.procs.swap_remove(i);
                    self.unexpected_exits.push(format!(
                        "worker {} exited by itself ({status}); see {}",
                        p.number,
                        self.log_dir
                            .join(format!("worker-{}.log", p.number))
                            .display()
                    ));
                    self.spawn()?;
                }
                Ok(None) | Err(_) => i += 1,
            }
        }
        Ok(())
    }

    /// Stops every worker gracefully (closes its stdin), killing those still running after
    /// `grace`.
    pub async fn shutdown(&mut self, grace: Duration) {
        for p in &mut self.procs {
            drop(p.child.stdin.take());
        }
        for mut p in self.procs.drain(..) {
            match tokio::time::timeout(grace, p.child.wait()).await {
                Ok(Ok(status)) if !status.success() => {
                    self.unexpected_exits.push(format!(
                        "worker {} ended with {status} on shutdown; see {}",
                        p.number,
                        self.log_dir
                            .join(format!("worker-{}.log", p.number))
                            .display()
                    ));
                }
                Ok(_) => {}
                Err(_) => {
                    let _ = p.child.start_kill();
                    let _ = p.child.wait().await;
                }
            }
        }
    }
}
