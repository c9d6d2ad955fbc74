//! `rhythm list` against a real Postgres: every filter option, paging with `--after`, and
//! refusals of bad input with one line.

mod common;

use std::process::Output;

use common::{db_url, rhythm_command, stderr};
use serde_json::Value;
use sqlx::PgPool;

fn rhythm(url: &str, args: &[&str]) -> Output {
    rhythm_command(url).arg("list").args(args).output().unwrap()
}

/// The ids `rhythm list ARGS --format json` prints, and its `next`.
fn page(url: &str, args: &[&str]) -> (Vec<String>, Option<String>) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = rhythm(url, &all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids = v["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, v["next"].as_str().map(str::to_owned))
}

fn ids(url: &str, args: &[&str]) -> Vec<String> {
    page(url, args).0
}

const H: &str = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

/// Ids `e1` (oldest, 10 h ago) to `e6` (newest, now).
async fn fixture(pool: &PgPool) {
    sqlx::query("INSERT INTO rhythm_workflow_definitions (name, content_hash, source) VALUES ('wf', $1, '')")
        .bind(H)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        r#"INSERT INTO rhythm_executions (id, kind, name, status, inputs, queue, idempotency_key,
               parent_id, content_hash, created_at, completed_at)
           VALUES
           ('e1', 'workflow', 'wf', 'completed', '{"userId": "u1"}', 'default', NULL, NULL, $1,
            now() - interval '10 hours', now() - interval '9 hours'),
           ('e2', 'task', 'charge', 'failed', '{"userId": "u2", "n": 2}', 'default', 'k-2', 'e1', NULL,
            now() - interval '5 hours', now() - interval '10 minutes'),
           ('e3', 'task', 'charge', 'cancelled', '{"userId": "u1", "n": 3}', 'default', NULL, 'e1', NULL,
            now() - interval '3 hours', now() - interval '2 hours'),
           ('e4', 'workflow', 'wf', 'waiting', '{"userId": "u2"}', 'default', NULL, NULL, $1,
            now() - interval '1 hour', NULL),
           ('e5', 'task', 'email', 'completed', '{"userId": "u1"}', 'default', NULL, NULL, NULL,
            now() - interval '30 minutes', now() - interval '20 minutes'),
           ('e6', 'task', 'email', 'running', '{}', 'default', NULL, NULL, NULL, now(), NULL)"#,
    )
    .bind(H)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn every_filter_option_narrows_the_list(pool: PgPool) {
    fixture(&pool).await;
    let url = db_url(&pool).await;
    let cases: &[(&[&str], &[&str])] = &[
        (&[], &["e6", "e5", "e4", "e3", "e2", "e1"]),
        (&["--workflow", "wf"], &["e4", "e1"]),
        (&["--task", "charge"], &["e3", "e2"]),
        (&["--name", "email"], &["e6", "e5"]),
        (&["--kind", "workflow"], &["e4", "e1"]),
        (&["--status", "failed,cancelled"], &["e3", "e2"]),
        (
            &["--status", "completed", "--status", "running"],
            &["e6", "e5", "e1"],
        ),
        (&["--version", "abcdef01"], &["e4", "e1"]),
        (&["--version", H], &["e4", "e1"]),
        (&["--since", "2h"], &["e6", "e5", "e4"]),
        (
            &["--created-after", "4h", "--created-before", "45m"],
            &["e4", "e3"],
        ),
        (&["--created-before", "2000-01-01T00:00:00Z"], &[]),
        (
            &[
                "--created-after",
                "2000-01-01T00:00:00+02:00",
                "--task",
                "email",
            ],
            &["e6", "e5"],
        ),
        (&["--ended-after", "1h"], &["e5", "e2"]),
        (&["--ended-before", "1h"], &["e3", "e1"]),
        (&["--idempotency-key", "k-2"], &["e2"]),
        (&["--parent", "e1"], &["e3", "e2"]),
        (&["--where", r#"userId = "u1""#], &["e5", "e3", "e1"]),
        (&["--where", r#"userId = "u1" and n = 3"#], &["e3"]),
        (
            &["--where", r#"userId = "u2""#, "--where", "n = 2"],
            &["e2"],
        ),
        (
            &["--task", "charge", "--status", "cancelled", "--since", "4h"],
            &["e3"],
        ),
    ];
    for (args, want) in cases {
        assert_eq!(ids(&url, args), *want, "rhythm list {args:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn after_pages_through_and_text_hints_the_next_page(pool: PgPool) {
    fixture(&pool).await;
    let url = db_url(&pool).await;
    let (first, next) = page(&url, &["--limit", "4"]);
    assert_eq!(first, ["e6", "e5", "e4", "e3"]);
    let next = next.unwrap();
    let (second, last) = page(&url, &["--limit", "4", "--after", &next]);
    assert_eq!(
        (second, last),
        (vec!["e2".to_owned(), "e1".to_owned()], None)
    );

    // The table on stdout, the hint on stderr.
    let o = rhythm(&url, &["--limit", "2", "--status", "completed,failed"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("e5  completed  task      email  "),
        "{out}"
    );
    assert!(
        lines[1].starts_with("e2  failed     task      charge  "),
        "{out}"
    );
    let hint = stderr(&o);
    let cursor = hint.trim().strip_prefix("more: add --after ").unwrap();
    let o = rhythm(
        &url,
        &[
            "--limit",
            "2",
            "--status",
            "completed,failed",
            "--after",
            cursor,
        ],
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
    assert_eq!(stderr(&o), "", "no hint on the last page");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_one_line_and_a_usage_exit(pool: PgPool) {
    let url = db_url(&pool).await;
    let cases: &[(&[&str], &str)] = &[
        (
            &["--since", "2 hours"],
            "rhythm list: invalid --since: \"2 hours\" is neither a duration (unexpected ` ` at byte 1: expected a number) nor an RFC 3339 time (such as 2026-12-08T10:00:00Z)\n",
        ),
        (
            &["--ended-before", "2026-13-01T00:00:00Z"],
            "rhythm list: invalid --ended-before: \"2026-13-01T00:00:00Z\" is not an RFC 3339 time (such as 2026-12-08T10:00:00Z) nor a duration\n",
        ),
        (
            &["--where", "userId = u1"],
            "rhythm list: invalid --where \"userId = u1\": at character 10: expected a JSON value (expected value)\n",
        ),
        (
            &["--where", "a = 1; drop table x"],
            "rhythm list: invalid --where \"a = 1; drop table x\": at character 6: expected a space or the end after the value, found `;`\n",
        ),
        (
            &["--where", "a = 1", "--where", "a = 2"],
            "rhythm list: invalid --where: `a` is given twice or overlaps another field (in the options joined with `and`: \"a = 1 and a = 2\")\n",
        ),
        (
            &["--after", "c1nothex"],
            "rhythm list: invalid cursor: not a cursor a list returned (pass the `next` value as it was)\n",
        ),
        (
            &["--version", "XYZ"],
            "rhythm list: invalid version: \"XYZ\" is not a content hash (64 lowercase hex digits) or a prefix of one\n",
        ),
    ];
    for (args, want) in cases {
        let o = rhythm(&url, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), *want, "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // Clap's own refusals (usage, exit 2).
    for args in [
        &["--status", "failed,bogus"][..],
        &["--limit", "0"],
        &["--kind", "job"],
        &["--workflow", "a", "--task", "b"],
    ] {
        let o = rhythm(&url, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).starts_with("error: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}
