//! `rhythm fmt`: format `.flow` files in place, check that they are formatted, or format stdin.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rhythm_fmt::{FormatError, Options};

/// Arguments of `rhythm fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write nothing; list the files that would change and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
    /// Format standard input to standard output (same as the path `-`).
    #[arg(long)]
    pub stdin: bool,
    /// Files, or folders searched recursively for `*.flow` files (default: `.`).
    pub paths: Vec<PathBuf>,
}

/// The worst outcome so far: 0 all good, 1 unformatted or invalid files, 2 usage or I/O error.
#[derive(Debug, Default)]
struct Status(u8);

impl Status {
    fn raise(&mut self, code: u8) {
        self.0 = self.0.max(code);
    }
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let options = Options::default();
    let mut status = Status::default();
    let use_stdin = args.stdin || args.paths.iter().any(|p| p.as_os_str() == "-");
    if use_stdin {
        if args.paths.iter().any(|p| p.as_os_str() != "-") {
            eprintln!("rhythm fmt: standard input cannot be combined with paths");
            return ExitCode::from(2);
        }
        format_stdin(&options, args.check, &mut status);
        return ExitCode::from(status.0);
    }
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut files = Vec::new();
    for root in &roots {
        collect(root, true, &mut files, &mut status);
    }
    for file in &files {
        format_file(file, &options, args.check, &mut status);
    }
    ExitCode::from(status.0)
}

/// Adds `path` (a file given by name, or the `*.flow` files under a folder) to `files`.
fn collect(path: &Path, explicit: bool, files: &mut Vec<PathBuf>, status: &mut Status) {
    if path.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(err) => {
                eprintln!("rhythm fmt: cannot read {}: {err}", path.display());
                status.raise(2);
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        children.sort();
        for child in children {
            let hidden = child
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden
                || child
                    .file_name()
                    .is_some_and(|n| n == "target" || n == "node_modules")
            {
                continue;
            }
            collect(&child, false, files, status);
        }
    } else if explicit {
        if path.exists() {
            files.push(path.to_path_buf());
        } else {
            eprintln!("rhythm fmt: {}: no such file or folder", path.display());
            status.raise(2);
        }
    } else if path.extension().is_some_and(|e| e == "flow") {
        files.push(path.to_path_buf());
    }
}

fn format_file(path: &Path, options: &Options, check: bool, status: &mut Status) {
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("rhythm fmt: cannot read {name}: {err}");
            status.raise(2);
            return;
        }
    };
    let formatted = match rhythm_fmt::format(&text, options) {
        Ok(formatted) => formatted,
        Err(err) => {
            report(&name, &text, &err);
            status.raise(1);
            return;
        }
    };
    if formatted == text {
        return;
    }
    if check {
        println!("{name}");
        status.raise(1);
    } else if let Err(err) = std::fs::write(path, formatted) {
        eprintln!("rhythm fmt: cannot write {name}: {err}");
        status.raise(2);
    }
}

fn format_stdin(options: &Options, check: bool, status: &mut Status) {
    let mut text = String::new();
    if let Err(err) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("rhythm fmt: cannot read standard input: {err}");
        status.raise(2);
        return;
    }
    match rhythm_fmt::format(&text, options) {
        Ok(formatted) if check => {
            if formatted != text {
                println!("<stdin>");
                status.raise(1);
            }
        }
        Ok(formatted) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(formatted.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                status.raise(2);
            }
        }
        Err(err) => {
            report("<stdin>", &text, &err);
            status.raise(1);
        }
    }
}

/// Prints why a file was not formatted: one `file:line:col: message` line per syntax error.
fn report(name: &str, text: &str, err: &FormatError) {
    match err {
        FormatError::Syntax(errors) => {
            for e in errors {
                let (line, col) = line_col(text, u32::from(e.range.start()) as usize);
                eprintln!("{name}:{line}:{col}: {}", e.message);
            }
        }
        FormatError::Internal(_) => eprintln!("{name}: {err}"),
    }
}

/// One-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}
