//! A compiled program and the context a run needs.

use rhythm_analyzer::{Diagnostic, Severity};
use sha2::{Digest, Sha256};
use text_size::TextRange;

use crate::bytecode::FuncCode;
use crate::effects::{EpochMillis, Json};
use crate::value::Str;

/// The analyzer found errors (or the compiler met a construct it cannot translate).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", summary(.diagnostics))]
pub struct CompileError {
    /// The error diagnostics, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

fn summary(diags: &[Diagnostic]) -> String {
    match diags.first() {
        Some(d) if diags.len() == 1 => format!("cannot compile: {}", d.message),
        Some(d) => format!(
            "cannot compile: {} (and {} more errors)",
            d.message,
            diags.len() - 1
        ),
        None => "cannot compile".into(),
    }
}

/// A compiled `.flow` program: deterministic bytecode keyed by the SHA-256 of its source.
#[derive(Debug, Clone)]
pub struct Program {
    pub(crate) source: String,
    hash: String,
    pub(crate) funcs: Vec<FuncCode>,
    pub(crate) consts: Vec<Str>,
    func_ranges: Vec<(u32, u32)>,
    line_starts: Vec<u32>,
}

impl Program {
    /// Analyzes and compiles `source`; any analyzer error refuses it.
    pub fn compile(source: &str) -> Result<Program, CompileError> {
        let analysis = rhythm_analyzer::analyze(source);
        let errors: Vec<Diagnostic> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        if !errors.is_empty() {
            return Err(CompileError {
                diagnostics: errors,
            });
        }
        Program::from_module(source, &analysis.module)
    }

    /// Compiles an already lowered module of `source`.
    pub fn from_module(
        source: &str,
        module: &rhythm_analyzer::ir::Module,
    ) -> Result<Program, CompileError> {
        let compiled = crate::compiler::compile(module).map_err(|e| CompileError {
            diagnostics: vec![Diagnostic::error("unsupported", e.range, e.message)],
        })?;
        let hash = hex::encode(Sha256::digest(source.as_bytes()));
        let func_ranges = module
            .functions
            .iter()
            .map(|f| (u32::from(f.range.start()), u32::from(f.range.end())))
            .collect();
        let mut line_starts = vec![0u32];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        Ok(Program {
            source: source.to_string(),
            hash,
            funcs: compiled.funcs,
            consts: compiled.consts,
            func_ranges,
            line_starts,
        })
    }

    /// Hex SHA-256 of the source bytes: the program's version.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Byte range of function `func` in the source.
    pub fn function_range(&self, func: u32) -> Option<(u32, u32)> {
        self.func_ranges.get(func as usize).copied()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let col = self
            .source
            .get(start..(offset as usize).min(self.source.len()))
            .map_or(0, |s| s.chars().count());
        (line as u32 + 1, col as u32 + 1)
    }

    /// The `location` field of an error: `{ line, column, start, end }` (1-based line and
    /// column; byte offsets `start..end`).
    pub fn location_json(&self, (start, end): (u32, u32)) -> Json {
        let (line, column) = self.line_col(start);
        serde_json::json!({ "line": line, "column": column, "start": start, "end": end })
    }

    /// The byte range of a text range.
    pub fn range_of(r: TextRange) -> (u32, u32) {
        (u32::from(r.start()), u32::from(r.end()))
    }

    /// A human-readable listing of the bytecode (for debugging).
    pub fn disassemble(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.funcs.iter().enumerate() {
            out.push_str(&format!(
                "fn #{i} {:?} params={} locals={}\n",
                f.name, f.nparams, f.nlocals
            ));
            for (pc, op) in f.code.iter().enumerate() {
                out.push_str(&format!("  {pc:4} {op:?}\n"));
            }
        }
        out
    }
}

/// Bounds on one execution.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Instructions per step (between two suspensions).
    pub max_instructions: u64,
    /// Nested calls (frames).
    pub max_call_depth: usize,
    /// Approximate heap size.
    pub max_heap_bytes: usize,
    /// Saved state size.
    pub max_state_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_instructions: 100_000_000,
            max_call_depth: 10_000,
            max_heap_bytes: 256 * 1024 * 1024,
            max_state_bytes: 16 * 1024 * 1024,
        }
    }
}

/// What the host tells a run: the clock, identity, random seed and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct RunContext {
    /// The current time (`Date.now()`).
    pub now: EpochMillis,
    /// `Context.executionId`.
    pub execution_id: String,
    /// `Context.workflowName`.
    pub workflow_name: String,
    /// Seed of `Math.random` (used at start; the stream's state is saved).
    pub random_seed: u64,
    /// Bounds.
    pub limits: Limits,
}

impl Default for RunContext {
    fn default() -> Self {
        RunContext {
            now: 0.0,
            execution_id: String::new(),
            workflow_name: String::new(),
            random_seed: 0,
            limits: Limits::default(),
        }
    }
}
