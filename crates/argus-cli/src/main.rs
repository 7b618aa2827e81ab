//! The `argus` command.
//!
//! Errors are rendered once, here: a one-line `argus: error: ...` on
//! standard error and exit status 2. Findings at or above
//! `--fail-on-severity` give exit status 1.

mod admin;
mod cli;
mod detectors;
mod progress;
mod remote;
mod scan;
mod serve;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Detectors(command) => detectors::run(command),
        Command::Serve(args) => serve::run(*args),
        Command::Remote(command) => remote::run(command),
        Command::Admin(args) => admin::run(*args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // `{:#}` joins the context chain into one line.
            anstream::eprintln!("argus: error: {error:#}");
            ExitCode::from(2)
        }
    }
}
