//! Encryption at rest (DESIGN: envelope encryption).
//!
//! A master key kept outside the database (a file every node is given)
//! wraps the key-encryption keys stored in it: one service-owned key, and
//! the customer keys `argus admin key` manages. Each account's data is
//! sealed with AES-256-GCM data keys, each wrapped by the key that was the
//! account's key when it was made; a ciphertext names its data key, so
//! data stays readable after the account switches keys, as long as the key
//! it was written under is enabled.

mod artifacts;
pub mod envelope;
mod keys;
mod legacy;

pub(crate) use keys::Keyring;
pub use keys::{CustomerKey, KeyState};
