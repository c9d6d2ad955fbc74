//! The Rhythm language server. This is the only crate that knows LSP types: it converts
//! positions and calls the analyzer's editor features, which are plain functions over offsets.
//!
//! [`serve_stdio`] runs the server on stdin/stdout; [`testing::TestClient`] drives it in
//! process over real JSON-RPC frames.
#![deny(clippy::unwrap_used)]

mod convert;
pub mod document;
pub mod format;
pub mod line_index;
mod server;
pub mod state;
pub mod testing;

pub use server::Backend;
pub use state::Config;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves the protocol on `input`/`output` until the client exits.
pub async fn serve<I, O>(input: I, output: O, config: Config)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) =
        LspService::new(move |client| Backend::new(client, state::State::new(config)));
    Server::new(input, output, socket).serve(service).await;
}

/// Serves the protocol on stdin/stdout (logs go to stderr).
pub async fn serve_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout(), Config::default()).await;
}
