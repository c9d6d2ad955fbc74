//! Position queries over a resolved module, for editor features (go to definition, find
//! references, rename, hover).

use text_size::{TextRange, TextSize};

use crate::ir::{BindingId, Expr, Module, Pattern, Resolution};

/// What is at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Symbol {
    /// A local binding (at its declaration or at a use).
    Local(BindingId),
    /// A builtin global used by name.
    Global(String),
    /// A member of a builtin global: `Task.run` (global name, member name).
    Member(String, String),
}

/// The symbol under `offset` (a byte offset; a position just after a name counts too), with
/// the range of the name there.
pub fn symbol_at(module: &Module, offset: TextSize) -> Option<(Symbol, TextRange)> {
    let hit = |r: &TextRange| r.contains_inclusive(offset);
    for (i, b) in module.bindings.iter().enumerate() {
        if hit(&b.range) {
            return Some((Symbol::Local(BindingId(i as u32)), b.range));
        }
    }
    for (i, e) in module.exprs.iter().enumerate() {
        let range = module.expr_ranges[i];
        match e {
            Expr::Name(n) if hit(&range) => {
                return resolution_symbol(&n.resolution).map(|s| (s, range));
            }
            Expr::Member {
                object,
                property,
                property_range,
                ..
            } if hit(property_range) => {
                if let Some(Expr::Name(n)) = module.exprs.get(object.index())
                    && let Resolution::Global(g) = &n.resolution
                {
                    return Some((
                        Symbol::Member(g.to_string(), property.to_string()),
                        *property_range,
                    ));
                }
            }
            _ => {}
        }
    }
    for (i, p) in module.patterns.iter().enumerate() {
        let range = module.pattern_ranges[i];
        if let Pattern::Name(n) = p
            && hit(&range)
        {
            return resolution_symbol(&n.resolution).map(|s| (s, range));
        }
    }
    None
}

fn resolution_symbol(resolution: &Resolution) -> Option<Symbol> {
    match resolution {
        Resolution::Local(b) => Some(Symbol::Local(*b)),
        Resolution::Global(g) => Some(Symbol::Global(g.to_string())),
        Resolution::Unresolved => None,
    }
}

/// Every range naming a binding: its declaration first, then the uses in source order (reads
/// and writes; shorthand properties `{ x }` included: a rename must expand those to
/// `{ x: newName }`, and shorthand patterns `const { x } = o` to `{ x: newName }`).
pub fn references(module: &Module, binding: BindingId) -> Vec<TextRange> {
    let mut uses: Vec<TextRange> = Vec::new();
    for (i, e) in module.exprs.iter().enumerate() {
        if let Expr::Name(n) = e
            && n.resolution == Resolution::Local(binding)
        {
            uses.push(module.expr_ranges[i]);
        }
    }
    for (i, p) in module.patterns.iter().enumerate() {
        if let Pattern::Name(n) = p
            && n.resolution == Resolution::Local(binding)
        {
            uses.push(module.pattern_ranges[i]);
        }
    }
    uses.sort_by_key(|r| (r.start(), r.end()));
    uses.dedup();
    let mut out: Vec<TextRange> = module
        .bindings
        .get(binding.index())
        .map(|b| b.range)
        .into_iter()
        .collect();
    out.extend(uses);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;

    fn at(text: &str, needle: &str, nth: usize) -> TextSize {
        let (i, _) = text.match_indices(needle).nth(nth).unwrap_or((0, ""));
        TextSize::from(i as u32 + 1)
    }

    #[test]
    fn definitions_and_references() {
        let text = "let total = 1\ntotal += 2\nconst o = { total }\nconsole.log(total, o)\n";
        let a = analyze(text);
        let (sym, range) = symbol_at(&a.module, at(text, "total", 3)).unwrap();
        let Symbol::Local(b) = sym else {
            panic!("{sym:?}")
        };
        assert_eq!(&text[range], "total");
        assert_eq!(a.module.binding(b).name, "total");
        let refs = references(&a.module, b);
        let starts: Vec<usize> = refs.iter().map(|r| usize::from(r.start())).collect();
        let expected: Vec<usize> = text.match_indices("total").map(|(i, _)| i).collect();
        assert_eq!(starts, expected);
    }

    #[test]
    fn globals_and_members() {
        let text = "await Task.run(\"a\")\n";
        let a = analyze(text);
        assert_eq!(
            symbol_at(&a.module, at(text, "Task", 0)).map(|(s, _)| s),
            Some(Symbol::Global("Task".into()))
        );
        assert_eq!(
            symbol_at(&a.module, at(text, "run", 0)).map(|(s, _)| s),
            Some(Symbol::Member("Task".into(), "run".into()))
        );
        assert_eq!(symbol_at(&a.module, TextSize::from(16)), None);
    }
}
