//! Shared plumbing of the runtime commands: the database URL, the async runtime, JSON
//! arguments and exit codes.

use std::process::ExitCode;

use rhythm_runtime::Client;
use serde_json::Value;

/// Exit code of a usage error (bad arguments, bad JSON), as clap uses.
pub const EXIT_USAGE: u8 = 2;
/// Exit code of a failure (database error, unknown execution, failed execution).
pub const EXIT_FAILURE: u8 = 1;

/// The database option every runtime command takes.
#[derive(Debug, clap::Args)]
pub struct DbArgs {
    /// Postgres URL (default: $RHYTHM_DATABASE_URL, then $DATABASE_URL).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// A failure to report, with its exit code.
#[derive(Debug)]
pub struct Failure {
    /// The message printed on stderr.
    pub message: String,
    /// The exit code.
    pub code: u8,
}

impl Failure {
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_USAGE,
        }
    }

    /// A runtime failure (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_FAILURE,
        }
    }
}

impl From<rhythm_runtime::Error> for Failure {
    fn from(e: rhythm_runtime::Error) -> Self {
        match e {
            rhythm_runtime::Error::Invalid { .. } => Failure::usage(e.to_string()),
            _ => Failure::failed(e.to_string()),
        }
    }
}

impl DbArgs {
    /// The URL: the flag, then `RHYTHM_DATABASE_URL`, then `DATABASE_URL`.
    pub fn url(&self) -> Result<String, Failure> {
        self.database_url
            .clone()
            .or_else(|| std::env::var("RHYTHM_DATABASE_URL").ok())
            .or_else(|| std::env::var("DATABASE_URL").ok())
            .filter(|u| !u.is_empty())
            .ok_or_else(|| {
                Failure::usage(
                    "no database: pass --database-url or set RHYTHM_DATABASE_URL or DATABASE_URL",
                )
            })
    }

    /// Connects a client.
    pub async fn client(&self) -> Result<Client, Failure> {
        let url = self.url()?;
        Client::connect(&url)
            .await
            .map_err(|e| Failure::failed(format!("cannot connect to the database: {e}")))
    }
}

/// Parses a JSON argument, naming it in the error.
pub fn parse_json(what: &str, text: &str) -> Result<Value, Failure> {
    serde_json::from_str(text)
        .map_err(|e| Failure::usage(format!("{what} is not valid JSON ({e}): {}", shorten(text))))
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// Runs an async command body on a fresh Tokio runtime and maps its result to an exit code.
pub fn run<F>(command: &str, body: F) -> ExitCode
where
    F: std::future::Future<Output = Result<(), Failure>>,
{
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rhythm {command}: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    match rt.block_on(body) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("rhythm {command}: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Pretty JSON for humans (compact if it cannot be pretty-printed).
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}
