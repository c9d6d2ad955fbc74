//! The canonical formatter for `.flow` files: one style, Prettier-like line breaking.
#![deny(clippy::unwrap_used)]
