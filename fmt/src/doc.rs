//! The document IR (Wadler/Prettier style): text, lines, groups, indentation and if-break.
//!
//! Documents are cheap to clone (children are shared), so alternative layouts of a conditional
//! group can reuse the same sub-documents. Whether a group must break (because it contains a
//! hard line) is computed once, when the group is built.

use std::rc::Rc;

/// A document to be laid out by the printer.
#[derive(Debug, Clone)]
pub enum Doc {
    /// Text without newlines.
    Text(Rc<str>),
    /// Source text printed exactly as written (may contain newlines; forces enclosing groups to
    /// break when it does).
    Verbatim(Rc<str>),
    /// A space when flat, a newline when broken.
    Line,
    /// Nothing when flat, a newline when broken.
    SoftLine,
    /// Always a newline (breaks every enclosing group).
    HardLine,
    /// A newline unless the current line holds only indentation (breaks enclosing groups).
    LineStart,
    /// A blank line, unless the output already ends with one (breaks enclosing groups).
    BlankLine,
    /// Documents one after the other.
    Concat(Rc<[Doc]>),
    /// The content, with line breaks indented one level deeper.
    Indent(Rc<Doc>),
    /// A group: printed flat when it fits, broken otherwise.
    Group(Rc<Group>),
    /// The first document when the enclosing group is broken, the second when it is flat.
    IfBreak(Rc<Doc>, Rc<Doc>),
    /// Text deferred to the end of the line (trailing line comments).
    LineSuffix(Rc<str>),
    /// Forces enclosing groups to break.
    BreakParent,
}

/// A group and, for conditional groups, its alternative layouts.
#[derive(Debug)]
pub struct Group {
    /// The layout tried first.
    pub contents: Doc,
    /// Whether the group must break.
    pub broken: bool,
    /// Alternative layouts, most compact first (conditional groups only).
    pub states: Option<Vec<Doc>>,
}

impl Doc {
    /// Whether the document forces its enclosing group to break.
    pub fn will_break(&self) -> bool {
        match self {
            Doc::Text(_) | Doc::Line | Doc::SoftLine | Doc::LineSuffix(_) => false,
            Doc::Verbatim(text) => text.contains('\n'),
            Doc::HardLine | Doc::LineStart | Doc::BlankLine | Doc::BreakParent => true,
            Doc::Concat(parts) => parts.iter().any(Doc::will_break),
            Doc::Indent(doc) => doc.will_break(),
            Doc::Group(group) => group.broken,
            Doc::IfBreak(broken, flat) => broken.will_break() || flat.will_break(),
        }
    }
}

/// Text (must not contain newlines).
pub fn text(s: impl Into<Rc<str>>) -> Doc {
    Doc::Text(s.into())
}

/// Documents one after the other.
pub fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts.into())
}

/// Indents the line breaks of `doc` one level deeper.
pub fn indent(doc: Doc) -> Doc {
    Doc::Indent(Rc::new(doc))
}

/// A group that breaks only when it does not fit (or contains a hard break).
pub fn group(doc: Doc) -> Doc {
    let broken = doc.will_break();
    Doc::Group(Rc::new(Group {
        contents: doc,
        broken,
        states: None,
    }))
}

/// A group that always breaks.
pub fn broken_group(doc: Doc) -> Doc {
    Doc::Group(Rc::new(Group {
        contents: doc,
        broken: true,
        states: None,
    }))
}

/// A conditional group: the first state that fits is used, else the last one, broken.
/// Hard breaks inside the states do not break it (nor its parents).
pub fn conditional_group(states: Vec<Doc>) -> Doc {
    let contents = states
        .first()
        .cloned()
        .unwrap_or_else(|| concat(Vec::new()));
    Doc::Group(Rc::new(Group {
        contents,
        broken: false,
        states: Some(states),
    }))
}

/// `broken` when the enclosing group breaks, `flat` otherwise.
pub fn if_break(broken: Doc, flat: Doc) -> Doc {
    Doc::IfBreak(Rc::new(broken), Rc::new(flat))
}

/// Nothing.
pub fn nil() -> Doc {
    concat(Vec::new())
}

/// `docs` separated by `sep`.
pub fn join(sep: Doc, docs: impl IntoIterator<Item = Doc>) -> Doc {
    let mut parts = Vec::new();
    for (i, doc) in docs.into_iter().enumerate() {
        if i > 0 {
            parts.push(sep.clone());
        }
        parts.push(doc);
    }
    concat(parts)
}
