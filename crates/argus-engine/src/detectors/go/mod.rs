//! Go detectors.

pub mod insecure_hashing;
