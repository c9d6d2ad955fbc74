//! One module per subcommand.

pub mod check;
pub mod parse;
pub mod run;
pub mod test;

// The runtime commands (Postgres).
pub mod cancel;
pub mod db;
pub mod list;
pub mod migrate;
pub mod signal;
pub mod start;
pub mod status;
pub mod worker;
