//! `Store::list`: one page of executions, newest first by `(created_at, id)`, with keyset
//! paging. The statement is put together from the fixed fragments below, one per filter that
//! is set, and every value is a bind: which filters are present decides the statement's shape
//! (so Postgres plans each shape for its indexes, rather than one generic plan full of
//! `$n IS NULL OR ...`), and no text of the caller's ever becomes SQL.
//!
//! Indexes used (see docs/runtime.md, "Indexes, and why"): `_created (created_at DESC)` walks
//! newest first and stops after the page; `_name_created` serves a name; `_version` a
//! version; `_idempotency` a key; `_parent` a parent. Status and end time are never indexed
//! (the hot path updates them), so they filter the walk.

use sqlx::{PgPool, Postgres, QueryBuilder, Row};

use super::status_of;
use crate::error::{Error, Result};
use crate::listing::{Cursor, ListPage};
use crate::model::{ExecutionSummary, Kind, ListFilter, Status};

/// The head of the statement; each filter appends `AND ...`.
const SELECT: &str = "SELECT id, kind, name, status, created_at, completed_at \
                      FROM rhythm_executions WHERE true";

/// The order of every page, and of the cursor.
const ORDER: &str = " ORDER BY created_at DESC, id DESC LIMIT ";

/// Registered versions starting with a prefix (at most two: one is the answer, two is
/// ambiguous). `rhythm_workflow_definitions` holds one row per version: a scan is cheap.
const VERSIONS_WITH_PREFIX: &str = r#"
SELECT DISTINCT content_hash FROM rhythm_workflow_definitions
WHERE left(content_hash, length($1)) = $1 AND ($2::text IS NULL OR name = $2)
LIMIT 2
"#;

/// How far before its end an execution's `created_at` may lie at most, for the bound on
/// `created_at` an end bound implies: `completed_at` is the `now()` of the transaction that
/// ended it, which may have started (by at most its own length) before the row was created.
/// No transaction of the runtime lasts an hour.
const ENDED_SLACK: &str = " + interval '1 hour'";

/// Length of a full content hash (hex SHA-256).
const HASH_LEN: usize = 64;

/// Default and largest page size.
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 10_000;

/// One page of the executions matching `filter`.
pub(super) async fn list(pool: &PgPool, filter: &ListFilter) -> Result<ListPage> {
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    if limit == 0 {
        return Ok(ListPage {
            executions: Vec::new(),
            next: None,
        });
    }
    let version = match &filter.version {
        None => None,
        Some(v) => match resolve_version(pool, v, filter.name.as_deref()).await? {
            Some(full) => Some(full),
            // No registered version has this prefix: nothing can match.
            None => {
                return Ok(ListPage {
                    executions: Vec::new(),
                    next: None,
                });
            }
        },
    };

    let mut q = QueryBuilder::<Postgres>::new(SELECT);
    let mut statuses: Vec<&'static str> = filter
        .statuses
        .iter()
        .chain(filter.status.iter())
        .map(|s| Status::as_str(*s))
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    match statuses.as_slice() {
        [] => {}
        [one] => {
            q.push(" AND status = ").push_bind(*one);
        }
        _ => {
            q.push(" AND status = ANY(").push_bind(statuses).push(")");
        }
    }
    if let Some(name) = &filter.name {
        q.push(" AND name = ").push_bind(name.clone());
    }
    if let Some(kind) = filter.kind {
        q.push(" AND kind = ").push_bind(kind.as_str());
    }
    if let Some(version) = version {
        q.push(" AND content_hash = ").push_bind(version);
    }
    if let Some(t) = filter.created_after {
        q.push(" AND created_at >= ").push_bind(t);
    }
    if let Some(t) = filter.created_before {
        q.push(" AND created_at < ").push_bind(t);
    }
    if let Some(t) = filter.ended_after {
        q.push(" AND completed_at >= ").push_bind(t);
    }
    if let Some(t) = filter.ended_before {
        // An execution ends after it starts, give or take the transaction that ended it (its
        // `now()` may precede a row it sees): bounding created_at too lets the newest-first
        // walk of `_created` start near the bound instead of at the newest row.
        q.push(" AND completed_at < ")
            .push_bind(t)
            .push(" AND created_at < ")
            .push_bind(t)
            .push(ENDED_SLACK);
    }
    if let Some(key) = &filter.idempotency_key {
        q.push(" AND idempotency_key = ").push_bind(key.clone());
        if filter.kind.is_none() {
            // Lets the (kind, idempotency_key) index serve a key without a kind.
            q.push(" AND kind IN ('task', 'workflow')");
        }
    }
    if let Some(parent) = &filter.parent_id {
        q.push(" AND parent_id = ").push_bind(parent.clone());
    }
    if let Some(doc) = &filter.inputs_contain {
        q.push(" AND inputs @> ")
            .push_bind(doc.clone())
            .push("::jsonb");
    }
    if let Some(c) = &filter.after {
        // (created_at, id) < (c.created_at, c.id), spelled so any index on created_at serves it.
        q.push(" AND created_at <= ")
            .push_bind(c.created_at)
            .push(" AND (created_at < ")
            .push_bind(c.created_at)
            .push(" OR id < ")
            .push_bind(c.id.clone())
            .push(")");
    }
    // One row more than the page tells whether another page follows.
    q.push(ORDER).push_bind(i64::from(limit) + 1);

    let rows = q.build().fetch_all(pool).await?;
    let mut executions = rows
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(ExecutionSummary {
                id: r.try_get("id")?,
                kind: kind.parse::<Kind>()?,
                name: r.try_get("name")?,
                status: status_of(r, "status")?,
                created_at: r.try_get("created_at")?,
                completed_at: r.try_get("completed_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let more = executions.len() > limit as usize;
    executions.truncate(limit as usize);
    let next = if more {
        executions.last().map(Cursor::after)
    } else {
        None
    };
    Ok(ListPage { executions, next })
}

/// The full content hash a version filter names: itself when full length, else the one
/// registered version (of workflow `name`, when given) it is a prefix of; `None` when none is.
async fn resolve_version(
    pool: &PgPool,
    version: &str,
    name: Option<&str>,
) -> Result<Option<String>> {
    if version.len() == HASH_LEN {
        return Ok(Some(version.to_owned()));
    }
    let found: Vec<String> = sqlx::query_scalar(VERSIONS_WITH_PREFIX)
        .bind(version)
        .bind(name)
        .fetch_all(pool)
        .await?;
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(Error::Invalid {
            what: "version",
            reason: format!(
                "the prefix {version:?} matches several registered versions; give more characters"
            ),
        }),
    }
}
