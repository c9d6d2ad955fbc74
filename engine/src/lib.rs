//! The engine core: the pure execution state machine around the VM, shared by the test kit and
//! the Postgres runtime. Events come in (a task attempt finished, a timer is due, a signal
//! arrived, a cancel was asked), a new execution state and commands go out. No I/O, no clock.
#![deny(clippy::unwrap_used)]
