//! The pure `.flow` interpreter: compiles analyzed programs, runs them until they need the
//! outside world, and turns the whole execution state into bytes that resume anywhere.
//!
//! No I/O, no clock and no randomness of its own: the host passes time and a seed in, and
//! gets back what the program asked for (see [`effects`]).
#![deny(clippy::unwrap_used)]

pub mod effects;
pub mod js;
