//! One module per subcommand.

pub mod check;
pub mod fmt;
pub mod lsp;
pub mod parse;
pub mod run;
pub mod test;

// The runtime commands (Postgres).
pub mod actions;
pub mod cancel;
pub mod db;
pub mod inspect;
pub mod list;
pub mod migrate;
pub mod queues;
pub mod signal;
pub mod start;
pub mod status;
pub mod worker;
pub mod workers;
