//! The runtime's error type.

use crate::model::Status;

/// Everything that can go wrong in the runtime's client and worker API.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database refused or failed a query (including connection loss).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// No execution has this id.
    #[error("no execution with id {0:?}")]
    NotFound(String),
    /// An execution with this id already exists (ids are chosen by the caller here).
    #[error("an execution with id {0:?} already exists")]
    DuplicateId(String),
    /// No version of this workflow has been registered (or not the version asked for).
    #[error("unknown workflow {0:?}: register its source first (rhythm start --workflows DIR)")]
    UnknownWorkflow(String),
    /// The execution is finished; it cannot take signals any more.
    #[error("execution {id:?} is {status}: it no longer takes signals")]
    Finished {
        /// The execution.
        id: String,
        /// Its terminal status.
        status: Status,
    },
    /// Signals go to workflows; this execution is a task.
    #[error("execution {0:?} is a task: only workflows take signals")]
    NotAWorkflow(String),
    /// An argument is out of bounds (empty or too long name, negative delay, ...).
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// Which argument.
        what: &'static str,
        /// Why it is refused.
        reason: String,
    },
    /// An operator action does not apply to the execution (or queue) as it is; nothing
    /// changed.
    #[error("{what} {id}: {reason}; nothing changed")]
    Refused {
        /// `execution` or `queue`.
        what: &'static str,
        /// The execution id or queue name.
        id: String,
        /// Why, in words (`it is running: only a failed execution can be retried`).
        reason: String,
    },
    /// `wait` gave up before the execution finished.
    #[error("execution {id:?} did not finish within {timeout_ms} ms (status {status})")]
    WaitTimeout {
        /// The execution.
        id: String,
        /// The timeout that elapsed.
        timeout_ms: u128,
        /// Its status when the wait gave up.
        status: Status,
    },
    /// A status string read from the database is unknown (schema drift).
    #[error("unknown {what} {value:?} in the database")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// The value found.
        value: String,
    },
}

impl Error {
    /// Whether retrying the same operation later may succeed (connection lost, database
    /// restarting, pool exhausted, serialization failure).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Database(e) => crate::store::postgres::is_transient_db(e),
            _ => false,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
