//! An in-process client that speaks real JSON-RPC (Content-Length frames) to the server over
//! in-memory pipes, for tests and benchmarks.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;

use crate::Config;

/// What went wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Writing a frame failed (the server stopped).
    #[error("cannot write to the server: {0}")]
    Io(#[from] std::io::Error),
    /// The server closed its output.
    #[error("the server closed the connection")]
    Closed,
    /// Nothing arrived in time.
    #[error("timed out waiting for {0}")]
    Timeout(String),
}

/// A client connected to a server running on the current runtime.
#[derive(Debug)]
pub struct TestClient {
    writer: DuplexStream,
    responses: mpsc::UnboundedReceiver<Value>,
    notifications: mpsc::UnboundedReceiver<Value>,
    next_id: i64,
    timeout: Duration,
}

impl TestClient {
    /// Starts a server with `config` and connects to it.
    pub fn start(config: Config) -> Self {
        let (client_out, server_in) = tokio::io::duplex(1 << 20);
        let (server_out, client_in) = tokio::io::duplex(1 << 20);
        tokio::spawn(crate::serve(server_in, server_out, config));
        let (resp_tx, responses) = mpsc::unbounded_channel();
        let (note_tx, notifications) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(client_in);
            while let Some(message) = read_frame(&mut reader).await {
                // The server sends no requests of its own, only responses and notifications.
                if message.get("method").is_some() {
                    let _ = note_tx.send(message);
                } else {
                    let _ = resp_tx.send(message);
                }
            }
        });
        TestClient {
            writer: client_out,
            responses,
            notifications,
            next_id: 0,
            timeout: Duration::from_secs(20),
        }
    }

    /// Sends a request and waits for its response (`result` or `error` object).
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, ClientError> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await?;
        loop {
            let message = tokio::time::timeout(self.timeout, self.responses.recv())
                .await
                .map_err(|_| ClientError::Timeout(method.to_owned()))?
                .ok_or(ClientError::Closed)?;
            if message.get("id") == Some(&json!(id)) {
                return Ok(message);
            }
        }
    }

    /// Sends a notification.
    pub async fn notify(&mut self, method: &str, params: Value) -> Result<(), ClientError> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await
    }

    /// Waits for the next notification named `method`, dropping others.
    pub async fn notification(&mut self, method: &str) -> Result<Value, ClientError> {
        loop {
            let message = tokio::time::timeout(self.timeout, self.notifications.recv())
                .await
                .map_err(|_| ClientError::Timeout(method.to_owned()))?
                .ok_or(ClientError::Closed)?;
            if message.get("method").and_then(Value::as_str) == Some(method) {
                return Ok(message.get("params").cloned().unwrap_or(Value::Null));
            }
        }
    }

    /// Waits for `publishDiagnostics` of `uri` at `version` (earlier versions are skipped).
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Result<Value, ClientError> {
        loop {
            let params = self.notification("textDocument/publishDiagnostics").await?;
            if params.get("uri").and_then(Value::as_str) == Some(uri)
                && params.get("version").and_then(Value::as_i64) == Some(version)
            {
                return Ok(params);
            }
        }
    }

    /// Waits for `publishDiagnostics` of `uri` without a version (sent when it closes).
    pub async fn cleared_diagnostics(&mut self, uri: &str) -> Result<Value, ClientError> {
        loop {
            let params = self.notification("textDocument/publishDiagnostics").await?;
            if params.get("uri").and_then(Value::as_str) == Some(uri)
                && params.get("version").is_none_or(Value::is_null)
            {
                return Ok(params);
            }
        }
    }

    async fn send(&mut self, message: &Value) -> Result<(), ClientError> {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(frame.as_bytes()).await?;
        self.writer.flush().await?;
        Ok(())
    }
}

/// Reads one `Content-Length` framed JSON message.
async fn read_frame(reader: &mut BufReader<DuplexStream>) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}
