//! Wording shared by the detectors of one concept across languages, so the
//! same weakness reads the same everywhere.

/// The message of every insecure-hashing detector.
pub fn weak_hash_message(algorithm: &str) -> String {
    format!(
        "{algorithm} is a broken hash function: it must not protect passwords, signatures or integrity"
    )
}
