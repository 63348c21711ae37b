//! `rhai-flow run FOLDER`: runs a flow set's main script against an endpoint and prints
//! every event until the run is idle.

use std::cell::Cell;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use clap::{Parser, Subcommand};
use std::io::Write;

use rhai_flow::{Config, Event, EventKind, FlowSet, HttpTransport, Runtime, UnhandledReason};

#[derive(Parser)]
#[command(
    name = "rhai-flow",
    version,
    about = "Event-driven Rhai flows over Stripe-style calls"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a flow set's main script and print every event until the run is idle.
    Run(RunArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// A folder with a `flows.json` manifest and the scripts it names.
    folder: PathBuf,
    /// Base URL that call paths are joined to.
    #[arg(long, env = "RHAI_FLOW_ENDPOINT", default_value = rhai_flow::DEFAULT_ENDPOINT)]
    endpoint: String,
    /// Secret key sent as `Authorization: Bearer <key>`.
    #[arg(
        long,
        env = "RHAI_FLOW_API_KEY",
        default_value = rhai_flow::DEFAULT_API_KEY,
        hide_env_values = true
    )]
    key: String,
    /// How long one request may take, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u32,
    /// Attempts after the first for requests that fail in a retryable way.
    #[arg(long, default_value_t = 2)]
    max_retries: u32,
    /// Print each event as a line of JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let Command::Run(args) = Cli::parse().command;
    let executor = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let executor = match executor {
        Ok(executor) => executor,
        Err(error) => return fail(&format!("cannot start the executor: {error}")),
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&executor, run(args))
}

async fn run(args: RunArgs) -> ExitCode {
    let flows = match FlowSet::load(&args.folder) {
        Ok(flows) => flows,
        Err(error) => return fail(&error.to_string()),
    };
    let mut config = Config {
        endpoint: args.endpoint,
        api_key: args.key,
        request_timeout_ms: args.timeout_ms,
        ..Config::default()
    };
    config.retry.max_retries = args.max_retries;
    let main = flows.manifest().main.clone();
    if flows.script(&main).is_none() {
        let folder = args.folder.display();
        return fail(&format!("{folder} has no main script `{main}`"));
    }
    let runtime = match Runtime::new(config, flows, HttpTransport::default()) {
        Ok(runtime) => runtime,
        Err(error) => return fail(&error.to_string()),
    };
    let failures = Rc::new(Cell::new(0u32));
    let seen = Rc::clone(&failures);
    let json = args.json;
    runtime.subscribe(move |event| {
        if matches!(event.kind, EventKind::FlowFailed { .. }) {
            seen.set(seen.get() + 1);
        }
        show(event, json);
    });
    let _ = runtime.run_main();
    runtime.idle().await;
    match failures.get() {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

/// Writes one event to stdout. When stdout is gone (`rhai-flow run ... | head`), there is no
/// one left to tell, so the process ends quietly.
fn show(event: &Event, json: bool) {
    let line = match json {
        true => serde_json::to_string(event).unwrap_or_else(|error| {
            format!(
                "{{\"error\": \"event {} cannot be written: {error}\"}}",
                event.id
            )
        }),
        false => format!("{:>9.1} ms  {}", event.at_ms, describe(&event.kind)),
    };
    if writeln!(std::io::stdout().lock(), "{line}").is_err() {
        std::process::exit(0);
    }
}

fn describe(kind: &EventKind) -> String {
    match kind {
        EventKind::FlowStarted { event, script, .. } => format!("flow {event} ({script}) started"),
        EventKind::FlowFinished {
            event, elapsed_ms, ..
        } => {
            format!("flow {event} finished in {elapsed_ms:.1} ms")
        }
        EventKind::FlowFailed {
            event,
            script,
            error,
        } => {
            format!("flow {event} ({script}) failed: {error}")
        }
        EventKind::Output { text, .. } => format!("  | {text}"),
        EventKind::RequestSent {
            method, path, call, ..
        } => format!("{method} /{path} ({call})"),
        EventKind::ResponseReceived {
            status,
            event,
            attempts,
            ..
        } => {
            format!("HTTP {status} after {attempts} attempt(s) -> {event}")
        }
        EventKind::RequestFailed { error, event, .. } => format!("no answer ({error}) -> {event}"),
        EventKind::RequestRetrying {
            attempt,
            delay_ms,
            reason,
        } => {
            format!("attempt {attempt} failed ({reason}); retrying in {delay_ms} ms")
        }
        EventKind::Unhandled { event, reason } => match reason {
            UnhandledReason::NoScript => format!("{event}: no script is mapped to it"),
            UnhandledReason::ScriptMissing { script } => {
                format!("{event}: its script {script} is not in the flow set")
            }
        },
        EventKind::GuardTripped {
            event,
            guard,
            limit,
        } => {
            format!("{event} not dispatched: {guard} ({limit}) reached")
        }
        EventKind::Cancelled { event } => format!("cancelled before {event}"),
        EventKind::Idle {} => "idle".to_owned(),
        other => other.name().to_owned(),
    }
}

#[allow(clippy::print_stderr)]
fn fail(message: &str) -> ExitCode {
    eprintln!("rhai-flow: {message}");
    ExitCode::from(2)
}
