//! One module per subcommand.

pub mod check;
pub mod fmt;
pub mod lsp;
pub mod parse;
pub mod run;
pub mod test;
