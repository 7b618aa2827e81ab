//! Ruby detectors.

pub mod insecure_hashing;
