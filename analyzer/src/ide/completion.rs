//! Completion: members after `.`, names in scope, globals, keywords, snippets, task names
//! inside `Task.run("…")` and signal names inside `Signal.next("…")`.

use rhythm_syntax::read::prev_significant_token;
use rhythm_syntax::{SyntaxKind, SyntaxToken, TextRange, TextSize};

use crate::Analysis;
use crate::catalog::{self, GlobalKind, MemberKind};
use crate::ide::hover;
use crate::ide::infer::{Receiver, Types};
use crate::ide::locate;
use crate::ide::manifest::TaskManifest;
use crate::ide::string_slot::{StringSlot, string_contents, string_slot};
use crate::ir::{BindingKind, Expr, Literal, Module, Resolution, ScopeId};

/// What a completion item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// A `let` variable or parameter.
    Variable,
    /// A `const`.
    Constant,
    /// A function (local or global).
    Function,
    /// A global namespace (`Task`, `Math`).
    Namespace,
    /// A global value (`Inputs`, `NaN`).
    Value,
    /// A method.
    Method,
    /// A property.
    Property,
    /// A keyword.
    Keyword,
    /// A snippet.
    Snippet,
    /// A task name from the manifest.
    Task,
    /// A signal name used elsewhere in the file.
    Signal,
}

/// One proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    /// What the list shows.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// One line shown beside the label (a signature or type).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The text that replaces `replace`.
    pub insert_text: String,
    /// `insert_text` is a snippet with `$1`, `${1:name}` and `$0` placeholders.
    pub snippet: bool,
    /// The byte range replaced (the part of the word already typed).
    pub replace: TextRange,
    /// Sort group: lower sorts first (locals, then members/globals, then keywords).
    pub rank: u8,
}

const KEYWORDS: &[&str] = &[
    "await", "break", "case", "catch", "const", "continue", "default", "do", "else", "false",
    "finally", "for", "function", "if", "in", "let", "new", "null", "of", "return", "switch",
    "throw", "true", "try", "typeof", "while", "async",
];

const SNIPPETS: &[(&str, &str, &str)] = &[
    (
        "Task.run",
        "await Task.run(\"${1:task}\", { $2 })$0",
        "Run a task and await its output",
    ),
    (
        "Signal.next",
        "await Signal.next(\"${1:signal}\")$0",
        "Wait for the next signal",
    ),
    (
        "try",
        "try {\n\t$1\n} catch (${2:e}) {\n\t$0\n}",
        "try / catch block",
    ),
];

/// The completions at `offset`, filtered by the part of the word already typed.
pub fn completions(
    analysis: &Analysis,
    offset: TextSize,
    manifest: Option<&TaskManifest>,
) -> Vec<CompletionItem> {
    let root = analysis.parse.syntax();
    let module = &analysis.module;
    let Some(token) = locate::token_left(&root, offset) else {
        return Vec::new();
    };
    let kind = token.kind();
    let range = token.text_range();
    if matches!(kind, SyntaxKind::LINE_COMMENT | SyntaxKind::BLOCK_COMMENT)
        && range.start() < offset
    {
        return Vec::new();
    }
    if kind == SyntaxKind::STRING && range.start() < offset {
        return string_completions(module, &token, offset, manifest);
    }
    if kind == SyntaxKind::TEMPLATE_CHUNK && range.start() < offset {
        return Vec::new();
    }
    if kind == SyntaxKind::NUMBER && range.end() == offset {
        return Vec::new();
    }
    let typing = locate::is_word(kind) && range.start() < offset && range.end() >= offset;
    let (replace, before) = if typing {
        (
            TextRange::new(range.start(), offset),
            prev_significant_token(&token),
        )
    } else if kind.is_trivia() {
        (TextRange::empty(offset), prev_significant_token(&token))
    } else {
        (TextRange::empty(offset), Some(token.clone()))
    };
    // The typed part of the word, from the token itself (slicing the root's text would walk
    // the whole tree).
    let prefix = if typing {
        let len = usize::from(offset - range.start());
        token.text().get(..len).unwrap_or("").to_owned()
    } else {
        String::new()
    };
    let mut items = match before.as_ref().map(SyntaxToken::kind) {
        Some(SyntaxKind::DOT | SyntaxKind::QUESTION_DOT) => {
            let Some(dot) = before else {
                return Vec::new();
            };
            member_completions(module, &dot, replace)
        }
        Some(
            SyntaxKind::CONST_KW
            | SyntaxKind::LET_KW
            | SyntaxKind::VAR_KW
            | SyntaxKind::FUNCTION_KW,
        ) => Vec::new(),
        _ => scope_completions(module, offset, replace),
    };
    items.retain(|item| fuzzy_match(&prefix, &item.label));
    items
}

/// True when every character of `typed` appears in `label` in order (ignoring case).
fn fuzzy_match(typed: &str, label: &str) -> bool {
    let mut chars = label.chars().flat_map(char::to_lowercase);
    typed
        .chars()
        .flat_map(char::to_lowercase)
        .all(|c| chars.any(|l| l == c))
}

fn member_completions(
    module: &Module,
    dot: &SyntaxToken,
    replace: TextRange,
) -> Vec<CompletionItem> {
    let Some(receiver_token) = prev_significant_token(dot) else {
        return Vec::new();
    };
    let end = receiver_token.text_range().end();
    // The outermost expression ending just before the dot is the receiver.
    let receiver_expr = module
        .expr_ranges
        .iter()
        .enumerate()
        .filter(|(_, r)| r.end() == end && !r.is_empty())
        .min_by_key(|(_, r)| r.start())
        .map(|(i, _)| crate::ir::ExprId(i as u32));
    let receiver = match receiver_expr {
        Some(e) => Types::new(module).receiver(e),
        None => None,
    }
    .or_else(|| {
        // The file may be too broken to lower the receiver: fall back to the word's text.
        if receiver_token.kind() == SyntaxKind::IDENT {
            let g = catalog::global(receiver_token.text())?;
            (!g.members.is_empty()).then_some(Receiver::Global(g))
        } else if receiver_token.kind() == SyntaxKind::STRING {
            Some(Receiver::Value(catalog::ValueType::String))
        } else {
            None
        }
    });
    let Some(receiver) = receiver else {
        return Vec::new();
    };
    receiver
        .members()
        .iter()
        .map(|m| CompletionItem {
            label: m.name.to_owned(),
            kind: match m.kind {
                MemberKind::Method => CompletionKind::Method,
                MemberKind::Property => CompletionKind::Property,
            },
            detail: Some(m.signature()),
            documentation: Some(hover::member_markdown(m)),
            insert_text: m.name.to_owned(),
            snippet: false,
            replace,
            rank: 1,
        })
        .collect()
}

fn scope_completions(module: &Module, offset: TextSize, replace: TextRange) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    let types = Types::new(module);
    let mut seen = std::collections::HashSet::new();
    let mut scope = innermost_scope(module, offset);
    while let Some(id) = scope {
        let Some(s) = module.scopes.get(id.index()) else {
            break;
        };
        for &b in &s.bindings {
            let binding = module.binding(b);
            let hoisted = matches!(binding.kind, BindingKind::Function | BindingKind::Param);
            let declared =
                binding.range.end() <= offset && !binding.range.contains_inclusive(offset);
            let declaring = binding.range.contains_inclusive(offset);
            if declaring || !(hoisted || declared) || binding.name.is_empty() {
                continue;
            }
            if !seen.insert(binding.name.clone()) {
                continue;
            }
            let (kind, word) = match binding.kind {
                BindingKind::Const => (CompletionKind::Constant, "const"),
                BindingKind::Let => (CompletionKind::Variable, "let"),
                BindingKind::Function => (CompletionKind::Function, "function"),
                BindingKind::Param => (CompletionKind::Variable, "parameter"),
                BindingKind::CatchParam => (CompletionKind::Variable, "catch parameter"),
            };
            let detail = match types.describe_binding(b) {
                Some(ty) => format!("{word} {}: {ty}", binding.name),
                None => format!("{word} {}", binding.name),
            };
            items.push(CompletionItem {
                label: binding.name.to_string(),
                kind,
                detail: Some(detail),
                documentation: None,
                insert_text: binding.name.to_string(),
                snippet: false,
                replace,
                rank: 0,
            });
        }
        scope = s.parent;
    }
    for g in catalog::GLOBALS {
        if seen.contains(g.name) {
            continue;
        }
        items.push(CompletionItem {
            label: g.name.to_owned(),
            kind: match g.kind {
                GlobalKind::Namespace => CompletionKind::Namespace,
                GlobalKind::Function | GlobalKind::Constructor => CompletionKind::Function,
                GlobalKind::Value => CompletionKind::Value,
            },
            detail: Some(g.signature()),
            documentation: Some(hover::global_markdown(g)),
            insert_text: g.name.to_owned(),
            snippet: false,
            replace,
            rank: 1,
        });
    }
    for kw in KEYWORDS {
        items.push(CompletionItem {
            label: (*kw).to_owned(),
            kind: CompletionKind::Keyword,
            detail: None,
            documentation: None,
            insert_text: (*kw).to_owned(),
            snippet: false,
            replace,
            rank: 2,
        });
    }
    for (label, body, detail) in SNIPPETS {
        items.push(CompletionItem {
            label: (*label).to_owned(),
            kind: CompletionKind::Snippet,
            detail: Some((*detail).to_owned()),
            documentation: Some(format!("```flow\n{}\n```", snippet_preview(body))),
            insert_text: (*body).to_owned(),
            snippet: true,
            replace,
            rank: 3,
        });
    }
    items
}

/// A snippet body with its placeholders replaced by their default text.
fn snippet_preview(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                if chars.peek() == Some(&':') {
                    chars.next();
                }
                depth += 1;
            }
            '$' => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            '}' if depth > 0 => depth -= 1,
            '\t' => out.push_str("    "),
            c => out.push(c),
        }
    }
    out
}

/// The innermost scope whose range contains `offset`.
pub(crate) fn innermost_scope(module: &Module, offset: TextSize) -> Option<ScopeId> {
    module
        .scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.range.contains_inclusive(offset))
        .min_by_key(|(_, s)| s.range.len())
        .map(|(i, _)| ScopeId(i as u32))
        .or(if module.scopes.is_empty() {
            None
        } else {
            Some(ScopeId(0))
        })
}

fn string_completions(
    module: &Module,
    token: &SyntaxToken,
    offset: TextSize,
    manifest: Option<&TaskManifest>,
) -> Vec<CompletionItem> {
    let contents = string_contents(token);
    if offset < contents.start() || offset > contents.end() {
        return Vec::new();
    }
    let replace = contents;
    match string_slot(token) {
        Some(StringSlot::TaskName) => manifest
            .map(|m| {
                m.tasks
                    .iter()
                    .map(|t| CompletionItem {
                        label: t.name.clone(),
                        kind: CompletionKind::Task,
                        detail: Some(format!("task {}", t.signature())),
                        documentation: Some(t.markdown()),
                        insert_text: t.name.clone(),
                        snippet: false,
                        replace,
                        rank: 0,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Some(StringSlot::SignalName) => signal_names(module, token.text_range())
            .into_iter()
            .map(|name| CompletionItem {
                label: name.clone(),
                kind: CompletionKind::Signal,
                detail: Some("signal used in this file".to_owned()),
                documentation: None,
                insert_text: name,
                snippet: false,
                replace,
                rank: 0,
            })
            .collect(),
        None => Vec::new(),
    }
}

/// Signal names given as literals to `Signal.next/when` in the file, except at `skip`.
fn signal_names(module: &Module, skip: TextRange) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for expr in &module.exprs {
        let Expr::Call { callee, args, .. } = expr else {
            continue;
        };
        let Some(Expr::Member {
            object, property, ..
        }) = module.exprs.get(callee.index())
        else {
            continue;
        };
        if !matches!(property.as_str(), "next" | "when") {
            continue;
        }
        let is_signal = matches!(
            module.exprs.get(object.index()),
            Some(Expr::Name(n)) if n.resolution == Resolution::Global("Signal".into())
        );
        let Some(first) = args.first() else { continue };
        if !is_signal || module.expr_range(first.expr) == skip {
            continue;
        }
        if let Some(Expr::Literal(Literal::String(name))) = module.exprs.get(first.expr.index())
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matching() {
        assert!(fuzzy_match("", "anything"));
        assert!(fuzzy_match("tr", "Task.run"));
        assert!(fuzzy_match("caf", "café"));
        assert!(!fuzzy_match("xyz", "Task"));
    }

    #[test]
    fn snippet_previews_drop_placeholders() {
        assert_eq!(
            snippet_preview("await Task.run(\"${1:task}\", { $2 })$0"),
            "await Task.run(\"task\", {  })"
        );
    }
}
