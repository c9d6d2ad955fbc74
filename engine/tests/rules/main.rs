//! Every engine rule, exercised with a scripted VM: one module per concern, sharing the
//! harness in `support`.

mod cancel;
mod children;
mod retry;
mod signals;
mod state;
mod support;
mod tasks;
mod timers;
