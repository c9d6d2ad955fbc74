//! `rhythm check`: report diagnostics for .flow files.
//!
//! Files are given as paths or found by searching folders for `*.flow` (sorted, so the output
//! is deterministic). Diagnostics are rendered with ariadne, or printed as one JSON array with
//! `--format json`. Exit status: 0 without errors (warnings allowed), 1 with any error, 2 on a
//! usage or I/O error (a missing file, a file that is not UTF-8, an unreadable `--manifest`).
//!
//! Like the language server, the check reads the task manifest (`.rhythm/tasks.json`, written
//! by `python -m rhythm manifest` and by workers): the nearest one in the file's folder or
//! above, or the one given with `--manifest`. With it, unknown task names and unknown or
//! missing task inputs are warned about.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};
use rhythm_analyzer::ide::manifest::TaskManifest;
use rhythm_analyzer::{Diagnostic, LineIndex, Options, Severity, analyze_with};
use serde::Serialize;

/// Arguments of `rhythm check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (folders are searched recursively for `*.flow`); default: the current
    /// folder.
    pub paths: Vec<PathBuf>,
    /// Output format. `json` prints one array of `{file, line, column, end_line, end_column,
    /// severity, code, message}`; lines and columns are 1-based and columns count characters
    /// (Unicode scalar values), not bytes.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The task manifest to check task names and inputs against (default: the nearest
    /// `.rhythm/tasks.json` in each file's folder or above, if any).
    #[arg(long)]
    pub manifest: Option<PathBuf>,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Annotated source snippets.
    Human,
    /// A JSON array, for tools.
    Json,
}

/// One diagnostic in `--format json` output.
#[derive(Debug, Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: Severity,
    code: &'a str,
    message: &'a str,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut io_errors = 0usize;
    let mut files = Vec::new();
    for path in &paths {
        match collect(path, &mut files) {
            Ok(()) => {}
            Err(message) => {
                eprintln!("error: {message}");
                io_errors += 1;
            }
        }
    }
    let mut manifests = Manifests::default();
    if let Some(path) = &args.manifest {
        match load_manifest(path) {
            Ok(options) => manifests.fixed = Some(options),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut json = Vec::new();
    let (mut errors, mut warnings, mut checked) = (0usize, 0usize, 0usize);
    for file in &files {
        let text = match read(file) {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: {message}");
                io_errors += 1;
                continue;
            }
        };
        checked += 1;
        let analysis = analyze_with(&text, &manifests.for_file(file));
        let name = display_name(file);
        for d in &analysis.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
        match args.format {
            Format::Human => {
                // The line index, built once per file and shared by all its reports.
                let source = Source::from(text.as_str());
                for d in &analysis.diagnostics {
                    let rendered = render(&name, &source, d, color);
                    if out.write_all(rendered.as_bytes()).is_err() {
                        return ExitCode::from(2);
                    }
                }
            }
            Format::Json => {
                let index = LineIndex::new(&text);
                for d in &analysis.diagnostics {
                    let start = index.line_col(&text, d.range.start());
                    let end = index.line_col(&text, d.range.end());
                    json.push(serde_json::json!(JsonDiagnostic {
                        file: name.clone(),
                        line: start.line,
                        column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                        severity: d.severity,
                        code: d.code,
                        message: &d.message,
                    }));
                }
            }
        }
    }
    let written = match args.format {
        Format::Human => writeln!(out, "{}", summary(checked, errors, warnings)),
        Format::Json => serde_json::to_string_pretty(&json)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}")),
    };
    if written.is_err() || io_errors > 0 {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The analysis options of each folder's task manifest, found once per folder.
#[derive(Default)]
struct Manifests {
    /// From `--manifest`: used for every file.
    fixed: Option<Arc<Options>>,
    /// Nearest manifest by folder (`None`: none found), read once.
    by_folder: HashMap<PathBuf, Option<Arc<Options>>>,
}

impl Manifests {
    /// The options for `file`: from `--manifest`, else from the nearest `.rhythm/tasks.json`
    /// in its folder or above (a manifest that cannot be read is reported and ignored).
    fn for_file(&mut self, file: &Path) -> Arc<Options> {
        if let Some(fixed) = &self.fixed {
            return Arc::clone(fixed);
        }
        let folder = std::path::absolute(file)
            .ok()
            .and_then(|f| f.parent().map(Path::to_path_buf));
        let found = folder.and_then(|folder| self.nearest(&folder));
        found.unwrap_or_default()
    }

    fn nearest(&mut self, folder: &Path) -> Option<Arc<Options>> {
        if let Some(known) = self.by_folder.get(folder) {
            return known.clone();
        }
        let candidate = folder.join(".rhythm").join("tasks.json");
        let found = if candidate.is_file() {
            match load_manifest(&candidate) {
                Ok(options) => Some(options),
                Err(message) => {
                    eprintln!("warning: ignoring the task manifest: {message}");
                    None
                }
            }
        } else {
            folder.parent().and_then(|up| self.nearest(up))
        };
        self.by_folder.insert(folder.to_path_buf(), found.clone());
        found
    }
}

/// Reads a task manifest into analysis options.
fn load_manifest(path: &Path) -> Result<Arc<Options>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let manifest = TaskManifest::from_json(&text)
        .map_err(|e| format!("`{}` is not a task manifest: {e}", path.display()))?;
    Ok(Arc::new(Options::from_manifest(&manifest)))
}

/// Adds `path` (a file) or the `*.flow` files under it (a folder), sorted.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if !meta.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read folder `{}`: {e}", path.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let is_dir = std::fs::metadata(&entry).is_ok_and(|m| m.is_dir());
        if is_dir {
            let hidden = entry
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !hidden {
                collect(&entry, files)?;
            }
        } else if entry.extension().is_some_and(|e| e == "flow") {
            files.push(entry);
        }
    }
    Ok(())
}

/// How a file is named in the output: as found, without a leading `./`.
fn display_name(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    shown.display().to_string()
}

/// Reads a file as UTF-8, with a message naming the file on failure.
fn read(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "`{}` is not valid UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The closing line: `checked 3 files: 1 error, 2 warnings`.
fn summary(files: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "checked {}: {}, {}",
        plural(files, "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Renders one diagnostic as an annotated snippet of `source` (the file's text with its line
/// index: build it once per file, so rendering is linear in the file and the diagnostics).
pub(crate) fn render(name: &str, source: &Source<&str>, d: &Diagnostic, color: bool) -> String {
    let text = source.text();
    let span = |r: rhythm_syntax::TextRange| {
        let start = usize::from(r.start()).min(text.len());
        let end = usize::from(r.end()).clamp(start, text.len());
        (name.to_owned(), start..end)
    };
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let mut report = Report::build(kind, span(d.range))
        .with_config(
            Config::default()
                .with_index_type(IndexType::Byte)
                .with_color(color),
        )
        .with_code(d.code)
        .with_message(&d.message)
        .with_label(Label::new(span(d.range)).with_message(primary_note(d)));
    for label in &d.labels {
        report = report.with_label(Label::new(span(label.range)).with_message(&label.message));
    }
    for fix in &d.fixes {
        report = report.with_help(&fix.title);
    }
    let mut buffer = Vec::new();
    let written = report
        .finish()
        .write((name.to_owned(), source), &mut buffer);
    match written {
        Ok(()) => String::from_utf8_lossy(&buffer).into_owned(),
        Err(_) => format!(
            "{name}: {}[{}]: {}\n",
            severity_word(d.severity),
            d.code,
            d.message
        ),
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The short note under the primary range: the gist of the message (up to its first `: `,
/// `; ` or `. `); fixes are shown as help lines.
fn primary_note(d: &Diagnostic) -> String {
    let end = [": ", "; ", ". "]
        .iter()
        .filter_map(|sep| d.message.find(sep))
        .min()
        .unwrap_or(d.message.len());
    d.message[..end].to_owned()
}
