//! Lays a [`Doc`] out into text: groups are printed flat when they fit in the remaining width,
//! broken otherwise (Prettier's algorithm, including conditional groups and line suffixes).

use std::rc::Rc;

use crate::doc::Doc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

type Cmd = (usize, Mode, Doc);

/// Prints `doc` with lines of at most `width` columns where possible, indenting by `indent`
/// spaces per level. The result ends without trailing whitespace on any line.
pub fn print(doc: &Doc, width: usize, indent: usize) -> String {
    let mut printer = Printer {
        out: String::new(),
        pos: 0,
        suffixes: Vec::new(),
        indent,
    };
    let mut cmds: Vec<Cmd> = vec![(0, Mode::Break, doc.clone())];
    let width = width as isize;
    while let Some((ind, mode, doc)) = cmds.pop() {
        match doc {
            Doc::Text(s) => printer.text(&s, ind),
            Doc::Verbatim(s) => printer.verbatim(&s, ind),
            Doc::Line if mode == Mode::Flat => printer.text(" ", ind),
            Doc::SoftLine if mode == Mode::Flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine => printer.newline(ind),
            Doc::LineStart => {
                if printer.line_has_content() {
                    printer.newline(ind);
                }
            }
            Doc::BlankLine => printer.blank_line(ind),
            Doc::Concat(parts) => cmds.extend(parts.iter().rev().map(|d| (ind, mode, d.clone()))),
            Doc::Indent(inner) => cmds.push((ind + 1, mode, (*inner).clone())),
            Doc::Group(group) => {
                let last = group.states.as_ref().and_then(|s| s.last()).cloned();
                match mode {
                    Mode::Flat => {
                        let chosen = match (&last, group.broken) {
                            (Some(last), true) => last.clone(),
                            _ => group.contents.clone(),
                        };
                        cmds.push((
                            ind,
                            if group.broken {
                                Mode::Break
                            } else {
                                Mode::Flat
                            },
                            chosen,
                        ));
                    }
                    Mode::Break => {
                        let rem = width - printer.pos as isize;
                        if !group.broken && fits(Mode::Flat, &group.contents, &cmds, rem) {
                            cmds.push((ind, Mode::Flat, group.contents.clone()));
                        } else if let (Some(states), Some(last)) = (&group.states, last) {
                            let chosen = if group.broken {
                                None
                            } else {
                                states
                                    .iter()
                                    .skip(1)
                                    .find(|s| fits(Mode::Flat, s, &cmds, rem))
                                    .cloned()
                            };
                            match chosen {
                                Some(state) => cmds.push((ind, Mode::Flat, state)),
                                None => cmds.push((ind, Mode::Break, last)),
                            }
                        } else {
                            cmds.push((ind, Mode::Break, group.contents.clone()));
                        }
                    }
                }
            }
            Doc::IfBreak(broken, flat) => {
                let chosen = if mode == Mode::Break { broken } else { flat };
                cmds.push((ind, mode, (*chosen).clone()));
            }
            Doc::LineSuffix(s) => {
                // Two line comments never share a line.
                if !printer.suffixes.is_empty() {
                    printer.newline(ind);
                }
                printer.suffixes.push(s);
            }
            Doc::BreakParent => {}
        }
    }
    printer.flush_suffixes();
    printer.trim_trailing();
    printer.out
}

/// Whether `doc` (in `mode`), followed by the remaining commands, fits in `width` columns up
/// to the next line break.
fn fits(mode: Mode, doc: &Doc, rest: &[Cmd], mut width: isize) -> bool {
    let mut rest_idx = rest.len();
    let mut stack: Vec<(Mode, Doc)> = vec![(mode, doc.clone())];
    loop {
        if width < 0 {
            return false;
        }
        let (mode, doc) = match stack.pop() {
            Some(next) => next,
            None => {
                if rest_idx == 0 {
                    return true;
                }
                rest_idx -= 1;
                (rest[rest_idx].1, rest[rest_idx].2.clone())
            }
        };
        match doc {
            Doc::Text(s) => width -= s.chars().count() as isize,
            Doc::Verbatim(s) => {
                let first = s.split('\n').next().unwrap_or("");
                width -= first.chars().count() as isize;
                if s.contains('\n') {
                    return width >= 0;
                }
            }
            Doc::Line => {
                if mode == Mode::Break {
                    return true;
                }
                width -= 1;
            }
            Doc::SoftLine => {
                if mode == Mode::Break {
                    return true;
                }
            }
            Doc::HardLine | Doc::LineStart | Doc::BlankLine => return true,
            Doc::Concat(parts) => stack.extend(parts.iter().rev().map(|d| (mode, d.clone()))),
            Doc::Indent(inner) => stack.push((mode, (*inner).clone())),
            Doc::Group(group) => {
                let mode = if group.broken { Mode::Break } else { mode };
                let contents = match (&group.states, mode) {
                    (Some(states), Mode::Break) => {
                        states.last().cloned().unwrap_or(group.contents.clone())
                    }
                    _ => group.contents.clone(),
                };
                stack.push((mode, contents));
            }
            Doc::IfBreak(broken, flat) => {
                let chosen = if mode == Mode::Break { broken } else { flat };
                stack.push((mode, (*chosen).clone()));
            }
            Doc::LineSuffix(_) | Doc::BreakParent => {}
        }
    }
}

struct Printer {
    out: String,
    pos: usize,
    suffixes: Vec<Rc<str>>,
    indent: usize,
}

impl Printer {
    /// Writes text. While a line comment is pending, only `,` may come before it; any other
    /// text first ends the line, so a comment never moves across a token.
    fn text(&mut self, s: &str, ind: usize) {
        if !self.suffixes.is_empty() {
            if s.trim().is_empty() {
                return;
            }
            if s != "," {
                self.newline(ind);
            }
        }
        self.out.push_str(s);
        self.pos += s.chars().count();
    }

    fn verbatim(&mut self, s: &str, ind: usize) {
        if !self.suffixes.is_empty() {
            self.newline(ind);
        }
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.pos = s[i + 1..].chars().count(),
            None => self.pos += s.chars().count(),
        }
    }

    fn flush_suffixes(&mut self) {
        for s in std::mem::take(&mut self.suffixes) {
            let line = self.out.rsplit('\n').next().unwrap_or("");
            if line.trim().is_empty() {
                self.out.push_str(s.trim_start());
            } else {
                self.out.push_str(&s);
            }
        }
    }

    fn trim_trailing(&mut self) {
        let len = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(len);
    }

    fn newline(&mut self, ind: usize) {
        self.flush_suffixes();
        self.trim_trailing();
        self.out.push('\n');
        let spaces = ind * self.indent;
        self.out.extend(std::iter::repeat_n(' ', spaces));
        self.pos = spaces;
    }

    fn line_has_content(&self) -> bool {
        let line = self.out.rsplit('\n').next().unwrap_or("");
        !line.trim().is_empty() || !self.suffixes.is_empty()
    }

    fn blank_line(&mut self, ind: usize) {
        if self.out.trim().is_empty() && self.suffixes.is_empty() {
            return;
        }
        if self.line_has_content() {
            self.newline(ind);
        }
        self.trim_trailing();
        if !self.out.ends_with("\n\n") {
            self.newline(ind);
        } else {
            let spaces = ind * self.indent;
            self.out.extend(std::iter::repeat_n(' ', spaces));
            self.pos = spaces;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::print;
    use crate::doc::*;

    fn call(args: Vec<&str>) -> Doc {
        group(concat(vec![
            text("f("),
            indent(concat(vec![
                Doc::SoftLine,
                join(
                    concat(vec![text(","), Doc::Line]),
                    args.into_iter().map(text),
                ),
            ])),
            if_break(text(","), nil()),
            Doc::SoftLine,
            text(")"),
        ]))
    }

    #[test]
    fn groups_stay_flat_when_they_fit() {
        assert_eq!(print(&call(vec!["a", "b"]), 20, 2), "f(a, b)");
    }

    #[test]
    fn groups_break_when_too_long() {
        assert_eq!(
            print(&call(vec!["aaaa", "bbbb"]), 8, 2),
            "f(\n  aaaa,\n  bbbb,\n)"
        );
    }

    #[test]
    fn hard_lines_break_groups() {
        let doc = group(concat(vec![
            text("a"),
            Doc::Line,
            text("b"),
            Doc::HardLine,
            text("c"),
        ]));
        assert_eq!(print(&doc, 80, 2), "a\nb\nc");
    }

    #[test]
    fn line_suffix_waits_for_the_newline_but_not_for_text() {
        let doc = concat(vec![
            text("a"),
            Doc::LineSuffix(" // c".into()),
            text(","),
            text("b"),
        ]);
        assert_eq!(print(&doc, 80, 2), "a, // c\nb");
    }

    #[test]
    fn conditional_group_picks_first_state_that_fits() {
        let doc = conditional_group(vec![text("long long long"), text("short")]);
        assert_eq!(print(&doc, 8, 2), "short");
    }
}
