//! Signature help: the signature of the call around the cursor and the active parameter.

use rhythm_syntax::read::prev_significant_token;
use rhythm_syntax::{SyntaxKind, TextSize};

use crate::Analysis;
use crate::catalog;
use crate::ide::locate::{self, Symbol};
use crate::ir::{BindingKind, Expr};

/// One parameter of a shown signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamInfo {
    /// The parameter as shown in the label (`name: string`).
    pub label: String,
    /// Its type, when known.
    pub ty: Option<String>,
}

/// The signature of the call at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureInfo {
    /// The whole signature: `run(name: string, inputs?: object): Handle`.
    pub label: String,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The parameters, each a substring of `label`.
    pub params: Vec<ParamInfo>,
    /// The parameter the cursor is in (clamped to the last one for rest parameters).
    pub active: Option<usize>,
}

/// A parameter's label, type and whether it is a rest parameter.
type ParamRow = (String, Option<String>, bool);

/// The signature of the innermost call whose argument list contains `offset`.
pub fn signature_help(analysis: &Analysis, offset: TextSize) -> Option<SignatureInfo> {
    let root = analysis.parse.syntax();
    let mut token = locate::token_left(&root, offset)?;
    if token.kind().is_trivia() {
        // Trailing trivia may belong to an outer node: start from the code before it.
        token = prev_significant_token(&token)?;
    }
    let args = token.parent_ancestors().find(|n| {
        n.kind() == SyntaxKind::ARG_LIST
            && n.text_range().start() < offset
            && (n.text_range().end() > offset
                || n.last_token()
                    .is_none_or(|t| t.kind() != SyntaxKind::R_PAREN))
    })?;
    let call = args.parent()?;
    if !matches!(call.kind(), SyntaxKind::CALL_EXPR | SyntaxKind::NEW_EXPR) {
        return None;
    }
    let commas = args
        .children_with_tokens()
        .filter(|c| c.kind() == SyntaxKind::COMMA && c.text_range().end() <= offset)
        .count();
    let callee = call.children().next()?;
    // The callee's name: the last identifier of the callee (`run` in `Task.run`).
    let name_token = callee
        .last_token()
        .filter(|t| t.kind() == SyntaxKind::IDENT)?;
    let at = name_token.text_range().start();
    let module = &analysis.module;
    let (label, documentation, params): (String, Option<String>, Vec<ParamRow>) =
        match locate::symbol_at(module, at) {
            Some((Symbol::Global(g), _)) => (
                g.signature(),
                Some(g.doc.to_owned()),
                catalog_params(g.params),
            ),
            Some((Symbol::Member(m), _)) => (
                m.signature(),
                Some(m.doc.to_owned()),
                catalog_params(m.params),
            ),
            Some((Symbol::Local(b), _)) => {
                let binding = module.binding(b);
                let function = match binding.kind {
                    BindingKind::Function => {
                        module.functions.iter().find(|f| f.name_binding == Some(b))
                    }
                    _ => local_function_value(module, b),
                }?;
                let text = root.text().to_string();
                let params: Vec<ParamRow> = function
                    .params
                    .iter()
                    .map(|p| {
                        let r = module.pattern_range(p.pattern);
                        let t = text
                            .get(usize::from(r.start())..usize::from(r.end()))
                            .unwrap_or("_")
                            .to_owned();
                        (if p.rest { format!("...{t}") } else { t }, None, p.rest)
                    })
                    .collect();
                let shown: Vec<&str> = params.iter().map(|p| p.0.as_str()).collect();
                (
                    format!("{}({})", binding.name, shown.join(", ")),
                    None,
                    params,
                )
            }
            _ => return None,
        };
    let active = if params.is_empty() {
        None
    } else {
        let last_rest = params.last().is_some_and(|p| p.2);
        Some(if last_rest {
            commas.min(params.len() - 1)
        } else {
            commas
        })
    };
    Some(SignatureInfo {
        label,
        documentation,
        params: params
            .into_iter()
            .map(|(label, ty, _)| ParamInfo { label, ty })
            .collect(),
        active,
    })
}

/// The function a `const f = (…) => …` binding holds.
fn local_function_value(
    module: &crate::ir::Module,
    b: crate::ir::BindingId,
) -> Option<&crate::ir::Function> {
    module.stmts.iter().find_map(|s| match s {
        crate::ir::Stmt::Decl { declarators, .. } => declarators.iter().find_map(|d| {
            match (module.patterns.get(d.pattern.index()), d.init) {
                (Some(crate::ir::Pattern::Binding(x)), Some(init)) if *x == b => {
                    match module.exprs.get(init.index()) {
                        Some(Expr::Function(f)) => module.functions.get(f.index()),
                        _ => None,
                    }
                }
                _ => None,
            }
        }),
        _ => None,
    })
}

fn catalog_params(params: &[catalog::Param]) -> Vec<ParamRow> {
    params
        .iter()
        .map(|p| {
            let dots = if p.rest { "..." } else { "" };
            let q = if p.optional && !p.rest { "?" } else { "" };
            (
                format!("{dots}{}{q}: {}", p.name, p.ty),
                Some(p.ty.to_owned()),
                p.rest,
            )
        })
        .collect()
}
