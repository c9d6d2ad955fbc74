//! Expressions and patterns: bracketed lists with trailing commas, calls with a hugged last
//! argument, member chains, binary operators, assignments and arrows.

use rhythm_syntax::{SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};

use rhythm_syntax::read::{
    first_significant_token, has_child_token, last_significant_token, significant_children,
};

use super::Gen;
use crate::doc::*;

use SyntaxKind::*;

/// The elements of a bracketed list, with their separating commas.
struct List {
    open: Option<SyntaxToken>,
    close: Option<SyntaxToken>,
    /// Each element with the comma that follows it (when there is one).
    items: Vec<(SyntaxNode, Option<SyntaxToken>)>,
}

fn split_list(node: &SyntaxNode) -> List {
    let mut list = List {
        open: None,
        close: None,
        items: Vec::new(),
    };
    for e in significant_children(node) {
        match e {
            SyntaxElement::Token(t) => match t.kind() {
                L_PAREN | L_BRACK | L_CURLY if list.open.is_none() && list.items.is_empty() => {
                    list.open = Some(t)
                }
                R_PAREN | R_BRACK | R_CURLY => list.close = Some(t),
                COMMA => {
                    if let Some(last) = list.items.last_mut()
                        && last.1.is_none()
                    {
                        last.1 = Some(t);
                    }
                }
                _ => {}
            },
            SyntaxElement::Node(n) => list.items.push((n, None)),
        }
    }
    list
}

/// Binding power of a binary operator (higher binds tighter).
fn precedence(kind: SyntaxKind) -> u8 {
    match kind {
        QUESTION2 => 1,
        PIPE2 => 2,
        AMP2 => 3,
        PIPE => 4,
        CARET => 5,
        AMP => 6,
        EQ2 | NEQ | EQ3 | NEQ2 => 7,
        LT | GT | LTEQ | GTEQ | IN_KW | INSTANCEOF_KW => 8,
        SHL | SHR | USHR => 9,
        PLUS | MINUS => 10,
        STAR | SLASH | PERCENT => 11,
        STAR2 => 12,
        _ => 0,
    }
}

/// The operator token of a binary, assignment or conditional node.
fn operator(node: &SyntaxNode) -> Option<SyntaxToken> {
    significant_children(node).find_map(SyntaxElement::into_token)
}

impl Gen<'_> {
    /// Any expression or pattern, its leading comments first.
    pub fn expr(&mut self, node: &SyntaxNode) -> Doc {
        self.wrapped(node, Self::expr_inner)
    }

    fn expr_inner(&mut self, node: &SyntaxNode) -> Doc {
        match node.kind() {
            LITERAL | NAME_REF | THIS_EXPR | SUPER_EXPR | IDENT_PAT | HOLE | PROP_KEY
            | SPREAD_ELEMENT | REST_PAT | EXPR_PAT | FOR_INIT | FOR_TEST | FOR_UPDATE => {
                self.plain(node)
            }
            UPDATE_EXPR => self.plain(node),
            UNARY_EXPR => self.unary(node),
            AWAIT_EXPR | NEW_EXPR => self.keyword_expr(node),
            PAREN_EXPR => self.plain(node),
            ARRAY_EXPR | ARRAY_PAT => self.list(node, false),
            OBJECT_EXPR | OBJECT_PAT => self.list(node, true),
            PARAM_LIST => self.params(node),
            ARG_LIST => self.args(node),
            PROP | DECLARATOR | ASSIGN_EXPR | ASSIGN_PAT => self.assignment(node),
            SHORTHAND_PROP | OBJECT_PAT_PROP => self.assignment(node),
            METHOD_PROP | FUNCTION_EXPR => self.function(node),
            ARROW_FUNC => self.arrow(node, false),
            CALL_EXPR | MEMBER_EXPR | INDEX_EXPR => self.chain(node),
            BIN_EXPR => self.binary(node),
            COND_EXPR => self.conditional(node),
            SEQUENCE_EXPR => {
                let list = split_list(node);
                let mut parts = Vec::new();
                for (i, (n, comma)) in list.items.iter().enumerate() {
                    if i > 0 {
                        parts.push(Doc::Line);
                    }
                    parts.push(self.expr(n));
                    if let Some(c) = comma {
                        parts.push(self.tok(c));
                    }
                }
                group(concat(parts))
            }
            _ => self.verbatim(node),
        }
    }

    /// Children printed one after the other, nothing added.
    fn plain(&mut self, node: &SyntaxNode) -> Doc {
        let mut parts = Vec::new();
        for e in significant_children(node) {
            parts.push(self.element(&e));
        }
        concat(parts)
    }

    /// `await x`, `new F(...)`: a space after the keyword.
    fn keyword_expr(&mut self, node: &SyntaxNode) -> Doc {
        let mut parts = Vec::new();
        for e in significant_children(node) {
            let is_kw = e.kind().is_keyword();
            parts.push(self.element(&e));
            if is_kw {
                parts.push(text(" "));
            }
        }
        concat(parts)
    }

    fn unary(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let mut parts = Vec::new();
        for (i, e) in elements.iter().enumerate() {
            parts.push(self.element(e));
            if i == 0 {
                let op = e.kind();
                let next_first = elements.get(1).and_then(|n| match n {
                    SyntaxElement::Node(n) => first_significant_token(n),
                    SyntaxElement::Token(t) => Some(t.clone()),
                });
                let clash = match (op, next_first.map(|t| t.kind())) {
                    (PLUS, Some(PLUS | PLUS2)) | (MINUS, Some(MINUS | MINUS2)) => true,
                    (_, _) => op.is_keyword(),
                };
                if clash {
                    parts.push(text(" "));
                }
            }
        }
        concat(parts)
    }

    /// Arrays, objects and their patterns: `[a, b]`, `{ a, b }`, broken one per line with a
    /// trailing comma when too long. An object written with a line break after `{` stays
    /// broken (Prettier's rule).
    fn list(&mut self, node: &SyntaxNode, object: bool) -> Doc {
        let list = split_list(node);
        let expanded = object
            && list.items.first().is_some_and(|(first, _)| {
                list.open.as_ref().is_some_and(|open| {
                    let start = u32::from(open.text_range().end()) as usize;
                    let end = u32::from(first.text_range().start()) as usize;
                    self.src
                        .get(start..end)
                        .is_some_and(|between| between.contains('\n'))
                })
            });
        let last_kind = list.items.last().map(|(n, _)| n.kind());
        let trailing_comma = match last_kind {
            Some(HOLE) => Some(text(",")),
            Some(REST_PAT) => None,
            _ => Some(if_break(text(","), nil())),
        };
        let line = if object { Doc::Line } else { Doc::SoftLine };
        let doc = self.bracketed(&list, line, trailing_comma);
        if !expanded {
            return doc.1;
        }
        // Re-make the group (the last part after the open bracket's comments) as broken.
        match doc.1 {
            Doc::Concat(parts) => concat(
                parts
                    .iter()
                    .map(|p| match p {
                        Doc::Group(g) => broken_group(g.contents.clone()),
                        other => other.clone(),
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// Lays a list out: `open`, items separated by `,` + `line`, `close`. Returns the element
    /// documents (without commas) too, for callers that need other layouts.
    fn bracketed(
        &mut self,
        list: &List,
        line: Doc,
        trailing_comma: Option<Doc>,
    ) -> (Vec<Doc>, Doc) {
        let (open_lead, open) = match &list.open {
            Some(t) => {
                let text_ = t.text().to_string();
                self.tok_split(t, &text_)
            }
            None => (nil(), nil()),
        };
        let mut items = Vec::new();
        let mut body = Vec::new();
        let count = list.items.len();
        for (i, (n, comma)) in list.items.iter().enumerate() {
            let d = self.expr(n);
            items.push(d.clone());
            if i > 0 {
                body.push(Doc::Line);
            }
            body.push(d);
            if let Some(c) = comma {
                if i + 1 < count {
                    body.push(self.tok(c));
                } else {
                    let d = self.drop_tok(c);
                    body.push(d);
                }
            }
        }
        if count > 0
            && let Some(tc) = trailing_comma
        {
            body.push(tc);
        }
        let (dangling, close) = match &list.close {
            Some(t) => {
                let has = self.has_leading(t);
                let text_ = t.text().to_string();
                let (lead, close) = self.tok_split_with(t, &text_, false);
                (if has { Some(lead) } else { None }, close)
            }
            None => (None, nil()),
        };
        if count == 0 && dangling.is_none() {
            return (items, concat(vec![open_lead, open, close]));
        }
        let mut inner = vec![line.clone(), concat(body)];
        if let Some(d) = dangling {
            inner.push(d);
        }
        let doc = group(concat(vec![open, indent(concat(inner)), line, close]));
        (items, concat(vec![open_lead, doc]))
    }

    /// Function parameters: `(a, b)`, parentheses added around a lone arrow parameter; a lone
    /// object pattern hugs the parentheses.
    fn params(&mut self, node: &SyntaxNode) -> Doc {
        let list = split_list(node);
        if list.open.is_none() {
            let mut parts = vec![text("(")];
            for (n, _) in &list.items {
                parts.push(self.expr(n));
            }
            parts.push(text(")"));
            return concat(parts);
        }
        let hug = list.items.len() == 1
            && list.items[0].1.is_none()
            && matches!(list.items[0].0.kind(), OBJECT_PAT | ARRAY_PAT | IDENT_PAT)
            && !list.close.as_ref().is_some_and(|t| self.has_leading(t));
        if hug {
            let open = list.open.as_ref().map(|t| self.tok(t)).unwrap_or_else(nil);
            let item = self.expr(&list.items[0].0);
            let close = list.close.as_ref().map(|t| self.tok(t)).unwrap_or_else(nil);
            return concat(vec![open, item, close]);
        }
        let trailing = match list.items.last().map(|(n, _)| n.kind()) {
            Some(REST_PAT) => None,
            _ => Some(if_break(text(","), nil())),
        };
        self.bracketed(&list, Doc::SoftLine, trailing).1
    }

    /// Call arguments. When the last argument is an object, array or function, it may "hug"
    /// the parentheses: `f(a, {` ... `})`.
    fn args(&mut self, node: &SyntaxNode) -> Doc {
        let list = split_list(node);
        let last = list.items.last().map(|(n, _)| n.clone());
        let hug_kind = last.as_ref().is_some_and(could_hug);
        let penultimate_same = list.items.len() >= 2
            && list.items[list.items.len() - 2].0.kind()
                == last.as_ref().map_or(ERROR, |n| n.kind());
        let close_dangling = list.close.as_ref().is_some_and(|t| self.has_leading(t));
        let last_has_comments = last
            .as_ref()
            .is_some_and(|n| first_significant_token(n).is_some_and(|t| self.has_leading(&t)));
        if !hug_kind || penultimate_same || close_dangling || last_has_comments {
            return self
                .bracketed(&list, Doc::SoftLine, Some(if_break(text(","), nil())))
                .1;
        }
        // Print every argument once for the broken-out layout, then the last argument again in
        // its expanded form for the hugged layouts.
        let taken = (self.lead_taken.clone(), self.trail_taken.clone());
        let (items, all_broken) =
            self.bracketed(&list, Doc::SoftLine, Some(if_break(text(","), nil())));
        let count = items.len();
        let Some(last) = last else { return all_broken };
        if items[..count - 1].iter().any(Doc::will_break) {
            return all_broken;
        }
        let expanded_last = if last.kind() == ARROW_FUNC {
            // Format the arrow again with the same comments available as the first time.
            let after = (self.lead_taken.clone(), self.trail_taken.clone());
            (self.lead_taken, self.trail_taken) = taken;
            let doc = self.wrapped(&last, |s, n| s.arrow(n, true));
            self.lead_taken.extend(after.0);
            self.trail_taken.extend(after.1);
            doc
        } else {
            items[count - 1].clone()
        };
        let open = list.open.as_ref().map(|t| self.tok(t)).unwrap_or_else(nil);
        let mut prefix = vec![open];
        for (i, (_, comma)) in list.items.iter().enumerate() {
            if i + 1 == count {
                break;
            }
            prefix.push(items[i].clone());
            if let Some(c) = comma {
                prefix.push(self.tok(c));
            }
            prefix.push(text(" "));
        }
        let mut suffix = Vec::new();
        if let Some(c) = &list.items[count - 1].1 {
            suffix.push(self.drop_tok(c));
        }
        if let Some(t) = &list.close {
            suffix.push(self.tok(t));
        }
        let prefix = concat(prefix);
        let suffix = concat(suffix);
        let flat = concat(vec![prefix.clone(), expanded_last.clone(), suffix.clone()]);
        let hugged = concat(vec![prefix, broken_group(expanded_last.clone()), suffix]);
        let any_break = expanded_last.will_break();
        let states = conditional_group(vec![flat, hugged, all_broken]);
        if any_break {
            concat(vec![Doc::BreakParent, states])
        } else {
            states
        }
    }

    /// `target = value`, `key: value`, `pattern = default`: stays on one line when the value
    /// starts with a bracket or function; otherwise breaks after the operator when needed.
    fn assignment(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let op_index = elements.iter().position(|e| {
            e.as_token().is_some_and(|t| {
                matches!(t.kind(), COLON) || t.kind().is_punct() && t.text().ends_with('=')
            })
        });
        let Some(op_index) = op_index else {
            return self.plain(node);
        };
        let mut left = Vec::new();
        for e in &elements[..op_index] {
            left.push(self.element(e));
        }
        let op = &elements[op_index];
        let op_doc = self.element(op);
        let op_doc = if op.kind() == COLON {
            op_doc
        } else {
            concat(vec![text(" "), op_doc])
        };
        let rest: Vec<&SyntaxElement> = elements[op_index + 1..].iter().collect();
        let value = rest.first().and_then(|e| e.as_node()).cloned();
        let mut right = Vec::new();
        for e in &rest {
            right.push(self.element(e));
        }
        let right = concat(right);
        let left = concat(left);
        let break_after = value.as_ref().is_some_and(|v| {
            matches!(v.kind(), BIN_EXPR | COND_EXPR)
                || (v.kind() == LITERAL
                    && first_significant_token(v).is_some_and(|t| t.kind() == STRING))
        });
        if break_after {
            group(concat(vec![
                left,
                op_doc,
                group(indent(concat(vec![Doc::Line, right]))),
            ]))
        } else {
            concat(vec![left, op_doc, text(" "), right])
        }
    }

    /// `function name(params) { body }`, `async function`, methods `name(params) { body }`.
    pub fn function(&mut self, node: &SyntaxNode) -> Doc {
        let mut parts = Vec::new();
        let mut seen_function = false;
        let mut named = false;
        for e in significant_children(node) {
            match e.kind() {
                FUNCTION_KW => {
                    seen_function = true;
                    parts.push(self.element(&e));
                }
                IDENT
                    if e.as_token().is_some_and(|t| t.text() == "async")
                        && !seen_function
                        && !named =>
                {
                    parts.push(self.element(&e));
                    parts.push(text(" "));
                }
                IDENT => {
                    named = true;
                    if seen_function {
                        parts.push(text(" "));
                    }
                    parts.push(self.element(&e));
                }
                PROP_KEY => {
                    named = true;
                    parts.push(self.element(&e));
                }
                PARAM_LIST => {
                    if seen_function && !named {
                        parts.push(text(" "));
                    }
                    parts.push(self.element(&e));
                }
                BLOCK_STMT => {
                    parts.push(text(" "));
                    parts.push(self.element(&e));
                }
                _ => parts.push(self.element(&e)),
            }
        }
        concat(parts)
    }

    /// `(params) => body`. `expanded_last`: the arrow is the hugged last argument of a call,
    /// so a broken body is followed by a line break before the closing parenthesis.
    pub fn arrow(&mut self, node: &SyntaxNode, expanded_last: bool) -> Doc {
        let mut parts = Vec::new();
        for e in significant_children(node) {
            match e.kind() {
                IDENT if e.as_token().is_some_and(|t| t.text() == "async") => {
                    parts.push(self.element(&e));
                    parts.push(text(" "));
                }
                FAT_ARROW => {
                    parts.push(text(" "));
                    parts.push(self.element(&e));
                }
                _ => match e.as_node() {
                    Some(body) if body.kind() != PARAM_LIST => {
                        let doc = self.any(body);
                        let hug = matches!(
                            body.kind(),
                            BLOCK_STMT | OBJECT_EXPR | ARRAY_EXPR | TEMPLATE | ARROW_FUNC
                        ) || (body.kind() == PAREN_EXPR
                            && body
                                .children()
                                .next()
                                .is_some_and(|c| c.kind() == OBJECT_EXPR));
                        if hug {
                            parts.push(text(" "));
                            parts.push(doc);
                        } else {
                            let mut inner = vec![indent(concat(vec![Doc::Line, doc]))];
                            if expanded_last {
                                inner.push(if_break(text(","), nil()));
                                inner.push(Doc::SoftLine);
                            }
                            parts.push(group(concat(inner)));
                        }
                    }
                    _ => parts.push(self.element(&e)),
                },
            }
        }
        concat(parts)
    }

    /// `a + b * c`: operands of one precedence level flattened, broken after operators.
    fn binary(&mut self, node: &SyntaxNode) -> Doc {
        let Some(op) = operator(node) else {
            return self.plain(node);
        };
        let prec = precedence(op.kind());
        // Collect the left-leaning chain of operators of the same precedence.
        let mut operands: Vec<SyntaxNode> = Vec::new();
        let mut ops: Vec<SyntaxToken> = Vec::new();
        let mut cur = node.clone();
        loop {
            let children: Vec<SyntaxNode> = cur.children().collect();
            let Some(o) = operator(&cur) else { break };
            if children.len() != 2 {
                break;
            }
            ops.push(o);
            operands.push(children[1].clone());
            let left = children[0].clone();
            let same = left.kind() == BIN_EXPR
                && operator(&left)
                    .is_some_and(|l| precedence(l.kind()) == prec && prec != 12 && prec != 7);
            if same {
                cur = left;
            } else {
                operands.push(left);
                break;
            }
        }
        if operands.len() != ops.len() + 1 {
            return self.plain(node);
        }
        operands.reverse();
        ops.reverse();
        let first = self.expr(&operands[0]);
        let mut rest = Vec::new();
        for (k, (op, right)) in ops.iter().zip(&operands[1..]).enumerate() {
            // After a line comment the operator starts the next line: `a // c` / `+ b`.
            let after_comment =
                last_significant_token(&operands[k]).is_some_and(|t| self.has_trailing_line(&t));
            if after_comment {
                rest.push(Doc::HardLine);
                rest.push(self.tok(op));
                rest.push(text(" "));
            } else {
                rest.push(text(" "));
                rest.push(self.tok(op));
                rest.push(Doc::Line);
            }
            rest.push(self.expr(right));
        }
        let inside_parens = node.parent().is_some_and(|p| {
            matches!(p.kind(), IF_STMT | WHILE_STMT | DO_WHILE_STMT | SWITCH_STMT)
        });
        let parent_binary = node.parent().is_some_and(|p| p.kind() == BIN_EXPR);
        let rest = if inside_parens || parent_binary {
            concat(rest)
        } else {
            indent(concat(rest))
        };
        group(concat(vec![first, rest]))
    }

    /// `test ? a : b`.
    fn conditional(&mut self, node: &SyntaxNode) -> Doc {
        let mut head = Vec::new();
        let mut rest = Vec::new();
        let mut seen_q = false;
        for e in significant_children(node) {
            match e.kind() {
                QUESTION | COLON => {
                    seen_q = true;
                    rest.push(Doc::Line);
                    rest.push(self.element(&e));
                    rest.push(text(" "));
                }
                _ => {
                    let d = self.element(&e);
                    if seen_q { rest.push(d) } else { head.push(d) }
                }
            }
        }
        head.push(indent(concat(rest)));
        group(concat(head))
    }

    /// Member chains `a.b(c).d(e)`: kept on one line when short; with more than two calls,
    /// broken one `.call()` per line when they do not fit.
    fn chain(&mut self, node: &SyntaxNode) -> Doc {
        let mut links = Vec::new();
        let mut cur = node.clone();
        while matches!(cur.kind(), CALL_EXPR | MEMBER_EXPR | INDEX_EXPR) {
            let Some(object) = cur.children().next() else {
                break;
            };
            links.push(cur.clone());
            cur = object;
        }
        links.reverse();
        // `2.toFixed` would lex as the number `2.` and a name: `(2).toFixed` keeps the access.
        let parens = needs_parens_as_object(&cur);
        // A statement's guarding `;` goes before the added `(`, not after it.
        let semicolon = parens && std::mem::take(&mut self.asi);
        let mut head_doc = self.expr(&cur);
        if parens {
            let open = if semicolon { ";(" } else { "(" };
            head_doc = concat(vec![text(open), head_doc, text(")")]);
        }
        // Groups: the head with calls/indexes directly on it, then one group per `.name`.
        let mut groups: Vec<Vec<Doc>> = vec![vec![head_doc]];
        let mut calls = 0;
        let mut calls_with_functions = 0;
        let mut member_seen = false;
        for link in &links {
            let mut parts = Vec::new();
            let mut skipped = false;
            for e in significant_children(link) {
                if !skipped
                    && e.as_node()
                        .is_some_and(|n| n.text_range().start() == link.text_range().start())
                {
                    skipped = true;
                    continue;
                }
                parts.push(self.element(&e));
            }
            let doc = concat(parts);
            match link.kind() {
                MEMBER_EXPR => {
                    member_seen = true;
                    groups.push(vec![doc]);
                }
                _ => {
                    if link.kind() == CALL_EXPR {
                        calls += 1;
                        let has_fn = link.children().any(|a| {
                            a.kind() == ARG_LIST
                                && a.children()
                                    .any(|x| matches!(x.kind(), ARROW_FUNC | FUNCTION_EXPR))
                        });
                        if has_fn {
                            calls_with_functions += 1;
                        }
                    }
                    if let Some(g) = groups.last_mut() {
                        g.push(doc);
                    }
                }
            }
        }
        if !member_seen || groups.len() <= 2 || node.kind() != CALL_EXPR {
            return concat(groups.into_iter().map(concat).collect());
        }
        // Merge the first `.name` group into a short or capitalized head (`Task.run(...)`).
        let head_text = cur.text().to_string();
        let merge = cur.kind() == THIS_EXPR
            || (cur.kind() == NAME_REF
                && (head_text.len() <= 2
                    || head_text.starts_with(|c: char| c.is_ascii_uppercase())));
        let mut groups: Vec<Doc> = groups.into_iter().map(concat).collect();
        if merge && groups.len() >= 2 {
            let second = groups.remove(1);
            let first = groups.remove(0);
            groups.insert(0, concat(vec![first, second]));
        }
        let rest_count = groups.len() - 1;
        let one_line = concat(groups.clone());
        let cutoff = if merge { 3 } else { 2 };
        if rest_count <= cutoff && !groups[1..rest_count].iter().any(Doc::will_break) {
            return one_line;
        }
        let mut expanded_rest = Vec::new();
        for g in &groups[1..] {
            expanded_rest.push(Doc::HardLine);
            expanded_rest.push(g.clone());
        }
        let expanded = concat(vec![groups[0].clone(), indent(concat(expanded_rest))]);
        if (calls > 2 && calls_with_functions > 0)
            || groups[1..rest_count].iter().any(Doc::will_break)
        {
            return group(expanded);
        }
        let states = conditional_group(vec![one_line.clone(), expanded]);
        if one_line.will_break() {
            concat(vec![Doc::BreakParent, states])
        } else {
            states
        }
    }
}

/// Whether `node` is a number literal that is the object of a `.name` access and must be
/// printed in parentheses, as in `(2).toFixed(1)`.
pub(super) fn needs_parens_as_object(node: &SyntaxNode) -> bool {
    node.parent().is_some_and(|member| {
        member.kind() == MEMBER_EXPR
            && member.first_child().as_ref() == Some(node)
            && has_child_token(&member, DOT)
    }) && number_absorbs_dot(node)
}

/// Whether `node` is a number literal that a directly following `.name` would change
/// (`2` + `.toFixed` lexes as `2.` and `toFixed`): decimal integers without a fraction or
/// exponent, separators included (`1_000`); never `1.5`, `2.`, `1e3`, `.5`, hex, octal or binary.
/// Asks the lexer, so the rule follows whatever it accepts.
fn number_absorbs_dot(node: &SyntaxNode) -> bool {
    if node.kind() != LITERAL {
        return false;
    }
    let Some(number) = first_significant_token(node).filter(|t| t.kind() == NUMBER) else {
        return false;
    };
    let number = number.text();
    let joined = format!("{number}.x");
    rhythm_syntax::lexer::lex(&joined)
        .first()
        .is_none_or(|t| usize::from(t.len) != number.len())
}

/// Whether a last call argument may hug the parentheses.
fn could_hug(node: &SyntaxNode) -> bool {
    match node.kind() {
        OBJECT_EXPR | ARRAY_EXPR => node.children().next().is_some(),
        FUNCTION_EXPR => true,
        ARROW_FUNC => node.children().last().is_some_and(|body| {
            matches!(
                body.kind(),
                BLOCK_STMT
                    | OBJECT_EXPR
                    | ARRAY_EXPR
                    | CALL_EXPR
                    | NEW_EXPR
                    | COND_EXPR
                    | ARROW_FUNC
                    | TEMPLATE
                    | AWAIT_EXPR
            ) || body.kind() == PAREN_EXPR
        }),
        _ => false,
    }
}
