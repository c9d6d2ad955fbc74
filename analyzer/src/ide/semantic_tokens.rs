//! Semantic tokens: every meaningful token classified with the analyzer's knowledge (a
//! parameter, a builtin namespace, a readonly constant, a method of the catalog).

use std::collections::{HashMap, HashSet};

use rhythm_syntax::{SyntaxKind, TextRange, TextSize};

use crate::Analysis;
use crate::catalog::{self, GlobalKind, MemberKind};
use crate::ide::infer::Types;
use crate::ir::{BindingId, BindingKind, Expr, Module, Pattern, Resolution};

/// A token type; the order is the legend's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// `Task`, `Math`.
    Namespace,
    /// Functions and builtin functions.
    Function,
    /// Methods.
    Method,
    /// Variables and constants.
    Variable,
    /// Function and catch parameters.
    Parameter,
    /// Properties and object keys.
    Property,
    /// Strings and template text.
    String,
    /// Numbers.
    Number,
    /// Keywords.
    Keyword,
    /// Comments.
    Comment,
    /// Operators.
    Operator,
}

impl TokenType {
    /// Every type in legend order.
    pub const ALL: [TokenType; 11] = [
        TokenType::Namespace,
        TokenType::Function,
        TokenType::Method,
        TokenType::Variable,
        TokenType::Parameter,
        TokenType::Property,
        TokenType::String,
        TokenType::Number,
        TokenType::Keyword,
        TokenType::Comment,
        TokenType::Operator,
    ];

    /// The standard LSP name of the type.
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Namespace => "namespace",
            TokenType::Function => "function",
            TokenType::Method => "method",
            TokenType::Variable => "variable",
            TokenType::Parameter => "parameter",
            TokenType::Property => "property",
            TokenType::String => "string",
            TokenType::Number => "number",
            TokenType::Keyword => "keyword",
            TokenType::Comment => "comment",
            TokenType::Operator => "operator",
        }
    }

    /// Index in the legend.
    pub fn index(self) -> u32 {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0) as u32
    }
}

/// Modifier bits; bit `i` is `MODIFIERS[i]`.
pub const MODIFIERS: [&str; 4] = ["declaration", "readonly", "defaultLibrary", "async"];
/// The name is declared here.
pub const DECLARATION: u32 = 1;
/// The name cannot be assigned (`const`, builtin values).
pub const READONLY: u32 = 2;
/// A builtin of the catalog.
pub const DEFAULT_LIBRARY: u32 = 4;
/// An async function.
pub const ASYNC: u32 = 8;

/// One classified token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemanticToken {
    /// Its bytes (may span lines for comments and templates).
    pub range: TextRange,
    /// Its type.
    pub ty: TokenType,
    /// Modifier bits.
    pub modifiers: u32,
}

/// Every classified token in source order.
pub fn semantic_tokens(analysis: &Analysis) -> Vec<SemanticToken> {
    let module = &analysis.module;
    let names = classify_names(module);
    let root = analysis.parse.syntax();
    let mut out = Vec::new();
    for token in root
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        let range = token.text_range();
        if range.is_empty() {
            continue;
        }
        let kind = token.kind();
        let class = match kind {
            SyntaxKind::LINE_COMMENT | SyntaxKind::BLOCK_COMMENT => Some((TokenType::Comment, 0)),
            SyntaxKind::STRING | SyntaxKind::TEMPLATE_CHUNK | SyntaxKind::BACKTICK => {
                Some((TokenType::String, 0))
            }
            SyntaxKind::NUMBER => Some((TokenType::Number, 0)),
            SyntaxKind::IDENT => Some(names.get(&range.start()).copied().unwrap_or_else(|| {
                let parent = token.parent().map(|p| p.kind());
                match (token.text(), parent) {
                    (_, Some(SyntaxKind::PROP_KEY | SyntaxKind::METHOD_PROP)) => {
                        (TokenType::Property, 0)
                    }
                    ("async" | "of" | "get" | "set", _) => (TokenType::Keyword, 0),
                    _ => (TokenType::Variable, 0),
                }
            })),
            k if k.is_keyword() => Some((TokenType::Keyword, 0)),
            SyntaxKind::L_PAREN
            | SyntaxKind::R_PAREN
            | SyntaxKind::L_BRACK
            | SyntaxKind::R_BRACK
            | SyntaxKind::L_CURLY
            | SyntaxKind::R_CURLY
            | SyntaxKind::SEMICOLON
            | SyntaxKind::COMMA
            | SyntaxKind::DOT
            | SyntaxKind::QUESTION_DOT
            | SyntaxKind::COLON
            | SyntaxKind::DOLLAR_L_CURLY
            | SyntaxKind::HASH
            | SyntaxKind::AT => None,
            k if k.is_punct() => Some((TokenType::Operator, 0)),
            _ => None,
        };
        if let Some((ty, modifiers)) = class {
            out.push(SemanticToken {
                range,
                ty,
                modifiers,
            });
        }
    }
    out
}

/// The classification of every identifier the IR knows, by start offset.
fn classify_names(module: &Module) -> HashMap<TextSize, (TokenType, u32)> {
    let mut map = HashMap::new();
    let types = Types::new(module);
    let async_functions: HashSet<BindingId> = module
        .functions
        .iter()
        .filter(|f| f.is_async)
        .filter_map(|f| f.name_binding)
        .collect();
    let local = |b: BindingId| -> (TokenType, u32) {
        let binding = module.binding(b);
        match binding.kind {
            BindingKind::Function => {
                let a = if async_functions.contains(&b) {
                    ASYNC
                } else {
                    0
                };
                (TokenType::Function, a)
            }
            BindingKind::Param | BindingKind::CatchParam => (TokenType::Parameter, 0),
            BindingKind::Const => (TokenType::Variable, READONLY),
            BindingKind::Let => (TokenType::Variable, 0),
        }
    };
    let resolved = |r: &Resolution| -> (TokenType, u32) {
        match r {
            Resolution::Local(b) => local(*b),
            Resolution::Global(g) => match catalog::global(g).map(|g| g.kind) {
                Some(GlobalKind::Namespace) => (TokenType::Namespace, DEFAULT_LIBRARY),
                Some(GlobalKind::Function | GlobalKind::Constructor) => {
                    (TokenType::Function, DEFAULT_LIBRARY)
                }
                _ => (TokenType::Variable, READONLY | DEFAULT_LIBRARY),
            },
            Resolution::Unresolved => (TokenType::Variable, 0),
        }
    };
    let callees: HashSet<usize> = module
        .exprs
        .iter()
        .filter_map(|e| match e {
            Expr::Call { callee, .. } => Some(callee.index()),
            _ => None,
        })
        .collect();
    for (i, expr) in module.exprs.iter().enumerate() {
        match expr {
            Expr::Name(n) => {
                map.insert(module.expr_ranges[i].start(), resolved(&n.resolution));
            }
            Expr::Member {
                object,
                property,
                property_range,
                ..
            } => {
                let class = match types.member_of(*object, property) {
                    Some(m) => match m.kind {
                        MemberKind::Method => (TokenType::Method, DEFAULT_LIBRARY),
                        MemberKind::Property => (TokenType::Property, DEFAULT_LIBRARY),
                    },
                    None if callees.contains(&i) => (TokenType::Method, 0),
                    None => (TokenType::Property, 0),
                };
                map.insert(property_range.start(), class);
            }
            _ => {}
        }
    }
    for (i, pattern) in module.patterns.iter().enumerate() {
        if let Pattern::Name(n) = pattern {
            map.insert(module.pattern_ranges[i].start(), resolved(&n.resolution));
        }
    }
    for (i, binding) in module.bindings.iter().enumerate() {
        let (ty, m) = local(BindingId(i as u32));
        map.insert(binding.range.start(), (ty, m | DECLARATION));
    }
    map
}
