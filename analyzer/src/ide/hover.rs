//! Hover: catalog documentation with signature and example, a local's declaration, a task's
//! parameters and docstring from the manifest.

use rhythm_syntax::{SyntaxKind, TextRange, TextSize};

use crate::Analysis;
use crate::catalog::{Global, Member};
use crate::ide::infer::Types;
use crate::ide::locate::{self, Symbol};
use crate::ide::manifest::TaskManifest;
use crate::ide::string_slot::{StringSlot, string_contents, string_slot};
use crate::ir::{BindingKind, Module};

/// What a hover shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverResult {
    /// The hovered range.
    pub range: TextRange,
    /// Markdown.
    pub markdown: String,
}

/// The hover at `offset`.
pub fn hover(
    analysis: &Analysis,
    offset: TextSize,
    manifest: Option<&TaskManifest>,
) -> Option<HoverResult> {
    let root = analysis.parse.syntax();
    if let Some(token) = locate::token_right(&root, offset)
        && token.kind() == SyntaxKind::STRING
        && string_slot(&token) == Some(StringSlot::TaskName)
    {
        let contents = string_contents(&token);
        let start = usize::from(contents.start() - token.text_range().start());
        let name = token
            .text()
            .get(start..start + usize::from(contents.len()))
            .unwrap_or("");
        let task = manifest?.task(name)?;
        return Some(HoverResult {
            range: token.text_range(),
            markdown: task.markdown(),
        });
    }
    let (symbol, range) = locate::symbol_at(&analysis.module, offset)?;
    let markdown = match symbol {
        Symbol::Local(b) => binding_markdown(&analysis.module, b, &root.text().to_string()),
        Symbol::Global(g) => global_markdown(g),
        Symbol::Member(m) => member_markdown(m),
        Symbol::Unresolved => return None,
    };
    Some(HoverResult { range, markdown })
}

/// Catalog documentation of a global.
pub fn global_markdown(g: &Global) -> String {
    format!(
        "```flow\n{}\n```\n\n{}\n\n```flow\n{}\n```",
        g.signature(),
        g.doc,
        g.example
    )
}

/// Catalog documentation of a member.
pub fn member_markdown(m: &Member) -> String {
    format!(
        "```flow\n{}\n```\n\n{}\n\n```flow\n{}\n```",
        m.signature(),
        m.doc,
        m.example
    )
}

fn binding_markdown(module: &Module, b: crate::ir::BindingId, text: &str) -> String {
    let binding = module.binding(b);
    let word = match binding.kind {
        BindingKind::Const => "const",
        BindingKind::Let => "let",
        BindingKind::Function => "function",
        BindingKind::Param => "parameter",
        BindingKind::CatchParam => "catch parameter",
    };
    let mut head = format!("{word} {}", binding.name);
    if binding.kind == BindingKind::Function {
        if let Some(f) = module.functions.iter().find(|f| f.name_binding == Some(b)) {
            let params: Vec<String> = f
                .params
                .iter()
                .map(|p| {
                    let r = module.pattern_range(p.pattern);
                    let t = text
                        .get(usize::from(r.start())..usize::from(r.end()))
                        .unwrap_or("_");
                    if p.rest {
                        format!("...{t}")
                    } else {
                        t.to_owned()
                    }
                })
                .collect();
            let asy = if f.is_async { "async " } else { "" };
            head = format!("{asy}function {}({})", binding.name, params.join(", "));
        }
    } else if let Some(ty) = Types::new(module).describe_binding(b) {
        head.push_str(": ");
        head.push_str(ty);
    }
    // The declaration's line, as written.
    let start = usize::from(binding.range.start()).min(text.len());
    let before = text.get(..start).unwrap_or("");
    let after = text.get(start..).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = after.find('\n').map_or(text.len(), |i| start + i);
    let line = text.get(line_start..line_end).unwrap_or("").trim();
    let line_no = before.matches('\n').count() + 1;
    format!("```flow\n{head}\n```\n\nDeclared on line {line_no}: `{line}`")
}
