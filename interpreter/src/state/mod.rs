//! The saved-state format: a header (magic, format version, program hash) followed by the
//! postcard encoding of the VM state.
//!
//! ```text
//! "RHYS" | format version (u16 LE) | SHA-256 of the source (32 bytes) | postcard(VmState)
//! ```
//!
//! Saved state is input: a corrupt row must fail its execution at once. Decoding is bounded by
//! the input's size ([`bounded`]: no length read from the bytes makes it loop or allocate
//! beyond them), and a decoded state is validated ([`check`]) before anything runs it.

mod bounded;
mod check;
#[cfg(test)]
mod tests;

use serde::Deserialize;

use crate::effects::Json;
use crate::vm::VmState;

const MAGIC: &[u8; 4] = b"RHYS";
/// The current format version; bump on any change to the saved types.
pub const FORMAT_VERSION: u16 = 1;
const HEADER: usize = 4 + 2 + 32;

/// Why saved state could not be loaded. Every message starts with `state could not be
/// decoded:`, the cause an execution fails with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// Not a Rhythm state at all, or truncated/corrupt.
    #[error("state could not be decoded: {0}")]
    BadBytes(String),
    /// Decoded, but inconsistent: a reference to no object, a builtin's progress that
    /// contradicts itself. Only corruption produces it.
    #[error("state could not be decoded: inconsistent state: {0}")]
    Inconsistent(String),
    /// Written by another format version.
    #[error(
        "state could not be decoded: it has format version {found}, this interpreter reads \
         version {expected}"
    )]
    WrongVersion {
        /// The version in the bytes.
        found: u16,
        /// The version this build reads.
        expected: u16,
    },
    /// Saved by a different program.
    #[error("state could not be decoded: it belongs to program {found}, not to {expected}")]
    ProgramMismatch {
        /// The hash in the bytes.
        found: String,
        /// The hash of the program given.
        expected: String,
    },
}

/// Encodes a state.
pub fn encode(hash_hex: &str, state: &VmState) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let hash = hex::decode(hash_hex).map_err(|e| e.to_string())?;
    if hash.len() != 32 {
        return Err("program hash is not a SHA-256".into());
    }
    out.extend_from_slice(&hash);
    postcard::to_extend(state, out).map_err(|e| e.to_string())
}

/// Reads the header: (format version, program hash hex).
fn header(bytes: &[u8]) -> Result<String, StateError> {
    if bytes.len() < HEADER || &bytes[..4] != MAGIC {
        return Err(StateError::BadBytes("missing the RHYS header".into()));
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != FORMAT_VERSION {
        return Err(StateError::WrongVersion {
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    Ok(hex::encode(&bytes[6..HEADER]))
}

/// Decodes a state saved by the program with hash `expected_hash`.
pub fn decode(bytes: &[u8], expected_hash: &str) -> Result<VmState, StateError> {
    let found = header(bytes)?;
    if found != expected_hash {
        return Err(StateError::ProgramMismatch {
            found,
            expected: expected_hash.to_string(),
        });
    }
    decode_body(bytes)
}

/// Decodes the body, its work bounded by its length, and validates the result.
fn decode_body(bytes: &[u8]) -> Result<VmState, StateError> {
    let body = bytes.get(HEADER..).unwrap_or_default();
    let budget = bounded::Budget::new(body.len());
    let mut de = postcard::Deserializer::from_bytes(body);
    let mut state = VmState::deserialize(bounded::Bounded {
        inner: &mut de,
        budget: &budget,
    })
    .map_err(|e| StateError::BadBytes(e.to_string()))?;
    state.heap.rebuild_free_list();
    check::check(&state).map_err(StateError::Inconsistent)?;
    Ok(state)
}

/// A readable view of saved state, for debugging and inspection tools.
pub fn state_to_json(bytes: &[u8]) -> Result<Json, StateError> {
    let hash = header(bytes)?;
    let state = decode_body(bytes)?;
    let body = serde_json::to_value(&state).map_err(|e| StateError::BadBytes(e.to_string()))?;
    Ok(serde_json::json!({
        "format_version": FORMAT_VERSION,
        "program_hash": hash,
        "size_bytes": bytes.len(),
        "state": body,
    }))
}
