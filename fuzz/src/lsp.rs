//! The language server driven in process over real JSON-RPC frames: open a document, apply
//! random incremental edits (ranges in UTF-16, possibly out of bounds), ask for every feature
//! at random positions, close it. Every request must be answered, without an internal error.

use std::sync::{Mutex, OnceLock};

use arbitrary::Arbitrary;
use rhythm_lsp::testing::TestClient;
use serde_json::{Value, json};
use tokio::runtime::Runtime;

/// One incremental edit.
#[derive(Debug, Arbitrary)]
pub struct Edit {
    /// Start line and column (UTF-16), end line and column.
    pub range: Option<(u8, u8, u8, u8)>,
    /// The inserted text.
    pub text: String,
}

/// One request at a position.
#[derive(Debug, Arbitrary)]
pub struct Query {
    /// Which feature.
    pub method: u8,
    /// Line and column (UTF-16).
    pub line: u8,
    /// Column.
    pub col: u8,
}

/// A session: the opened text, the edits (each a `didChange`), the queries after each edit.
#[derive(Debug, Arbitrary)]
pub struct LspInput {
    /// The text opened.
    pub text: String,
    /// Edits and the queries that follow each.
    pub steps: Vec<(Vec<Edit>, Vec<Query>)>,
}

struct Server {
    rt: Runtime,
    client: TestClient,
    next_doc: u64,
}

fn server() -> &'static Mutex<Server> {
    static SERVER: OnceLock<Mutex<Server>> = OnceLock::new();
    SERVER.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let client = rt.block_on(async {
            let mut client = TestClient::start(rhythm_lsp::Config::default());
            let init = client
                .request(
                    "initialize",
                    json!({
                        "processId": null,
                        "capabilities": { "general": { "positionEncodings": ["utf-16"] } },
                    }),
                )
                .await
                .expect("initialize");
            assert!(init.get("result").is_some(), "initialize failed: {init}");
            client
                .notify("initialized", json!({}))
                .await
                .expect("initialized");
            client
        });
        Mutex::new(Server {
            rt,
            client,
            next_doc: 0,
        })
    })
}

const METHODS: [&str; 14] = [
    "textDocument/completion",
    "textDocument/hover",
    "textDocument/signatureHelp",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/documentSymbol",
    "textDocument/semanticTokens/full",
    "textDocument/foldingRange",
    "textDocument/codeAction",
    "textDocument/formatting",
    "textDocument/inlayHint",
];

fn params(method: &str, uri: &str, line: u8, col: u8) -> Value {
    let doc = json!({ "uri": uri });
    let pos = json!({ "line": line, "character": col });
    match method {
        "textDocument/references" => json!({
            "textDocument": doc, "position": pos, "context": { "includeDeclaration": true }
        }),
        "textDocument/rename" => {
            json!({ "textDocument": doc, "position": pos, "newName": "renamed" })
        }
        "textDocument/documentSymbol"
        | "textDocument/semanticTokens/full"
        | "textDocument/foldingRange" => json!({ "textDocument": doc }),
        "textDocument/codeAction" => json!({
            "textDocument": doc,
            "range": { "start": { "line": 0, "character": 0 }, "end": pos },
            "context": { "diagnostics": [] },
        }),
        "textDocument/formatting" => json!({
            "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true }
        }),
        "textDocument/inlayHint" => json!({
            "textDocument": doc,
            "range": { "start": { "line": 0, "character": 0 }, "end": pos },
        }),
        _ => json!({ "textDocument": doc, "position": pos }),
    }
}

/// Runs one session; panics when a request is not answered or answers an internal error.
pub fn check_lsp(input: &LspInput) {
    let mut guard = server()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = &mut *guard;
    server.next_doc += 1;
    let uri = format!("file:///fuzz/doc{}.flow", server.next_doc);
    let client = &mut server.client;
    server.rt.block_on(async {
        client
            .notify(
                "textDocument/didOpen",
                json!({ "textDocument": {
                    "uri": uri, "languageId": "flow", "version": 1, "text": input.text,
                }}),
            )
            .await
            .expect("didOpen");
        let mut version = 1;
        for (edits, queries) in input.steps.iter().take(8) {
            version += 1;
            let changes: Vec<Value> = edits
                .iter()
                .take(8)
                .map(|e| match e.range {
                    None => json!({ "text": e.text }),
                    Some((l1, c1, l2, c2)) => json!({
                        "range": {
                            "start": { "line": l1 % 16, "character": c1 },
                            "end": { "line": l2 % 16, "character": c2 },
                        },
                        "text": e.text,
                    }),
                })
                .collect();
            client
                .notify(
                    "textDocument/didChange",
                    json!({
                        "textDocument": { "uri": uri, "version": version },
                        "contentChanges": changes,
                    }),
                )
                .await
                .expect("didChange");
            for q in queries.iter().take(6) {
                let method = METHODS[usize::from(q.method) % METHODS.len()];
                let answer = client
                    .request(method, params(method, &uri, q.line % 16, q.col))
                    .await
                    .unwrap_or_else(|e| panic!("{method}: {e}"));
                if let Some(error) = answer.get("error") {
                    let code = error.get("code").and_then(Value::as_i64);
                    // -32603: internal error (a feature panicked); -32602 (invalid params)
                    // is a fair answer to a bad rename.
                    assert_ne!(code, Some(-32603), "{method} failed: {error}");
                }
            }
        }
        client
            .notify(
                "textDocument/didClose",
                json!({ "textDocument": { "uri": uri } }),
            )
            .await
            .expect("didClose");
        // Drains the notifications queued so far, so a long run does not pile them up.
        client
            .cleared_diagnostics(&uri)
            .await
            .expect("diagnostics cleared on close");
    });
}
