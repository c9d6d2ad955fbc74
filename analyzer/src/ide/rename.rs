//! Rename of names declared in the file, with a prepare step that refuses globals and
//! keywords, and validation of the new name. Shorthand properties keep their key
//! (`{ total }` becomes `{ total: sum }`).

use rhythm_syntax::read::has_child_token;
use rhythm_syntax::{SyntaxKind, TextRange, TextSize};

use crate::Analysis;
use crate::TextEdit;
use crate::ide::locate::{self, Symbol};

/// Why a rename cannot happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenameError {}

/// The range of the renameable name at `offset`.
pub fn prepare_rename(analysis: &Analysis, offset: TextSize) -> Result<TextRange, RenameError> {
    let root = analysis.parse.syntax();
    let keyword = [
        locate::token_left(&root, offset),
        locate::token_right(&root, offset),
    ]
    .into_iter()
    .flatten()
    .find(|t| t.kind().is_keyword());
    match locate::symbol_at(&analysis.module, offset) {
        Some((Symbol::Local(_), range)) => Ok(range),
        Some((Symbol::Global(g), _)) => Err(RenameError(format!(
            "`{}` is a builtin global and cannot be renamed",
            g.name
        ))),
        Some((Symbol::Member(m), _)) => Err(RenameError(format!(
            "`{}` is a builtin member and cannot be renamed",
            m.name
        ))),
        Some((Symbol::Unresolved, _)) => Err(RenameError(
            "this name is not declared in this file".to_owned(),
        )),
        None => match keyword {
            Some(t) => Err(RenameError(format!(
                "`{}` is a keyword and cannot be renamed",
                t.text()
            ))),
            None => Err(RenameError("there is no name to rename here".to_owned())),
        },
    }
}

/// The edits that rename the name at `offset` to `new_name`.
pub fn rename(
    analysis: &Analysis,
    offset: TextSize,
    new_name: &str,
) -> Result<Vec<TextEdit>, RenameError> {
    prepare_rename(analysis, offset)?;
    validate_name(new_name)?;
    let Some((Symbol::Local(b), _)) = locate::symbol_at(&analysis.module, offset) else {
        return Err(RenameError("there is no name to rename here".to_owned()));
    };
    let module = &analysis.module;
    let binding = module.binding(b);
    if binding.name == new_name {
        return Ok(Vec::new());
    }
    if let Some(scope) = module.scopes.get(binding.scope.index())
        && scope
            .bindings
            .iter()
            .any(|&other| module.binding(other).name == new_name)
    {
        return Err(RenameError(format!(
            "`{new_name}` is already declared in the same scope"
        )));
    }
    let root = analysis.parse.syntax();
    let mut edits = Vec::new();
    for (range, _) in locate::references(module, b) {
        let element = root.covering_element(range);
        let parent = match element {
            rhythm_syntax::SyntaxElement::Node(n) => Some(n),
            rhythm_syntax::SyntaxElement::Token(t) => t.parent(),
        };
        let shorthand = parent
            .into_iter()
            .flat_map(|p| p.ancestors())
            .find(|n| {
                !matches!(
                    n.kind(),
                    SyntaxKind::IDENT_PAT | SyntaxKind::NAME_REF | SyntaxKind::ASSIGN_PAT
                )
            })
            .is_some_and(|n| match n.kind() {
                SyntaxKind::SHORTHAND_PROP => true,
                SyntaxKind::OBJECT_PAT_PROP => !has_child_token(&n, SyntaxKind::COLON),
                _ => false,
            });
        let new_text = if shorthand {
            format!("{}: {new_name}", binding.name)
        } else {
            new_name.to_owned()
        };
        edits.push(TextEdit { range, new_text });
    }
    Ok(edits)
}

/// Checks that `name` is a valid identifier and not a reserved word.
pub fn validate_name(name: &str) -> Result<(), RenameError> {
    let mut chars = name.chars();
    let valid_start = chars
        .next()
        .is_some_and(|c| c == '_' || c == '$' || c.is_alphabetic());
    let valid_rest = chars.all(|c| c == '_' || c == '$' || c.is_alphanumeric());
    if !valid_start || !valid_rest {
        return Err(RenameError(format!("`{name}` is not a valid identifier")));
    }
    if SyntaxKind::from_keyword(name).is_some()
        || matches!(
            name,
            "enum"
                | "implements"
                | "interface"
                | "package"
                | "private"
                | "protected"
                | "public"
                | "static"
                | "arguments"
                | "eval"
        )
    {
        return Err(RenameError(format!("`{name}` is a reserved word")));
    }
    if crate::catalog::global(name).is_some() {
        return Err(RenameError(format!(
            "`{name}` would shadow the builtin global `{name}`"
        )));
    }
    Ok(())
}
