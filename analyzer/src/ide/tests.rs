//! Robustness: every feature at every offset of the example workflows, whole and cut short
//! at many points (broken files), answers without panicking; and results stay inside the text.

use std::path::Path;

use rhythm_syntax::{TextRange, TextSize};

use crate::ide::manifest::TaskManifest;
use crate::ide::{
    code_actions, completion, folding, hover, inlay_hints, navigation, rename, semantic_tokens,
    signature_help, symbols,
};

fn examples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "flow"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    texts.push("const café = \"😀\"; let 𝒳 = café + `${caf}\n` /* ü */\nawait Task.run(\"é\", { timeout: 90 })".to_owned());
    texts
}

fn check_all_features(text: &str, manifest: &TaskManifest) {
    let analysis = crate::analyze(text);
    let len = TextSize::of(text);
    let inside = |r: TextRange| r.end() <= len;
    let whole = TextRange::up_to(len);
    for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
        let offset = TextSize::from(i as u32);
        for item in completion::completions(&analysis, offset, Some(manifest)) {
            assert!(inside(item.replace));
        }
        if let Some(h) = hover::hover(&analysis, offset, Some(manifest)) {
            assert!(inside(h.range));
        }
        let _ = signature_help::signature_help(&analysis, offset);
        if let Some(d) = navigation::definition(&analysis, offset) {
            assert!(inside(d));
        }
        assert!(
            navigation::references(&analysis, offset, true)
                .into_iter()
                .all(inside)
        );
        let _ = navigation::highlights(&analysis, offset);
        if rename::prepare_rename(&analysis, offset).is_ok()
            && let Ok(edits) = rename::rename(&analysis, offset, "renamed")
        {
            assert!(edits.iter().all(|e| inside(e.range)));
        }
    }
    let _ = symbols::document_symbols(&analysis);
    assert!(
        semantic_tokens::semantic_tokens(&analysis)
            .iter()
            .all(|t| inside(t.range))
    );
    assert!(
        folding::folding_ranges(&analysis)
            .iter()
            .all(|f| inside(f.range))
    );
    let _ = code_actions::code_actions(&analysis, whole);
    assert!(
        inlay_hints::inlay_hints(&analysis, whole)
            .iter()
            .all(|h| h.offset <= len)
    );
}

#[test]
fn every_feature_at_every_offset_of_the_examples() {
    let manifest =
        TaskManifest::from_json(r#"{"tasks": [{"name": "charge"}]}"#).unwrap_or_default();
    for text in examples() {
        check_all_features(&text, &manifest);
    }
}

#[test]
fn every_feature_on_files_cut_short() {
    let manifest = TaskManifest::default();
    for text in examples() {
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
        for cut in cuts {
            let prefix = &text[..cut];
            let analysis = crate::analyze(prefix);
            let end = TextSize::of(prefix);
            let _ = completion::completions(&analysis, end, Some(&manifest));
            let _ = signature_help::signature_help(&analysis, end);
            let _ = hover::hover(&analysis, end, None);
            let _ = semantic_tokens::semantic_tokens(&analysis);
            let _ = folding::folding_ranges(&analysis);
            let _ = symbols::document_symbols(&analysis);
        }
    }
}
