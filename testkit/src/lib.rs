//! The in-memory test kit: runs workflows on a fake clock with stubbed tasks, no database.
#![deny(clippy::unwrap_used)]
