//! Rebuilds the crate when a migration is added or changed: `sqlx::migrate!` embeds
//! `migrations/` at compile time but cannot tell Cargo to watch the directory itself.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
