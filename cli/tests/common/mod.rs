//! Helpers shared by the CLI's tests against a real Postgres: the test's own database URL and
//! the `rhythm` binary pointed at it.
#![allow(dead_code)]

use std::process::{Command, Output};

use sqlx::PgPool;

/// The URL of the database `pool` is connected to (each `#[sqlx::test]` has its own), on the
/// server of `DATABASE_URL`.
pub async fn db_url(pool: &PgPool) -> String {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{db}")
}

/// The `rhythm` binary with `RHYTHM_DATABASE_URL` set to `url` (and no `DATABASE_URL`).
pub fn rhythm_command(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rhythm"));
    c.env_remove("DATABASE_URL").env("RHYTHM_DATABASE_URL", url);
    c
}

/// Runs `rhythm ARGS` on the database at `url`.
pub fn rhythm(url: &str, args: &[&str]) -> Output {
    rhythm_command(url).args(args).output().unwrap()
}

/// A command's standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A command's standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
