//! Generated `.flow` programs: an `arbitrary`-driven AST printed as source.
//!
//! The grammar leans on what stresses the sandbox: loops (some endless), recursion, growing
//! strings and arrays, closures, try/catch/finally, and the durable calls (`Task.run`,
//! `Timer.delay`, `Signal.next`, `Promise.all/race`) so runs suspend and resume.

use arbitrary::{Arbitrary, Result, Unstructured};

const NAMES: [&str; 6] = ["a", "b", "c", "s", "xs", "o"];
const FUNCS: [&str; 3] = ["f", "g", "h"];

/// A generated program.
#[derive(Debug)]
pub struct GenProgram(pub String);

impl<'a> Arbitrary<'a> for GenProgram {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut g = Gen {
            out: String::new(),
            depth: 0,
            loops: 0,
            funcs: 0,
            sync_fn: false,
        };
        // Every name is declared up front so most programs pass the analyzer.
        g.out.push_str(
            "let a = 0\nlet b = 1\nlet c = \"x\"\nlet s = \"ab\"\nlet xs = [1, 2]\nlet o = { k: 1 }\n",
        );
        for f in FUNCS {
            g.function(u, f)?;
        }
        let n = u.int_in_range(1..=8)?;
        for _ in 0..n {
            g.stmt(u)?;
        }
        if u.arbitrary()? {
            g.out.push_str("return ");
            g.expr(u)?;
            g.out.push('\n');
        }
        Ok(GenProgram(g.out))
    }
}

struct Gen {
    out: String,
    depth: u32,
    loops: u32,
    funcs: u32,
    /// Inside a function that is not `async`: no `await` there.
    sync_fn: bool,
}

impl Gen {
    fn function(&mut self, u: &mut Unstructured<'_>, name: &str) -> Result<()> {
        let is_async: bool = u.arbitrary()?;
        let asyncness = if is_async { "async " } else { "" };
        self.out
            .push_str(&format!("{asyncness}function {name}(p, q) {{\n"));
        self.funcs += 1;
        self.sync_fn = !is_async;
        let n = u.int_in_range(0..=3)?;
        for _ in 0..n {
            self.stmt(u)?;
        }
        self.out.push_str("return ");
        self.expr(u)?;
        self.out.push_str("\n}\n");
        self.funcs -= 1;
        self.sync_fn = false;
        Ok(())
    }

    fn name(&self, u: &mut Unstructured<'_>) -> Result<&'static str> {
        u.choose(&NAMES).copied()
    }

    fn block(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        self.out.push_str("{\n");
        let n = u.int_in_range(0..=3)?;
        for _ in 0..n {
            self.stmt(u)?;
        }
        self.out.push_str("}\n");
        Ok(())
    }

    fn stmt(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        if self.depth > 4 || u.is_empty() {
            let name = self.name(u)?;
            self.out.push_str(&format!("{name} = "));
            self.expr(u)?;
            self.out.push('\n');
            return Ok(());
        }
        self.depth += 1;
        match u.int_in_range(0..=15)? {
            0 | 1 => {
                let name = self.name(u)?;
                let op = *u.choose(&["=", "+=", "-=", "*=", "??=", "||="])?;
                self.out.push_str(&format!("{name} {op} "));
                self.expr(u)?;
                self.out.push('\n');
            }
            2 => {
                self.out.push_str("if (");
                self.expr(u)?;
                self.out.push_str(") ");
                self.block(u)?;
                if u.arbitrary()? {
                    self.out.push_str("else ");
                    self.block(u)?;
                }
            }
            3 => {
                // Bounded or endless, the budget decides.
                self.out.push_str("while (");
                self.expr(u)?;
                self.out.push_str(") ");
                self.loops += 1;
                self.block(u)?;
                self.loops -= 1;
            }
            4 => {
                self.out.push_str("for (let i = 0; i < ");
                self.expr(u)?;
                self.out.push_str("; i++) ");
                self.loops += 1;
                self.block(u)?;
                self.loops -= 1;
            }
            5 => {
                self.out.push_str("for (const v of xs) ");
                self.loops += 1;
                self.block(u)?;
                self.loops -= 1;
            }
            6 => {
                self.out.push_str("try ");
                self.block(u)?;
                self.out.push_str("catch (e) { ");
                let name = self.name(u)?;
                self.out.push_str(&format!("{name} = e.message }}\n"));
                if u.arbitrary()? {
                    self.out.push_str("finally ");
                    self.block(u)?;
                }
            }
            7 => {
                self.out.push_str("throw new Error(");
                self.expr(u)?;
                self.out.push_str(")\n");
            }
            8 if self.loops > 0 => {
                self.out.push_str(if u.arbitrary()? {
                    "break\n"
                } else {
                    "continue\n"
                });
            }
            8 | 9 => {
                self.out.push_str("xs.push(");
                self.expr(u)?;
                self.out.push_str(")\n");
            }
            10 if !self.sync_fn => {
                let name = self.name(u)?;
                self.out.push_str(&format!("{name} = await "));
                self.durable(u)?;
                self.out.push('\n');
            }
            11 => {
                self.out.push_str("console.log(");
                self.expr(u)?;
                self.out.push_str(")\n");
            }
            12 => {
                let name = self.name(u)?;
                let key = *u.choose(&["k", "n", "[a]", "[s]"])?;
                let dot = if key.starts_with('[') { "" } else { "." };
                self.out.push_str(&format!("o{dot}{key} = {name}\n"));
            }
            13 if self.funcs > 0 => {
                self.out.push_str("return ");
                self.expr(u)?;
                self.out.push('\n');
            }
            _ => {
                // `;(` so that the line neither continues the previous one nor reads as a
                // block or a label.
                self.out.push_str(";(");
                self.expr(u)?;
                self.out.push_str(")\n");
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn durable(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0..=5)? {
            0 => {
                self.out.push_str("Task.run(\"t\", { v: ");
                self.expr(u)?;
                self.out.push_str(" })");
            }
            1 => self.out.push_str("Timer.delay(\"5s\")"),
            2 => self.out.push_str("Signal.next(\"go\", { timeout: 10 })"),
            3 => self.out.push_str(
                "Promise.all([Task.run(\"t\", { v: a }), Task.run(\"u\"), Timer.delay(1)])",
            ),
            4 => self
                .out
                .push_str("Promise.race([Signal.next(\"go\"), Timer.delay(2)])"),
            _ => {
                let f = *u.choose(&FUNCS)?;
                self.out.push_str(&format!("{f}(a, b)"));
            }
        }
        Ok(())
    }

    fn expr(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        if self.depth > 6 || u.is_empty() {
            return self.atom(u);
        }
        self.depth += 1;
        match u.int_in_range(0..=14)? {
            0..=3 => self.atom(u)?,
            4 | 5 => {
                let op = *u.choose(&[
                    "+", "-", "*", "/", "%", "**", "<", "<=", "===", "!==", "==", "&&", "||", "??",
                ])?;
                self.out.push('(');
                self.expr(u)?;
                self.out.push_str(&format!(" {op} "));
                self.expr(u)?;
                self.out.push(')');
            }
            6 => {
                // Recursion, possibly without end.
                let f = *u.choose(&FUNCS)?;
                self.out.push_str(&format!("{f}("));
                self.expr(u)?;
                self.out.push_str(", ");
                self.expr(u)?;
                self.out.push(')');
            }
            7 => {
                // Growing strings.
                let m = *u.choose(&[
                    "repeat",
                    "padStart",
                    "padEnd",
                    "concat",
                    "slice",
                    "split",
                    "at",
                    "indexOf",
                    "replaceAll",
                ])?;
                self.out.push_str(&format!("String(s).{m}("));
                self.expr(u)?;
                self.out.push(')');
            }
            8 => {
                // Growing arrays.
                let m = *u.choose(&[
                    "concat", "map", "filter", "flat", "join", "slice", "reverse", "sort",
                    "includes", "fill",
                ])?;
                let arg = match m {
                    "map" => "x => [x, x]",
                    "filter" => "x => x",
                    "sort" => "(p, q) => p - q",
                    "concat" => "xs",
                    _ => "1",
                };
                self.out.push_str(&format!("xs.{m}({arg})"));
            }
            9 => {
                self.out.push('[');
                let n = u.int_in_range(0..=3)?;
                for i in 0..n {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    if u.arbitrary()? {
                        self.out.push_str("...");
                        let name = self.name(u)?;
                        self.out.push_str(&format!("Array.from(String({name}))"));
                    } else {
                        self.expr(u)?;
                    }
                }
                self.out.push(']');
            }
            10 => {
                self.out.push_str("{ n: ");
                self.expr(u)?;
                self.out.push_str(", ...o }");
            }
            11 if !self.sync_fn => {
                self.out.push_str("(await ");
                self.durable(u)?;
                self.out.push(')');
            }
            12 => {
                let f =
                    *u.choose(&["JSON.stringify", "JSON.parse", "Object.keys", "Math.floor"])?;
                self.out.push_str(&format!("{f}("));
                self.expr(u)?;
                self.out.push(')');
            }
            13 => {
                self.out.push('(');
                self.expr(u)?;
                self.out.push_str(" ? ");
                self.expr(u)?;
                self.out.push_str(" : ");
                self.expr(u)?;
                self.out.push(')');
            }
            _ => {
                self.out.push_str("`t${");
                self.expr(u)?;
                self.out.push_str("}`");
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn atom(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0..=8)? {
            0 => {
                let n = *u.choose(&["0", "1", "2", "(-1)", "10", "1e6", "1e9", "0.5", "NaN"])?;
                self.out.push_str(n);
            }
            1 => {
                let n: u8 = u.arbitrary()?;
                self.out.push_str(&n.to_string());
            }
            2 => self
                .out
                .push_str(*u.choose(&["true", "false", "null", "undefined"])?),
            3 => self
                .out
                .push_str(*u.choose(&["\"\"", "\"x\"", "'é😀'", "\"{}\""])?),
            4 if self.funcs > 0 => self.out.push_str(*u.choose(&["p", "q"])?),
            5 => self
                .out
                .push_str(*u.choose(&["Inputs.n", "Inputs.s", "xs.length", "o.k"])?),
            _ => {
                let name = self.name(u)?;
                self.out.push_str(name);
            }
        }
        Ok(())
    }
}
