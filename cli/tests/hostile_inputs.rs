//! Hostile input to the `rhythm` command line: invalid JSON, invalid UTF-8 (in arguments and in
//! files), huge sources, SQL metacharacters in names and payloads, unknown workflows and ids.
//! Each gets a clear message and a failing exit code, and the database is left exactly as it
//! was (every table compared row by row); files given to `fmt` are left untouched.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Output};

use sqlx::PgPool;

const SQLI: [&str; 4] = [
    "x'; DROP TABLE rhythm_executions; --",
    "\" OR 1=1 --",
    "'); DELETE FROM rhythm_workflow_definitions; --",
    "$1 $$ \\ %s ;",
];

async fn db_url(pool: &PgPool) -> String {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{db}")
}

fn rhythm<S: AsRef<OsStr>>(url: &str, args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RHYTHM_DATABASE_URL", url)
        .output()
        .unwrap()
}

/// Every table (but sqlx's bookkeeping), each as its sorted rows in text.
async fn snapshot(pool: &PgPool) -> Vec<(String, Vec<String>)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' \
         AND tablename <> '_sqlx_migrations' ORDER BY tablename",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(tables.len() >= 5, "the schema is there: {tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT t::text FROM {t} t ORDER BY t::text"))
                .fetch_all(pool)
                .await
                .unwrap();
        out.push((t, rows));
    }
    out
}

/// The command failed with `code` and a message containing `needle`, and did not panic.
fn refused(o: &Output, code: i32, needle: &str, what: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{what}: {err}");
    assert!(
        err.to_lowercase().contains(&needle.to_lowercase()),
        "{what}: expected {needle:?} in {err}"
    );
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(o.stdout.is_empty(), "{what}: printed {:?}", o.stdout);
}

#[sqlx::test(migrations = "../migrations")]
async fn runtime_commands_refuse_hostile_input_and_change_nothing(pool: PgPool) {
    let url = db_url(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ok.flow"), "return await Signal.next(\"go\")\n").unwrap();
    std::fs::write(d.join("latin1.flow"), b"return \"caf\xe9\"\n").unwrap();
    std::fs::write(
        d.join("huge.flow"),
        format!("// {}\nreturn 1\n", "x".repeat(17 * 1024 * 1024)),
    )
    .unwrap();
    std::fs::write(d.join("nul.flow"), "return 1 // \u{0}\n").unwrap();
    let dir_s = d.to_str().unwrap();

    let o = rhythm(&url, &["start", "ok", "--workflows", dir_s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let id = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let before = snapshot(&pool).await;

    // Invalid JSON.
    for bad in [
        "{nope",
        "",
        "{\"a\": 1",
        "[1,]",
        "NaN",
        "{\"a\": \"\\ud800\"}x",
    ] {
        let o = rhythm(&url, &["start", "ok", "--inputs", bad]);
        refused(&o, 2, "--inputs is not valid JSON", bad);
        let o = rhythm(&url, &["signal", &id, "go", "--payload", bad]);
        refused(&o, 2, "--payload is not valid JSON", bad);
    }
    // NUL in a payload, which Postgres cannot store.
    let o = rhythm(&url, &["start", "ok", "--inputs", r#"{"a": "\u0000"}"#]);
    refused(&o, 2, "NUL", "NUL in inputs");
    let o = rhythm(&url, &["signal", &id, "go", "--payload", r#"["\u0000"]"#]);
    refused(&o, 2, "NUL", "NUL in a payload");

    // Invalid UTF-8 in arguments.
    let latin1 = OsStr::from_bytes(b"caf\xe9");
    let o = rhythm(&url, &[OsStr::new("start"), latin1]);
    refused(&o, 2, "UTF-8", "workflow name");
    let o = rhythm(
        &url,
        &[
            OsStr::new("signal"),
            OsStr::new(&id),
            OsStr::new("go"),
            OsStr::new("--payload"),
            latin1,
        ],
    );
    refused(&o, 2, "UTF-8", "payload");
    let o = rhythm(&url, &[OsStr::new("status"), latin1]);
    refused(&o, 2, "UTF-8", "execution id");

    // Workflow files that cannot be registered.
    let o = rhythm(&url, &["start", "latin1", "--workflows", dir_s]);
    refused(&o, 2, "cannot read workflow", "invalid UTF-8 source");
    let o = rhythm(&url, &["start", "huge", "--workflows", dir_s]);
    refused(&o, 2, "workflow source", "huge source");
    let o = rhythm(&url, &["start", "nul", "--workflows", dir_s]);
    refused(&o, 2, "workflow source", "NUL in source");
    let o = rhythm(&url, &["start", "absent", "--workflows", dir_s]);
    refused(&o, 2, "cannot read workflow", "missing file");

    // Over-long and empty names.
    let long = "n".repeat(300);
    let o = rhythm(&url, &["signal", &id, &long]);
    refused(&o, 2, "signal name", "long signal name");
    let o = rhythm(&url, &["signal", &id, ""]);
    refused(&o, 2, "signal name", "empty signal name");
    let o = rhythm(&url, &["start", "ok", "--queue", &long]);
    refused(&o, 2, "queue", "long queue");

    // Unknown workflows and executions, named with SQL metacharacters.
    for name in SQLI {
        let o = rhythm(&url, &["start", name]);
        refused(&o, 1, "unknown workflow", name);
        let o = rhythm(&url, &["status", name]);
        refused(&o, 1, "no execution", name);
        let o = rhythm(&url, &["cancel", name]);
        refused(&o, 1, "no execution", name);
        let o = rhythm(&url, &["signal", name, "go"]);
        refused(&o, 1, "no execution", name);
    }

    assert_eq!(
        snapshot(&pool).await,
        before,
        "a refused command changed the database"
    );

    // Valid names and payloads full of SQL metacharacters are data, stored verbatim.
    for name in SQLI {
        let payload = serde_json::json!({ "name": name }).to_string();
        let o = rhythm(&url, &["signal", &id, name, "--payload", &payload]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stored: serde_json::Value = sqlx::query_scalar(
            "SELECT payload FROM rhythm_signals WHERE execution_id = $1 AND name = $2",
        )
        .bind(&id)
        .bind(name)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(stored["name"], name);
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM rhythm_executions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn file_commands_refuse_hostile_files_and_leave_them_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let latin1 = d.join("latin1.flow");
    std::fs::write(&latin1, b"let x = \"caf\xe9\"\n").unwrap();
    let broken = d.join("broken.flow");
    std::fs::write(&broken, "let = = (((\n").unwrap();
    let bad_toml = d.join("bad.test.toml");
    std::fs::write(&bad_toml, b"[[case]]\nname = \"caf\xe9\"\n").unwrap();
    let deep = d.join("deep.flow");
    std::fs::write(
        &deep,
        format!("return {}1{}\n", "(".repeat(5000), ")".repeat(5000)),
    )
    .unwrap();

    for (args, code) in [
        (vec!["check", latin1.to_str().unwrap()], 1),
        (vec!["fmt", latin1.to_str().unwrap()], 1),
        (vec!["fmt", broken.to_str().unwrap()], 1),
        (vec!["parse", latin1.to_str().unwrap()], 1),
        (vec!["test", bad_toml.to_str().unwrap()], 2),
        (vec!["run", latin1.to_str().unwrap()], 1),
        (vec!["check", deep.to_str().unwrap()], 1),
        (vec!["fmt", deep.to_str().unwrap()], 1),
    ] {
        let before: Vec<Vec<u8>> = [&latin1, &broken, &bad_toml, &deep]
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        let o = Command::new(env!("CARGO_BIN_EXE_rhythm"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.code().is_some_and(|c| c >= code && c <= 2),
            "{args:?}: exit {:?}\n{out}{err}",
            o.status.code()
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            !(err.trim().is_empty() && out.trim().is_empty()),
            "{args:?}: no message"
        );
        let after: Vec<Vec<u8>> = [&latin1, &broken, &bad_toml, &deep]
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        assert_eq!(before, after, "{args:?} changed a file");
    }
}
