//! `rhythm list`: list executions, newest first.

use std::process::ExitCode;

use rhythm_runtime::{Kind, ListFilter, Status};

use super::db::{self, DbArgs, Failure};
use super::status::Format;

/// Arguments of `rhythm list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only executions with this status.
    #[arg(long, value_parser = parse_status)]
    pub status: Option<Status>,
    /// Only executions of this workflow.
    #[arg(long, value_name = "NAME", conflicts_with = "task")]
    pub workflow: Option<String>,
    /// Only executions of this task.
    #[arg(long, value_name = "NAME")]
    pub task: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    db: DbArgs,
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::ALL
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| {
            let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            format!("expected one of {}", all.join(", "))
        })
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("list", async move {
        let client = args.db.client().await?;
        let (kind, name) = match (args.workflow, args.task) {
            (Some(w), _) => (Some(Kind::Workflow), Some(w)),
            (None, Some(t)) => (Some(Kind::Task), Some(t)),
            (None, None) => (None, None),
        };
        let filter = ListFilter {
            status: args.status,
            name,
            kind,
            limit: Some(args.limit),
        };
        let rows = client.list(&filter).await?;
        match args.format {
            Format::Json => {
                let v = serde_json::to_value(&rows).map_err(|e| Failure::failed(e.to_string()))?;
                println!("{}", db::pretty(&v));
            }
            Format::Text => {
                for r in rows {
                    let kind = match r.kind {
                        Kind::Task => "task",
                        Kind::Workflow => "workflow",
                    };
                    println!(
                        "{}  {:<9}  {:<8}  {}  {}",
                        r.id,
                        r.status.as_str(),
                        kind,
                        r.name,
                        r.created_at.to_rfc3339()
                    );
                }
            }
        }
        Ok(())
    })
}
