//! `Client::list` / `Client::list_page` on real Postgres: each filter, keyset paging (no
//! duplicate, no gap, while executions are inserted) and refusals.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use rhythm_runtime::input_match::parse_where;
use rhythm_runtime::{
    Client, Cursor, Error, Kind, ListFilter, StartOptions, Status, parse_time_bound,
};
use serde_json::{Value, json};
use sqlx::PgPool;

/// One execution row written directly, so times, statuses and links are exact.
struct Row<'a> {
    id: &'a str,
    kind: &'a str,
    name: &'a str,
    status: &'a str,
    inputs: Value,
    /// Minutes before now.
    created_min_ago: i64,
    /// Minutes before now, for terminal rows.
    ended_min_ago: Option<i64>,
    key: Option<&'a str>,
    parent: Option<&'a str>,
    hash: Option<&'a str>,
}

impl Default for Row<'_> {
    fn default() -> Self {
        Row {
            id: "",
            kind: "task",
            name: "t",
            status: "running",
            inputs: json!({}),
            created_min_ago: 0,
            ended_min_ago: None,
            key: None,
            parent: None,
            hash: None,
        }
    }
}

async fn insert(pool: &PgPool, now: DateTime<Utc>, r: Row<'_>) {
    sqlx::query(
        "INSERT INTO rhythm_executions (id, kind, name, status, inputs, queue, idempotency_key, \
         parent_id, content_hash, created_at, completed_at) \
         VALUES ($1, $2, $3, $4, $5, 'default', $6, $7, $8, $9, $10)",
    )
    .bind(r.id)
    .bind(r.kind)
    .bind(r.name)
    .bind(r.status)
    .bind(&r.inputs)
    .bind(r.key)
    .bind(r.parent)
    .bind(r.hash)
    .bind(now - Duration::minutes(r.created_min_ago))
    .bind(r.ended_min_ago.map(|m| now - Duration::minutes(m)))
    .execute(pool)
    .await
    .unwrap();
}

const H1: &str = "1111aaaa00000000000000000000000000000000000000000000000000000000";
const H2: &str = "1111bbbb00000000000000000000000000000000000000000000000000000000";

/// A small fixed set: ids `e1` (oldest) to `e8` (newest).
async fn fixture(pool: &PgPool) -> (Client, DateTime<Utc>) {
    let now = Utc::now();
    for (name, hash) in [("wf", H1), ("wf", H2)] {
        sqlx::query(
            "INSERT INTO rhythm_workflow_definitions (name, content_hash, source) VALUES ($1, $2, '')",
        )
        .bind(name)
        .bind(hash)
        .execute(pool)
        .await
        .unwrap();
    }
    let rows = [
        Row {
            id: "e1",
            kind: "workflow",
            name: "wf",
            status: "completed",
            created_min_ago: 600,
            ended_min_ago: Some(590),
            hash: Some(H1),
            inputs: json!({"userId": "u1", "plan": {"tier": "pro"}}),
            ..Row::default()
        },
        Row {
            id: "e2",
            name: "charge",
            status: "completed",
            created_min_ago: 595,
            ended_min_ago: Some(100),
            parent: Some("e1"),
            inputs: json!({"userId": "u1", "amount": 5}),
            ..Row::default()
        },
        Row {
            id: "e3",
            name: "charge",
            status: "failed",
            created_min_ago: 300,
            ended_min_ago: Some(299),
            key: Some("order-3"),
            inputs: json!({"userId": "u2", "amount": 7}),
            ..Row::default()
        },
        Row {
            id: "e4",
            kind: "workflow",
            name: "wf",
            status: "waiting",
            created_min_ago: 200,
            hash: Some(H2),
            inputs: json!({"userId": "u2", "tags": ["a", "b"]}),
            ..Row::default()
        },
        Row {
            id: "e5",
            name: "email",
            status: "cancelled",
            created_min_ago: 90,
            ended_min_ago: Some(30),
            parent: Some("e4"),
            inputs: json!({"userId": "u1"}),
            ..Row::default()
        },
        Row {
            id: "e6",
            name: "email",
            status: "running",
            created_min_ago: 60,
            inputs: json!([1, 2]),
            ..Row::default()
        },
        Row {
            id: "e7",
            name: "charge",
            status: "completed",
            created_min_ago: 20,
            ended_min_ago: Some(10),
            parent: Some("e4"),
            inputs: json!({"userId": "u3", "amount": 5.0}),
            ..Row::default()
        },
        Row {
            id: "e8",
            kind: "workflow",
            name: "other",
            status: "running",
            created_min_ago: 1,
            hash: Some(H2),
            key: Some("order-3"),
            inputs: json!({"key": "order-3"}),
            ..Row::default()
        },
    ];
    for r in rows {
        insert(pool, now, r).await;
    }
    (Client::from_pool(pool.clone()), now)
}

async fn ids(client: &Client, filter: ListFilter) -> Vec<String> {
    let page = client.list_page(&filter).await.unwrap();
    page.executions.into_iter().map(|e| e.id).collect()
}

fn at(now: DateTime<Utc>, min_ago: i64) -> Option<DateTime<Utc>> {
    Some(now - Duration::minutes(min_ago))
}

#[sqlx::test(migrations = "../migrations")]
async fn each_filter_selects_its_rows_newest_first(pool: PgPool) {
    let (c, now) = fixture(&pool).await;
    let f = ListFilter::default;
    assert_eq!(
        ids(&c, f()).await,
        ["e8", "e7", "e6", "e5", "e4", "e3", "e2", "e1"]
    );
    // Names and kinds.
    assert_eq!(
        ids(
            &c,
            ListFilter {
                name: Some("charge".into()),
                ..f()
            }
        )
        .await,
        ["e7", "e3", "e2"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                kind: Some(Kind::Workflow),
                ..f()
            }
        )
        .await,
        ["e8", "e4", "e1"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                name: Some("wf".into()),
                kind: Some(Kind::Task),
                ..f()
            }
        )
        .await,
        Vec::<String>::new()
    );
    // Statuses: one, several, and the old single field beside the list.
    assert_eq!(
        ids(
            &c,
            ListFilter {
                statuses: vec![Status::Failed, Status::Cancelled],
                ..f()
            }
        )
        .await,
        ["e5", "e3"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                status: Some(Status::Running),
                statuses: vec![Status::Waiting],
                ..f()
            }
        )
        .await,
        ["e8", "e6", "e4"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                status: Some(Status::Completed),
                ..f()
            }
        )
        .await,
        ["e7", "e2", "e1"]
    );
    // Versions: full hash, unique prefix, ambiguous prefix, prefix of no version.
    assert_eq!(
        ids(
            &c,
            ListFilter {
                version: Some(H2.into()),
                ..f()
            }
        )
        .await,
        ["e8", "e4"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                version: Some("1111a".into()),
                ..f()
            }
        )
        .await,
        ["e1"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                version: Some("1111b".into()),
                name: Some("other".into()),
                ..f()
            }
        )
        .await,
        Vec::<String>::new()
    );
    let e = c
        .list_page(&ListFilter {
            version: Some("1111".into()),
            ..f()
        })
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid version: the prefix \"1111\" matches several registered versions; give more characters"
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                version: Some("ffff".into()),
                ..f()
            }
        )
        .await,
        Vec::<String>::new()
    );
    // Created range: inclusive after, exclusive before.
    assert_eq!(
        ids(
            &c,
            ListFilter {
                created_after: at(now, 90),
                ..f()
            }
        )
        .await,
        ["e8", "e7", "e6", "e5"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                created_after: at(now, 300),
                created_before: at(now, 90),
                ..f()
            }
        )
        .await,
        ["e4", "e3"]
    );
    // Ended range: only terminal executions have an end.
    assert_eq!(
        ids(
            &c,
            ListFilter {
                ended_after: at(now, 100),
                ..f()
            }
        )
        .await,
        ["e7", "e5", "e2"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                ended_before: at(now, 100),
                ..f()
            }
        )
        .await,
        ["e3", "e1"]
    );
    // Idempotency key (one per kind), parent.
    assert_eq!(
        ids(
            &c,
            ListFilter {
                idempotency_key: Some("order-3".into()),
                ..f()
            }
        )
        .await,
        ["e8", "e3"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                idempotency_key: Some("order-3".into()),
                kind: Some(Kind::Task),
                ..f()
            }
        )
        .await,
        ["e3"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                parent_id: Some("e4".into()),
                ..f()
            }
        )
        .await,
        ["e7", "e5"]
    );
    // Inputs: equality of scalars (numbers by value), nested fields, array containment.
    let m = |t: &str| Some(parse_where(t).unwrap());
    assert_eq!(
        ids(
            &c,
            ListFilter {
                inputs_contain: m(r#"userId = "u1""#),
                ..f()
            }
        )
        .await,
        ["e5", "e2", "e1"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                inputs_contain: m("amount = 5"),
                ..f()
            }
        )
        .await,
        ["e7", "e2"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                inputs_contain: m(r#"userId = "u1" and amount = 5"#),
                ..f()
            }
        )
        .await,
        ["e2"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                inputs_contain: m(r#"plan.tier = "pro""#),
                ..f()
            }
        )
        .await,
        ["e1"]
    );
    assert_eq!(
        ids(
            &c,
            ListFilter {
                inputs_contain: m(r#"tags = ["b"]"#),
                ..f()
            }
        )
        .await,
        ["e4"]
    );
    // Several filters at once.
    assert_eq!(
        ids(
            &c,
            ListFilter {
                name: Some("charge".into()),
                statuses: vec![Status::Completed],
                created_after: at(now, 596),
                inputs_contain: m(r#"userId = "u1""#),
                ..f()
            }
        )
        .await,
        ["e2"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_follow_the_cursor_and_the_client_list_stays_as_it_was(pool: PgPool) {
    let (c, _) = fixture(&pool).await;
    let page = c
        .list_page(&ListFilter {
            limit: Some(3),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page.executions
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        ["e8", "e7", "e6"]
    );
    let next = page.next.clone().unwrap();
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(json["next"], json!(next.to_string()));
    assert_eq!(json["executions"][0]["id"], "e8");
    let cursor: Cursor = next.to_string().parse().unwrap();
    let page2 = c
        .list_page(&ListFilter {
            limit: Some(3),
            after: Some(cursor),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page2
            .executions
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        ["e5", "e4", "e3"]
    );
    let page3 = c
        .list_page(&ListFilter {
            limit: Some(3),
            after: page2.next,
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page3
            .executions
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        ["e2", "e1"]
    );
    assert_eq!(page3.next, None);
    // A page that ends exactly at the last row has no next.
    let exact = c
        .list_page(&ListFilter {
            limit: Some(8),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!((exact.executions.len(), exact.next), (8, None));
    // `list` is the first page, as before.
    let rows = c
        .list(&ListFilter {
            name: Some("email".into()),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["e6", "e5"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn paging_while_executions_start_sees_each_once(pool: PgPool) {
    let c = Client::from_pool(pool.clone());
    // Rows sharing timestamps exercise the id tie-break of the key.
    let before = Utc::now();
    sqlx::query(
        "INSERT INTO rhythm_executions (id, kind, name, status, inputs, queue, created_at) \
         SELECT 'x' || lpad(g::text, 4, '0'), 'task', 'n', 'running', '{}', 'default', \
                $1 - (g / 3) * interval '1 ms' \
         FROM generate_series(1, 500) g",
    )
    .bind(before)
    .execute(&pool)
    .await
    .unwrap();
    let writer = {
        let c = c.clone();
        tokio::spawn(async move {
            for i in 0..200 {
                c.queue_task("n", json!(i), StartOptions::default())
                    .await
                    .unwrap();
            }
        })
    };
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = c
            .list_page(&ListFilter {
                limit: Some(7),
                after,
                created_before: Some(before + Duration::seconds(1)),
                ..ListFilter::default()
            })
            .await
            .unwrap();
        seen.extend(page.executions.into_iter().map(|e| e.id));
        tokio::task::yield_now().await;
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    writer.await.unwrap();
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no execution twice");
    for g in 1..=500 {
        assert!(unique.contains(&format!("x{g:04}")), "x{g:04} was skipped");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_refused_with_one_clear_reason(pool: PgPool) {
    let c = Client::from_pool(pool);
    let refuse = |f: ListFilter| {
        let c = c.clone();
        async move { c.list_page(&f).await.unwrap_err() }
    };
    let e = refuse(ListFilter {
        version: Some("ABC".into()),
        ..ListFilter::default()
    })
    .await;
    assert!(
        matches!(
            e,
            Error::Invalid {
                what: "version",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "invalid version: \"ABC\" is not a content hash (64 lowercase hex digits) or a prefix of one"
    );
    let e = refuse(ListFilter {
        name: Some(String::new()),
        ..ListFilter::default()
    })
    .await;
    assert_eq!(e.to_string(), "invalid name: must not be empty");
    let e = refuse(ListFilter {
        parent_id: Some("a\0b".into()),
        ..ListFilter::default()
    })
    .await;
    assert_eq!(e.to_string(), "invalid parent id: contains a NUL character");
    let e = "c1zz".parse::<Cursor>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid cursor: not a cursor a list returned (pass the `next` value as it was)"
    );
    let e = parse_time_bound("--since", "2 hours").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid --since: \"2 hours\" is neither a duration"),
        "{e}"
    );
    // A zero limit is an empty last page.
    let page = c
        .list_page(&ListFilter {
            limit: Some(0),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!((page.executions.len(), page.next), (0, None));
}
