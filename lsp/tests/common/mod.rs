//! Test helpers: fixtures with `$0` cursors, a started server, and readable renderings.

#![allow(dead_code, missing_docs)]

use rhythm_lsp::Config;
use rhythm_lsp::line_index::{Encoding, LineIndex, Pos};
use rhythm_lsp::testing::TestClient;
use serde_json::{Value, json};

pub const URI: &str = "file:///work/flow/main.flow";

/// A text with its `$0` markers removed and their byte offsets.
pub struct Fixture {
    pub text: String,
    pub cursors: Vec<usize>,
}

pub fn fixture(src: &str) -> Fixture {
    let mut text = String::new();
    let mut cursors = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find("$0") {
        text.push_str(&rest[..i]);
        cursors.push(text.len());
        rest = &rest[i + 2..];
    }
    text.push_str(rest);
    Fixture { text, cursors }
}

/// A started, initialized server.
pub struct Session {
    pub client: TestClient,
    pub encoding: Encoding,
    pub text: String,
    pub version: i64,
}

pub async fn start(utf8: bool, root: Option<&std::path::Path>) -> (Session, Value) {
    let mut client = TestClient::start(Config::default());
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    let mut params = json!({
        "processId": null,
        "capabilities": { "general": { "positionEncodings": encodings } },
    });
    if let Some(root) = root {
        let uri = format!("file://{}", root.display());
        params["workspaceFolders"] = json!([{ "uri": uri, "name": "ws" }]);
    }
    let init = client.request("initialize", params).await.unwrap();
    client.notify("initialized", json!({})).await.unwrap();
    let session = Session {
        client,
        encoding: if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        },
        text: String::new(),
        version: 0,
    };
    (session, init)
}

impl Session {
    /// Opens the document and waits for its first diagnostics.
    pub async fn open(&mut self, text: &str) -> Value {
        self.text = text.to_owned();
        self.version = 1;
        self.client
            .notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": URI, "languageId": "flow", "version": 1, "text": text}}),
            )
            .await
            .unwrap();
        self.client.diagnostics(URI, 1).await.unwrap()
    }

    /// Replaces bytes `start..end` with `new` through an incremental change; returns the
    /// diagnostics of the new version.
    pub async fn edit(&mut self, start: usize, end: usize, new: &str) -> Value {
        let range = self.range(start, end);
        self.text.replace_range(start..end, new);
        self.version += 1;
        self.client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": URI, "version": self.version},
                    "contentChanges": [{"range": range, "text": new}],
                }),
            )
            .await
            .unwrap();
        self.client.diagnostics(URI, self.version).await.unwrap()
    }

    pub fn position(&self, offset: usize) -> Value {
        let index = LineIndex::new(&self.text);
        let p = index.position(&self.text, (offset as u32).into(), self.encoding);
        json!({"line": p.line, "character": p.col})
    }

    pub fn range(&self, start: usize, end: usize) -> Value {
        json!({"start": self.position(start), "end": self.position(end)})
    }

    /// The byte offset of an LSP position in the current text.
    pub fn offset(&self, position: &Value) -> usize {
        let index = LineIndex::new(&self.text);
        let p = Pos {
            line: position["line"].as_u64().unwrap() as u32,
            col: position["character"].as_u64().unwrap() as u32,
        };
        u32::from(index.offset(&self.text, p, self.encoding)) as usize
    }

    /// A request at a byte offset of the document.
    pub async fn at(&mut self, method: &str, offset: usize, extra: Value) -> Value {
        let mut params = json!({
            "textDocument": {"uri": URI},
            "position": self.position(offset),
        });
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                p.insert(k.clone(), v.clone());
            }
        }
        self.client.request(method, params).await.unwrap()
    }

    /// A request about the whole document.
    pub async fn doc(&mut self, method: &str, extra: Value) -> Value {
        let mut params = json!({"textDocument": {"uri": URI}});
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                p.insert(k.clone(), v.clone());
            }
        }
        self.client.request(method, params).await.unwrap()
    }

    /// The text with each LSP range underlined and labelled, line by line.
    pub fn annotate(&self, ranges: &[(Value, String)]) -> String {
        let mut marks: Vec<(usize, usize, &str)> = ranges
            .iter()
            .map(|(r, label)| {
                (
                    self.offset(&r["start"]),
                    self.offset(&r["end"]),
                    label.as_str(),
                )
            })
            .collect();
        marks.sort_by_key(|m| (m.0, m.1));
        let mut out = String::new();
        let mut line_start = 0;
        for line in self.text.split_inclusive('\n') {
            let line_end = line_start + line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            out.push_str(content);
            out.push('\n');
            for &(s, e, label) in &marks {
                let starts_here = s >= line_start
                    && (s < line_end || (s == line_end && line_end == self.text.len()));
                if !starts_here {
                    continue;
                }
                let col = self.text[line_start..s].chars().count();
                let stop = e.min(line_start + content.len()).max(s);
                let width = self.text[s..stop].chars().count().max(1);
                let more = if e > line_start + content.len() {
                    "…"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "{}{}{more} {label}\n",
                    " ".repeat(col),
                    "^".repeat(width)
                ));
            }
            line_start = line_end;
        }
        out
    }
}

/// Diagnostics rendered as an annotated text.
pub fn render_diagnostics(session: &Session, params: &Value) -> String {
    let items: Vec<(Value, String)> = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let severity = match d["severity"].as_u64() {
                Some(1) => "error",
                Some(2) => "warning",
                _ => "info",
            };
            (
                d["range"].clone(),
                format!(
                    "{severity}[{}]: {}",
                    d["code"].as_str().unwrap_or(""),
                    d["message"].as_str().unwrap_or("")
                ),
            )
        })
        .collect();
    if items.is_empty() {
        return "(no diagnostics)\n".to_owned();
    }
    session.annotate(&items)
}
