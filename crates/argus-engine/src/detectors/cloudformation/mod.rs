//! CloudFormation detectors (YAML and JSON templates).

pub mod public_read_bucket_acl;
