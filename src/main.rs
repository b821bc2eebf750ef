//! The `newsmill` binary: parse flags, run, map the outcome to an exit code
//! (0 success, 1 a failed run, 2 bad usage or configuration, 3 a run that drifted
//! with `--fail-on-drift`).

use clap::Parser;
use newsmill::cli::{self, Cli};
use newsmill::error::UsageError;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

fn main() {
    newsmill::alloc::tune();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("NEWSMILL_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("newsmill={level}")));
    // Colour only for a person at a terminal: logs kept by cron or a scheduler must not
    // carry escape codes (and NO_COLOR turns colour off everywhere).
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .init();
    match cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(if e.is::<UsageError>() { 2 } else { 1 });
        }
    }
}
