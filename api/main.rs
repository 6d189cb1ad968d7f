use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    match ent::cli::run(ent::cli::Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, never a backtrace: `{:#}` joins the causes.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
