//! C# detectors.

pub mod insecure_hashing;
