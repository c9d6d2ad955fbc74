//! The runtime's error type, store-neutral: a store turns its driver's failures into
//! [`Error::Database`] (a [`DatabaseError`], classified transient or not by that store) and
//! its migration failures into [`Error::Migrate`]; nothing here knows a store or a driver.

use std::fmt;

use crate::model::Status;

/// A boxed error from a store's driver.
type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in the runtime's client and worker API.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database refused or failed a query (including connection loss).
    #[error("database error: {0}")]
    Database(#[source] DatabaseError),
    /// Applying the migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
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
            Error::Database(e) => e.is_transient(),
            _ => false,
        }
    }
}

/// A failure of a store's database, with the store's verdict on whether retrying may help.
///
/// Transparent: it displays as the driver's error and its [`source`](std::error::Error::source)
/// is the driver error's source. The driver's error itself is reachable with
/// [`DatabaseError::get_ref`] (to downcast, e.g. to `sqlx::Error` for the Postgres store).
#[derive(Debug)]
pub struct DatabaseError {
    transient: bool,
    error: BoxError,
}

impl DatabaseError {
    /// Wraps a driver's error; `transient` says whether retrying the same operation later may
    /// succeed (connection lost, database restarting, pool exhausted, serialization failure).
    pub fn new(
        error: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
        transient: bool,
    ) -> Self {
        DatabaseError {
            transient,
            error: error.into(),
        }
    }

    /// Whether retrying the same operation later may succeed, as the store classified it.
    pub fn is_transient(&self) -> bool {
        self.transient
    }

    /// The driver's error, to inspect or downcast.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.error
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
