//! Workflow versions and task definitions on Postgres: registration and lookups.

use serde_json::Value;
use sqlx::{PgConnection, PgPool, Row};

use super::sql;
use crate::error::Result;
use crate::store::TaskDefinition;

/// Registers task definitions in one transaction (serialized with other registrations, so
/// revisions follow commit order).
pub(super) async fn register_task_definitions(
    pool: &PgPool,
    definitions: &[TaskDefinition],
) -> Result<()> {
    if definitions.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = definitions.iter().map(|d| d.name.as_str()).collect();
    let defaults: Vec<&Value> = definitions.iter().map(|d| &d.defaults).collect();
    let mut tx = pool.begin().await?;
    sqlx::query(sql::LOCK_TASK_DEFINITIONS)
        .execute(&mut *tx)
        .await?;
    sqlx::query(sql::REGISTER_TASK_DEFINITIONS)
        .bind(&names)
        .bind(&defaults)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The definitions of the tasks `names` (`None`: of every task), sorted by name.
pub(super) async fn task_definitions(
    conn: &mut PgConnection,
    names: Option<&[String]>,
) -> Result<Vec<TaskDefinition>> {
    let rows = sqlx::query(sql::TASK_DEFINITIONS)
        .bind(names)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TaskDefinition {
                name: r.try_get("name")?,
                defaults: r.try_get("defaults")?,
            })
        })
        .collect()
}

/// Stores a workflow version (no-op when known).
pub(super) async fn upsert_workflow(
    pool: &PgPool,
    name: &str,
    hash: &str,
    source: &str,
) -> Result<()> {
    sqlx::query(sql::UPSERT_WORKFLOW)
        .bind(name)
        .bind(hash)
        .bind(source)
        .execute(pool)
        .await?;
    Ok(())
}

/// True when `version` is a registered version of workflow `name`.
pub(super) async fn workflow_version_exists(
    pool: &PgPool,
    name: &str,
    version: &str,
) -> Result<bool> {
    Ok(sqlx::query_scalar(sql::WORKFLOW_VERSION_EXISTS)
        .bind(name)
        .bind(version)
        .fetch_one(pool)
        .await?)
}

/// The newest registered version of a workflow, if any.
pub(super) async fn newest_workflow(pool: &PgPool, name: &str) -> Result<Option<String>> {
    let row = sqlx::query(sql::NEWEST_WORKFLOW)
        .bind(name)
        .fetch_optional(pool)
        .await?;
    row.map(|r| Ok(r.try_get("content_hash")?)).transpose()
}
