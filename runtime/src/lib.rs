//! The Postgres runtime: durable executions, the task queue, timers, signals, workers and the
//! client API. Postgres is the single source of truth.
#![deny(clippy::unwrap_used)]
