//! Python detectors.

pub mod hashlib_constructor;
pub mod insecure_hashing;
