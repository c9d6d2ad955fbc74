//! `rhythm list`: list executions, newest first, filtered, one page at a time.

use std::process::ExitCode;

use rhythm_runtime::input_match::parse_where;
use rhythm_runtime::{Cursor, Kind, ListFilter, ListPage, Status, parse_time_bound};
use serde_json::Value;

use super::db::{self, DbArgs, Failure};
use super::status::Format;

/// Arguments of `rhythm list`. Every filter given must hold. Times are RFC 3339
/// (`2026-12-08T10:00:00Z`) or a duration ago (`30m`, `2h`, `1d12h`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only executions with one of these statuses (comma-separated: `failed,cancelled`).
    #[arg(long, value_parser = parse_status, value_delimiter = ',', value_name = "STATUS,...")]
    pub status: Vec<Status>,
    /// Only executions of this workflow.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["task", "name", "kind"])]
    pub workflow: Option<String>,
    /// Only executions of this task.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["name", "kind"])]
    pub task: Option<String>,
    /// Only executions with this name (task or workflow).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Only tasks or only workflows.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Only workflows of this version: a content hash, or a prefix naming one version.
    #[arg(long, value_name = "HASH")]
    pub version: Option<String>,
    /// Only executions created within this duration (same as --created-after DURATION).
    #[arg(long, value_name = "DURATION", conflicts_with = "created_after")]
    pub since: Option<String>,
    /// Only executions created at or after this time.
    #[arg(long, value_name = "TIME")]
    pub created_after: Option<String>,
    /// Only executions created before this time.
    #[arg(long, value_name = "TIME")]
    pub created_before: Option<String>,
    /// Only executions that ended at or after this time.
    #[arg(long, value_name = "TIME")]
    pub ended_after: Option<String>,
    /// Only executions that ended before this time.
    #[arg(long, value_name = "TIME")]
    pub ended_before: Option<String>,
    /// Only the execution started with this idempotency key.
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// Only executions started by this workflow.
    #[arg(long, value_name = "ID")]
    pub parent: Option<String>,
    /// A match on the inputs: `FIELD(.FIELD)* = JSON` clauses joined with `and`, such as
    /// `userId = "u1" and order.total = 12`. Repeat to add clauses.
    #[arg(long = "where", value_name = "MATCH")]
    pub where_: Vec<String>,
    /// At most this many (1 to 10000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// Continue after this cursor (printed with the previous page).
    #[arg(long, value_name = "CURSOR")]
    pub after: Option<String>,
    /// Output format: a table, or `{"executions": [...], "next": CURSOR|null}`.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    db: DbArgs,
}

/// `--kind`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    /// Tasks.
    Task,
    /// Workflows.
    Workflow,
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

/// Builds the filter, refusing bad times, matches and cursors with one line.
fn filter_of(args: &Args) -> Result<ListFilter, Failure> {
    let time = |what: &'static str, text: &Option<String>| {
        text.as_deref()
            .map(|t| parse_time_bound(what, t))
            .transpose()
    };
    let (kind, name) = match (&args.workflow, &args.task, args.kind) {
        (Some(w), _, _) => (Some(Kind::Workflow), Some(w.clone())),
        (None, Some(t), _) => (Some(Kind::Task), Some(t.clone())),
        (None, None, k) => (
            k.map(|k| match k {
                KindArg::Task => Kind::Task,
                KindArg::Workflow => Kind::Workflow,
            }),
            args.name.clone(),
        ),
    };
    let created_after = match &args.since {
        Some(_) => time("--since", &args.since)?,
        None => time("--created-after", &args.created_after)?,
    };
    Ok(ListFilter {
        status: None,
        statuses: args.status.clone(),
        name,
        kind,
        version: args.version.clone(),
        created_after,
        created_before: time("--created-before", &args.created_before)?,
        ended_after: time("--ended-after", &args.ended_after)?,
        ended_before: time("--ended-before", &args.ended_before)?,
        idempotency_key: args.idempotency_key.clone(),
        parent_id: args.parent.clone(),
        inputs_contain: inputs_match(&args.where_)?,
        after: args
            .after
            .as_deref()
            .map(str::parse::<Cursor>)
            .transpose()?,
        limit: Some(args.limit),
    })
}

/// The document the inputs must contain, from every `--where`; clauses of separate options
/// may not overlap either.
fn inputs_match(wheres: &[String]) -> Result<Option<Value>, Failure> {
    if wheres.is_empty() {
        return Ok(None);
    }
    // Each option first, so an error's position is counted in the option it is in.
    for text in wheres {
        parse_where(text).map_err(|e| Failure::usage(format!("invalid --where {text:?}: {e}")))?;
    }
    let joined = wheres.join(" and ");
    match parse_where(&joined) {
        Ok(doc) => Ok(Some(doc)),
        Err(e) => Err(Failure::usage(format!(
            "invalid --where: {} (in the options joined with `and`: {joined:?})",
            e.message
        ))),
    }
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    db::run("list", async move {
        let filter = filter_of(&args)?;
        let client = args.db.client().await?;
        let page = client.list_page(&filter).await?;
        match args.format {
            Format::Json => {
                let v = serde_json::to_value(&page).map_err(|e| Failure::failed(e.to_string()))?;
                println!("{}", db::pretty(&v));
            }
            Format::Text => print_table(&page),
        }
        Ok(())
    })
}

/// The page as a table (one line per execution, no header, so it pipes), and on stderr how to
/// get the next page when there is one.
fn print_table(page: &ListPage) {
    let id_width = page
        .executions
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0);
    for r in &page.executions {
        let kind = match r.kind {
            Kind::Task => "task",
            Kind::Workflow => "workflow",
        };
        println!(
            "{:<id_width$}  {:<9}  {:<8}  {}  {}",
            r.id,
            r.status.as_str(),
            kind,
            r.name,
            r.created_at.to_rfc3339()
        );
    }
    if let Some(next) = &page.next {
        eprintln!("more: add --after {next}");
    }
}
