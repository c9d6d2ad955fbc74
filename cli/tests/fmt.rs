//! End-to-end tests of `rhythm fmt`: in-place writes, `--check`, syntax errors, stdin.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const UGLY: &str = "let x = {a:1,b:'two'};\nif(x){f( x )}\n";
const PRETTY: &str = "let x = { a: 1, b: \"two\" }\nif (x) {\n  f(x)\n}\n";

fn rhythm(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn rhythm_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn formats_folders_in_place_recursively() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.flow", UGLY);
    write(dir.path(), "sub/b.flow", PRETTY);
    write(dir.path(), "sub/notes.txt", UGLY);
    let out = rhythm(&["fmt"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(dir.path(), "a.flow"), PRETTY);
    assert_eq!(read(dir.path(), "sub/b.flow"), PRETTY);
    assert_eq!(
        read(dir.path(), "sub/notes.txt"),
        UGLY,
        "only .flow files are formatted"
    );
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.flow", PRETTY);
    let path = dir.path().join("a.flow");
    // Backdate the file: a rewrite would give it a fresh modification time.
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let out = rhythm(&["fmt", "a.flow"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), old);
    assert_eq!(read(dir.path(), "a.flow"), PRETTY);
}

#[test]
fn check_lists_unformatted_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ugly.flow", UGLY);
    write(dir.path(), "pretty.flow", PRETTY);
    let out = rhythm(&["fmt", "--check", "."], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("ugly.flow"), "{stdout}");
    assert!(!stdout.contains("pretty.flow"), "{stdout}");
    assert_eq!(read(dir.path(), "ugly.flow"), UGLY);

    let out = rhythm(&["fmt", "--check", "pretty.flow"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn syntax_errors_are_reported_and_the_file_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "let x = 1\nlet y = (2 +\n";
    write(dir.path(), "broken.flow", broken);
    write(dir.path(), "ugly.flow", UGLY);
    let out = rhythm(&["fmt", "."], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line = stderr
        .lines()
        .find(|l| l.contains("broken.flow:"))
        .expect(&stderr);
    let mut parts = line.rsplit_once(".flow:").unwrap().1.split(':');
    let line_no: usize = parts.next().unwrap().parse().unwrap();
    let col: usize = parts.next().unwrap().parse().unwrap();
    assert!(line_no >= 2 && col >= 1, "{line}");
    assert_eq!(read(dir.path(), "broken.flow"), broken);
    assert_eq!(
        read(dir.path(), "ugly.flow"),
        PRETTY,
        "other files are still formatted"
    );
}

#[test]
fn stdin_is_formatted_to_stdout() {
    for flag in ["-", "--stdin"] {
        let out = rhythm_stdin(&["fmt", flag], UGLY);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), PRETTY);
    }
    let out = rhythm_stdin(&["fmt", "--check", "-"], UGLY);
    assert_eq!(out.status.code(), Some(1));
    let out = rhythm_stdin(&["fmt", "--check", "-"], PRETTY);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn stdin_syntax_errors_exit_1() {
    let out = rhythm_stdin(&["fmt", "--stdin"], "let = \n");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("<stdin>:1:")
    );
}

#[test]
fn missing_paths_and_bad_usage_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        rhythm(&["fmt", "nope.flow"], dir.path()).status.code(),
        Some(2)
    );
    assert_eq!(
        rhythm(&["fmt", "--bogus"], dir.path()).status.code(),
        Some(2)
    );
    assert_eq!(
        rhythm(&["fmt", "-", "a.flow"], dir.path()).status.code(),
        Some(2)
    );
}

#[test]
fn repository_examples_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = rhythm(&["fmt", "--check", "examples/"], &root);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
