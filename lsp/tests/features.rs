//! End-to-end tests of the language server over real JSON-RPC frames: each opens a fixture
//! (`$0` marks the cursor), sends requests and snapshots a readable rendering of the answers.

mod common;

use common::{Session, URI, fixture, render_diagnostics, start};
use serde_json::{Value, json};

async fn session(text: &str) -> (Session, Vec<usize>) {
    let f = fixture(text);
    let (mut s, _) = start(false, None).await;
    s.open(&f.text).await;
    (s, f.cursors)
}

fn render_completions(s: &Session, result: &Value) -> String {
    let mut items: Vec<&Value> = result["result"].as_array().unwrap().iter().collect();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_owned());
    let mut out = String::new();
    for item in items {
        let edit = &item["textEdit"];
        let start = s.offset(&edit["range"]["start"]);
        let end = s.offset(&edit["range"]["end"]);
        out.push_str(&format!(
            "{:<14} {:<3} {} [replaces {:?}]{}\n",
            item["label"].as_str().unwrap(),
            item["kind"],
            item["detail"].as_str().unwrap_or(""),
            &s.text[start..end],
            if item["insertTextFormat"] == 2 {
                format!(" snippet {:?}", edit["newText"].as_str().unwrap_or(""))
            } else {
                String::new()
            }
        ));
    }
    out
}

async fn complete(text: &str) -> String {
    let (mut s, cursors) = session(text).await;
    let result = s.at("textDocument/completion", cursors[0], json!({})).await;
    render_completions(&s, &result)
}

fn labels(rendered: &str) -> Vec<&str> {
    rendered
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[tokio::test]
async fn initialize_negotiates_utf8_when_offered() {
    let (_, init) = start(true, None).await;
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    let (_, init) = start(false, None).await;
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    insta::assert_snapshot!(serde_json::to_string_pretty(&init["result"]).unwrap());
}

#[tokio::test]
async fn diagnostics_appear_clear_and_close() {
    let text = "const total = 1\nconsole.log(total)\n";
    let (mut s, _) = start(false, None).await;
    let first = s.open(text).await;
    let mut out = format!("open:\n{}", render_diagnostics(&s, &first));
    // Break the file: `total` → `tot al(` on line 2.
    let at = s.text.rfind("total").unwrap();
    let broken = s.edit(at, at + 5, "tot al(").await;
    out.push_str(&format!("broken:\n{}", render_diagnostics(&s, &broken)));
    let at = s.text.rfind("tot al(").unwrap();
    let repaired = s.edit(at, at + 7, "total").await;
    out.push_str(&format!("repaired:\n{}", render_diagnostics(&s, &repaired)));
    s.client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": URI}}),
        )
        .await
        .unwrap();
    let cleared = s.client.cleared_diagnostics(URI).await.unwrap();
    assert_eq!(cleared["diagnostics"], json!([]));
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn diagnostics_on_non_ascii_text_in_both_encodings() {
    let text = "const café = \"😀\"; let 𝒳 = café + ünknown\n";
    let mut out = String::new();
    for utf8 in [false, true] {
        let (mut s, _) = start(utf8, None).await;
        let d = s.open(text).await;
        out.push_str(&format!("utf8={utf8}\n{}", render_diagnostics(&s, &d)));
        let r = &d["diagnostics"][0]["range"];
        out.push_str(&format!("  raw range: {r}\n"));
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn completion_of_a_non_ascii_name() {
    let src = "const café = \"😀\"; caf$0";
    let mut out = String::new();
    for utf8 in [false, true] {
        let f = fixture(src);
        let (mut s, _) = start(utf8, None).await;
        s.open(&f.text).await;
        let r = s
            .at("textDocument/completion", f.cursors[0], json!({}))
            .await;
        let rendered = render_completions(&s, &r);
        assert_eq!(labels(&rendered).first(), Some(&"café"), "{rendered}");
        out.push_str(&format!("utf8={utf8}\n{rendered}"));
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn completion_of_namespace_members() {
    let out = complete("await Task.$0").await;
    assert_eq!(labels(&out), ["run"]);
    let math = complete("const x = Math.fl$0").await;
    insta::assert_snapshot!(format!("Task.\n{out}Math.fl\n{math}"));
}

#[tokio::test]
async fn completion_of_value_methods() {
    let lit = complete("\"abc\".to$0").await;
    let arr = complete("[1, 2].$0").await;
    let bound = complete("const name = \"x\"\nname.st$0").await;
    let unknown = complete("const o = Inputs.thing\no.$0").await;
    assert!(labels(&arr).contains(&"flatMap"));
    assert_eq!(unknown, "");
    insta::assert_snapshot!(format!("string literal\n{lit}\nbound string\n{bound}"));
}

#[tokio::test]
async fn completion_of_names_in_scope() {
    let out = complete(
        "const order = Inputs.order\nfunction ship(parcel) {\n  const label = 1\n  return o$0\n}\nconst later = 2\n",
    )
    .await;
    let ls = labels(&out);
    assert!(ls.contains(&"order"));
    assert!(
        !ls.contains(&"later"),
        "declared after the cursor at top level: {out}"
    );
    let inner = complete("function ship(parcel) {\n  const label = 1\n  $0\n}\n").await;
    let inner_labels = labels(&inner);
    assert!(
        inner_labels.contains(&"parcel")
            && inner_labels.contains(&"label")
            && inner_labels.contains(&"ship")
    );
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn completion_of_keywords_and_snippets() {
    let out = complete("tr$0").await;
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn completion_of_task_names_from_the_manifest_and_signal_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".rhythm")).unwrap();
    std::fs::write(
        dir.path().join(".rhythm/tasks.json"),
        r#"{"tasks": [{"name": "charge-card", "parameters": [{"name": "amount", "annotation": "float"}], "doc": "Charges the customer's card."}, {"name": "send-email", "parameters": [{"name": "to"}]}]}"#,
    )
    .unwrap();
    let f = fixture(
        "await Task.run(\"ch$0\")\nawait Signal.next(\"approved\")\nawait Signal.next(\"$0\")\nawait Task.run(\"charge-$0card\", { amount: 1 })\n",
    );
    let (mut s, _) = start(false, Some(dir.path())).await;
    let diags = s.open(&f.text).await;
    let tasks = s
        .at("textDocument/completion", f.cursors[0], json!({}))
        .await;
    let signals = s
        .at("textDocument/completion", f.cursors[1], json!({}))
        .await;
    let hover = s.at("textDocument/hover", f.cursors[2], json!({})).await;
    insta::assert_snapshot!(format!(
        "tasks\n{}signals\n{}hover\n{}\ndiagnostics\n{}",
        render_completions(&s, &tasks),
        render_completions(&s, &signals),
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("(none)"),
        render_diagnostics(&s, &diags),
    ));
}

async fn hover_text(text: &str) -> String {
    let (mut s, cursors) = session(text).await;
    let mut out = String::new();
    for c in cursors {
        let h = s.at("textDocument/hover", c, json!({})).await;
        let r = &h["result"];
        if r.is_null() {
            out.push_str("(no hover)\n---\n");
            continue;
        }
        out.push_str(&s.annotate(&[(r["range"].clone(), "hovered".to_owned())]));
        out.push_str(r["contents"]["value"].as_str().unwrap_or(""));
        out.push_str("\n---\n");
    }
    out
}

#[tokio::test]
async fn hover_on_globals_members_and_locals() {
    let out = hover_text(
        "const wait = \"2h\"\nawait Tim$0er.del$0ay(wa$0it)\nconst n = wait.len$0gth\nfunction f$0(a, ...rest) {}\n",
    )
    .await;
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn signature_help_tracks_the_active_parameter() {
    let (mut s, cursors) = session(
        "await Task.run(\"a\", $0{ x: 1 })\nconsole.log(1, 2, $0)\nfunction go(a, b) {}\ngo(1, $0",
    )
    .await;
    let mut out = String::new();
    for c in cursors {
        let r = s.at("textDocument/signatureHelp", c, json!({})).await;
        let sig = &r["result"]["signatures"][0];
        out.push_str(&format!(
            "{} | active {}\n",
            sig["label"].as_str().unwrap_or("(none)"),
            r["result"]["activeParameter"]
        ));
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn definition_references_and_highlights() {
    let (mut s, cursors) = session(
        "let count = 0\nfunction bump() {\n  count += 1\n  return co$0unt\n}\nconst count2 = count\n{\n  const count = 5\n  console.log(count)\n}\n",
    )
    .await;
    let c = cursors[0];
    let def = s.at("textDocument/definition", c, json!({})).await;
    let refs = s
        .at(
            "textDocument/references",
            c,
            json!({"context": {"includeDeclaration": true}}),
        )
        .await;
    let hl = s.at("textDocument/documentHighlight", c, json!({})).await;
    let mut marks = vec![(def["result"]["range"].clone(), "definition".to_owned())];
    for r in refs["result"].as_array().unwrap() {
        marks.push((r["range"].clone(), "reference".to_owned()));
    }
    for h in hl["result"].as_array().unwrap() {
        let kind = if h["kind"] == 3 { "write" } else { "read" };
        marks.push((h["range"].clone(), format!("highlight {kind}")));
    }
    insta::assert_snapshot!(s.annotate(&marks));
}

#[tokio::test]
async fn rename_with_prepare_and_validation() {
    let (mut s, cursors) = session(
        "const { to$0tal } = Inputs\nconst out = { total }\nconsole.log(total + 1)\nawait Ta$0sk.run(\"x\")\nif$0 (true) {}\n",
    )
    .await;
    let prepare = s
        .at("textDocument/prepareRename", cursors[0], json!({}))
        .await;
    let on_global = s
        .at("textDocument/prepareRename", cursors[1], json!({}))
        .await;
    let on_keyword = s
        .at("textDocument/prepareRename", cursors[2], json!({}))
        .await;
    let invalid = s
        .at("textDocument/rename", cursors[0], json!({"newName": "let"}))
        .await;
    let rename = s
        .at("textDocument/rename", cursors[0], json!({"newName": "sum"}))
        .await;
    let edits = rename["result"]["changes"][URI].as_array().unwrap();
    let marks: Vec<(Value, String)> = edits
        .iter()
        .map(|e| {
            (
                e["range"].clone(),
                format!("→ {}", e["newText"].as_str().unwrap()),
            )
        })
        .collect();
    insta::assert_snapshot!(format!(
        "prepare: {}\non a global: {}\non a keyword: {}\ninvalid name: {}\n{}",
        s.annotate(&[(prepare["result"].clone(), "renameable".to_owned())])
            .trim_end(),
        on_global["error"]["message"],
        on_keyword["error"]["message"],
        invalid["error"]["message"],
        s.annotate(&marks)
    ));
}

#[tokio::test]
async fn document_symbols_outline() {
    let (mut s, _) = session(
        "const { orderId } = Inputs\nlet attempts = 0\nasync function ship(order) {\n  const label = await Task.run(\"label\", { order })\n  return label\n}\nconst double = (x) => x * 2\n",
    )
    .await;
    let r = s.doc("textDocument/documentSymbol", json!({})).await;
    fn walk(v: &Value, depth: usize, out: &mut String) {
        for sym in v.as_array().into_iter().flatten() {
            out.push_str(&format!(
                "{}{} (kind {}) selection {}:{}\n",
                "  ".repeat(depth),
                sym["name"].as_str().unwrap(),
                sym["kind"],
                sym["selectionRange"]["start"]["line"],
                sym["selectionRange"]["start"]["character"]
            ));
            walk(&sym["children"], depth + 1, out);
        }
    }
    let mut out = String::new();
    walk(&r["result"], 0, &mut out);
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn semantic_tokens_decoded() {
    let (mut s, _) = session(
        "// greet\nconst name = \"é\"\nasync function go(p) { return p.length }\nawait Task.run(name, { n: 1 + 2 })\nconst t = `a\nb${name}`\n",
    )
    .await;
    let r = s.doc("textDocument/semanticTokens/full", json!({})).await;
    let legend_types = [
        "namespace",
        "function",
        "method",
        "variable",
        "parameter",
        "property",
        "string",
        "number",
        "keyword",
        "comment",
        "operator",
    ];
    let modifiers = ["declaration", "readonly", "defaultLibrary", "async"];
    let data: Vec<u64> = r["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let lines: Vec<&str> = s.text.lines().collect();
    let (mut line, mut col) = (0u64, 0u64);
    let mut out = String::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        let text: String = lines[line as usize]
            .encode_utf16()
            .skip(col as usize)
            .take(t[2] as usize)
            .collect::<Vec<u16>>()
            .into_iter()
            .map(|u| char::from_u32(u as u32).unwrap_or('?'))
            .collect();
        let mods: Vec<&str> = (0..4)
            .filter(|b| t[4] & (1 << b) != 0)
            .map(|b| modifiers[b])
            .collect();
        out.push_str(&format!(
            "{line}:{col} {:?} {} {}\n",
            text,
            legend_types[t[3] as usize],
            mods.join(",")
        ));
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn folding_ranges() {
    let (mut s, _) = session(
        "// one\n// two\nfunction f() {\n  const o = {\n    a: 1,\n  }\n}\n/* block\n   comment */\nconst x = [1]\n",
    )
    .await;
    let r = s.doc("textDocument/foldingRange", json!({})).await;
    let out: Vec<String> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}..{} {}", f["startLine"], f["endLine"], f["kind"]))
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}

#[tokio::test]
async fn code_actions_from_fixes() {
    let (mut s, _) =
        session("var x = 1\nawait Task.rn(\"a\")\nconsole.log(x)\nasync function go() {}\ngo()\n")
            .await;
    let end = s.text.len();
    let r = s
        .client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": s.range(0, end), "context": {"diagnostics": []}}),
        )
        .await
        .unwrap();
    let mut out = String::new();
    for action in r["result"].as_array().unwrap() {
        let edits = action["edit"]["changes"][URI].as_array().unwrap();
        let marks: Vec<(Value, String)> = edits
            .iter()
            .map(|e| {
                (
                    e["range"].clone(),
                    format!("→ {:?}", e["newText"].as_str().unwrap()),
                )
            })
            .collect();
        out.push_str(&format!(
            "{} (for {})\n{}",
            action["title"].as_str().unwrap(),
            action["diagnostics"][0]["code"],
            s.annotate(&marks)
        ));
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn inlay_hints_for_durations_in_seconds() {
    let (mut s, _) = session(
        "await Timer.delay(7200)\nawait Signal.next(\"ok\", { timeout: 90 })\nawait Timer.delay(\"2h\")\nconst n = 7200\n",
    )
    .await;
    let end = s.text.len();
    let r = s
        .client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": s.range(0, end)}),
        )
        .await
        .unwrap();
    let out: Vec<String> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}:{} {}",
                h["position"]["line"], h["position"]["character"], h["label"]
            )
        })
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}

#[tokio::test]
async fn requests_on_unknown_documents_answer_null() {
    let (mut s, _) = start(false, None).await;
    let r = s
        .client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///nope.flow"}, "position": {"line": 0, "character": 0}}),
        )
        .await
        .unwrap();
    assert_eq!(r["result"], Value::Null);
    // Positions far outside the text are clamped, not a crash.
    s.open("let a = 1\n").await;
    let r = s
        .client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": 99, "character": 99}}),
        )
        .await
        .unwrap();
    assert!(r["result"].is_array(), "{r}");
}

#[tokio::test]
async fn formatting_returns_a_minimal_edit_and_skips_broken_files() {
    let (mut s, _) = session("const  café = {a:1,b:\"😀\"}\nconsole.log( café )\n").await;
    let r = s
        .doc(
            "textDocument/formatting",
            json!({"options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    let edits = r["result"].as_array().unwrap();
    let mut text = s.text.clone();
    for e in edits.iter().rev() {
        let start = s.offset(&e["range"]["start"]);
        let end = s.offset(&e["range"]["end"]);
        text.replace_range(start..end, e["newText"].as_str().unwrap());
    }
    let broken = s.edit(0, 0, "(").await;
    assert!(!broken["diagnostics"].as_array().unwrap().is_empty());
    let none = s
        .doc(
            "textDocument/formatting",
            json!({"options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    assert_eq!(none["result"], Value::Null);
    insta::assert_snapshot!(text);
}
