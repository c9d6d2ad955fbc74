//! `rhythm retry`, `rhythm pause`, `rhythm resume` (and the bulk form of `rhythm cancel`): an
//! operator action on one execution (`ID`) or on every execution a filter matches
//! (`--workflow W --status failed --since 2h --version HASH`), recorded in each execution's
//! history with who asked (`user@host`) and `--reason`. The bulk form applies in batches of
//! 500, prints progress on a terminal (nothing when stderr is piped), and `--dry-run` prints
//! only how many executions match.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use rhythm_runtime::{Action, ActionFilter, Actor, BulkCounts, Client, Status};
use serde_json::json;

use super::db::{self, DbArgs, Failure};
use super::status::Format;

/// The target of an action: one execution, or a filter.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The execution id (or give a filter instead).
    pub id: Option<String>,
    /// Bulk: only executions of this workflow (or task) name.
    #[arg(long, value_name = "NAME")]
    pub workflow: Option<String>,
    /// Bulk: only executions with this status.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Bulk: only executions created within this long (`2h`, `30m`, `1d`).
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Bulk: only executions of this workflow version (content hash).
    #[arg(long, value_name = "HASH")]
    pub version: Option<String>,
    /// Bulk: print how many executions match, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Why (recorded in the history beside who asked).
    #[arg(long)]
    pub reason: Option<String>,
    /// Output format of the bulk counts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Arguments of `rhythm retry`, `rhythm pause` and `rhythm resume`. `--version` is the
/// filter's workflow version here, so these commands have no version flag of their own.
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    db: DbArgs,
}

/// What to act on, once the arguments are checked.
pub enum Resolved {
    /// One execution.
    One(String),
    /// Every execution the filter matches.
    Many(ActionFilter),
}

impl Target {
    /// Checks that there is an id or a filter, not both.
    pub fn resolve(&self) -> Result<Resolved, Failure> {
        let filtered = self.workflow.is_some()
            || self.status.is_some()
            || self.since.is_some()
            || self.version.is_some();
        match (&self.id, filtered) {
            (Some(_), true) => Err(Failure::usage(
                "give an execution id or a filter (--workflow, --status, --since, --version), not both",
            )),
            (Some(_), false) if self.dry_run => Err(Failure::usage(
                "--dry-run goes with a filter (--workflow, --status, --since, --version)",
            )),
            (Some(id), false) => Ok(Resolved::One(id.clone())),
            (None, false) => Err(Failure::usage(
                "give an execution id, or a filter: --workflow, --status, --since, --version",
            )),
            (None, true) => Ok(Resolved::Many(self.filter()?)),
        }
    }

    fn filter(&self) -> Result<ActionFilter, Failure> {
        let status = self
            .status
            .as_deref()
            .map(|s| {
                Status::from_str(s).map_err(|_| {
                    Failure::usage(format!(
                        "unknown status {s:?}: expected running, waiting, completed, failed or cancelled"
                    ))
                })
            })
            .transpose()?;
        let since = self
            .since
            .as_deref()
            .map(|s| {
                rhythm_syntax::duration::parse_duration(s)
                    .ok()
                    .filter(|ms| ms.is_finite() && *ms > 0.0)
                    .map(|ms| Duration::from_millis(ms as u64))
                    .ok_or_else(|| {
                        Failure::usage(format!(
                            "--since {s:?} is not a duration (such as 30m, 2h or 1d)"
                        ))
                    })
            })
            .transpose()?;
        Ok(ActionFilter {
            name: self.workflow.clone(),
            status,
            since,
            version: self.version.clone(),
        })
    }

    /// Who asks, with the reason.
    pub fn actor(&self) -> Actor {
        Actor::current(self.reason.clone())
    }
}

/// Runs `rhythm retry` / `pause` / `resume`.
pub fn run(action: Action, args: Args) -> ExitCode {
    db::run(action.as_str(), async move {
        let target = args.target.resolve()?;
        let client = args.db.client().await?;
        let actor = args.target.actor();
        match target {
            Resolved::One(id) => {
                let done = match action {
                    Action::Retry => client.retry(&id, &actor).await.map(|()| "retried"),
                    Action::Pause => client.pause(&id, &actor).await.map(|_| "paused"),
                    Action::Resume => client.resume(&id, &actor).await.map(|_| "resumed"),
                    Action::Cancel => {
                        return Err(Failure::failed(
                            "cancel of one execution is `rhythm cancel`",
                        ));
                    }
                }?;
                println!("{done} {id}");
                Ok(())
            }
            Resolved::Many(filter) => bulk(&client, action, &filter, &actor, &args.target).await,
        }
    })
}

/// Runs a bulk action (or its dry run) and prints the counts.
pub async fn bulk(
    client: &Client,
    action: Action,
    filter: &ActionFilter,
    actor: &Actor,
    target: &Target,
) -> Result<(), Failure> {
    let verb = action.as_str();
    if target.dry_run {
        let n = client.count_matching(filter).await?;
        match target.format {
            Format::Json => println!("{}", json!({"action": verb, "dry_run": true, "matched": n})),
            Format::Text => println!("would {verb} {n} execution(s)"),
        }
        return Ok(());
    }
    let total = client.count_matching(filter).await?;
    let terminal = std::io::stderr().is_terminal();
    let mut progress = move |c: BulkCounts| {
        if terminal {
            eprint!(
                "\r{verb}: {}/{total} (applied {}, skipped {})",
                c.matched, c.applied, c.skipped
            );
        }
    };
    let counts = client.bulk(action, filter, actor, &mut progress).await;
    if terminal {
        eprintln!();
    }
    let counts = counts?;
    match target.format {
        Format::Json => println!(
            "{}",
            json!({"action": verb, "dry_run": false, "matched": counts.matched,
                   "applied": counts.applied, "skipped": counts.skipped})
        ),
        Format::Text => println!(
            "{verb}: {} of {} matching execution(s) ({} skipped: the action did not apply)",
            counts.applied, counts.matched, counts.skipped
        ),
    }
    Ok(())
}
