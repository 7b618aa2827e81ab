//! The argus analysis engine: a source tree in, findings out.
//!
//! The pipeline is discover -> parse once -> run detectors in one walk ->
//! suppress -> fingerprint. [`ScanRunner`] drives it over a directory, a
//! file or a zip archive; [`analyze::analyze_text`] analyses one file (for
//! editors and tests). The engine is pure: it reads files and writes only
//! to a private temporary directory when unpacking an archive. It opens no
//! network connection and knows nothing about databases or report formats.

pub mod analyze;
pub mod baseline;
pub mod budget;
pub mod config;
pub mod dataflow;
pub mod detectors;
pub mod discover;
pub mod fingerprint;
pub mod fix;
pub mod lang;
mod runner;
pub mod secrets;
pub mod semantic;
pub mod severity;
pub mod suppress;
pub mod text;

pub use analyze::Mode;
pub use config::{CONFIG_FILE, Limits, ScanConfig};
pub use runner::{Progress, ScanError, ScanOptions, ScanRunner};
