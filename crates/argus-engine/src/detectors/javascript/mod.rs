//! JavaScript and TypeScript detectors: one implementation per concept,
//! registered under both `javascript/` and `typescript/` ids.

pub mod insecure_hashing;
