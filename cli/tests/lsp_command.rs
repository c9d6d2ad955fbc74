//! `rhythm lsp` speaks the protocol on stdio: initialize, shutdown and exit, logging to stderr.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdout, Command, Stdio};

fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

fn read_frame(stdout: &mut BufReader<ChildStdout>) -> String {
    let mut length = 0;
    loop {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        if let Some(n) = line.trim().strip_prefix("Content-Length:") {
            length = n.trim().parse().unwrap();
        }
        if line.trim().is_empty() {
            break;
        }
    }
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

#[test]
fn initialize_shutdown_exit_over_stdio() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |m: &str| {
        stdin.write_all(frame(m).as_bytes()).unwrap();
        stdin.flush().unwrap();
    };
    // Like a real client, wait for each answer before going on.
    send(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"capabilities":{"general":{"positionEncodings":["utf-8"]}}}}"#,
    );
    let init = read_frame(&mut stdout);
    assert!(init.contains(r#""positionEncoding":"utf-8""#), "{init}");
    send(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    send(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#);
    let shutdown = read_frame(&mut stdout);
    assert!(shutdown.contains(r#""id":2"#), "{shutdown}");
    send(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    drop(stdin);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{err}");
    assert!(
        err.contains("initialized with Utf8 positions"),
        "logs go to stderr: {err}"
    );
}
