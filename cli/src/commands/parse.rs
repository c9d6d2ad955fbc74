//! `rhythm parse`: print a file's syntax tree and its syntax errors (a debugging aid).

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `rhythm parse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The `.flow` file to parse.
    pub file: PathBuf,
}

/// Runs the command: exit 0 without syntax errors, 1 with some, 2 when the file is unreadable.
pub fn run(args: Args) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("rhythm parse: cannot read {}: {err}", args.file.display());
            return ExitCode::from(2);
        }
    };
    let parse = rhythm_syntax::parse(&text);
    print!("{}", rhythm_syntax::debug_tree(&parse.syntax()));
    let name = args.file.display().to_string();
    for error in parse.errors() {
        let (line, col) = line_col(&text, u32::from(error.range.start()) as usize);
        eprintln!("{name}:{line}:{col}: {}", error.message);
        for (range, label) in &error.labels {
            let (line, col) = line_col(&text, u32::from(range.start()) as usize);
            eprintln!("  {name}:{line}:{col}: {label}");
        }
    }
    if parse.errors().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
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

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn positions_count_characters() {
        assert_eq!(line_col("ab\ncé", 0), (1, 1));
        assert_eq!(line_col("ab\ncé", 3), (2, 1));
        assert_eq!(line_col("ab\ncéd", 6), (2, 3));
    }
}
