//! `rhai-flow-endpoint`: runs the Stripe-compatible test server on 127.0.0.1.
//!
//! Prints `listening on http://127.0.0.1:PORT` once the socket is bound, so scripts can
//! wait for that line and read the port from it.

use std::io::{IsTerminal, Write};
use std::net::Ipv4Addr;
use std::process::ExitCode;

use rhai_flow_endpoint::{serve, Error, FaultConfig, ForcedStatus, Options};
use tokio::net::TcpListener;

const DEFAULT_PORT: u16 = 12111;

const USAGE: &str = "\
Usage: rhai-flow-endpoint [FLAGS]

Runs a Stripe-compatible test server on 127.0.0.1.

  --port N               port to listen on (default 12111; 0 picks a free port)
  --latency-ms N         delay added to every /v1/ request
  --jitter-ms N          extra random delay from 0 to N ms per request
  --seed N               seed for jitter and random faults
  --status-next S[:N]    answer the next N (default 1) requests with status S
  --drop-next N          close the connection of the next N requests without an answer
  --malformed-next N     answer the next N requests with 200 and a cut-short body
  --rate-5xx P           probability of a 500 per request (0.0 to 1.0)
  --rate-429 P           probability of a 429 per request
  --rate-drop P          probability of a dropped connection per request
  --rate-malformed P     probability of a cut-short body per request
  --faults JSON          the whole fault configuration, as POST /__admin/faults takes it
  --verbose              log every request to stderr
  --help                 print this help
";

/// The flags that take a value, as `--flag value` or `--flag=value`.
const VALUE_FLAGS: &[&str] = &[
    "--port",
    "--latency-ms",
    "--jitter-ms",
    "--seed",
    "--status-next",
    "--drop-next",
    "--malformed-next",
    "--rate-5xx",
    "--rate-429",
    "--rate-drop",
    "--rate-malformed",
    "--faults",
];

/// What the command line asks for.
#[derive(Debug, PartialEq)]
struct Launch {
    port: u16,
    faults: FaultConfig,
    verbose: bool,
    help: bool,
}

fn main() -> ExitCode {
    let launch = match parse(std::env::args().skip(1)) {
        Ok(launch) => launch,
        Err(error) => return fail(&error),
    };
    if launch.help {
        let _ = std::io::stdout().write_all(USAGE.as_bytes());
        return ExitCode::SUCCESS;
    }
    init_logging(launch.verbose);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&Error::Socket(error)),
    };
    match runtime.block_on(run(launch)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

async fn run(launch: Launch) -> Result<(), Error> {
    launch.faults.validate()?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, launch.port)).await?;
    let address = listener.local_addr()?;
    // The one line on stdout: scripts wait for it and read the port from it.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{address}")?;
    stdout.flush()?;
    drop(stdout);
    serve(listener, Options::default().with_faults(launch.faults)).await
}

fn init_logging(verbose: bool) {
    let level = if verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}

fn fail(error: &Error) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "rhai-flow-endpoint: {error}");
    ExitCode::FAILURE
}

fn parse(args: impl Iterator<Item = String>) -> Result<Launch, Error> {
    let mut launch = Launch {
        port: DEFAULT_PORT,
        faults: FaultConfig::default(),
        verbose: false,
        help: false,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        match flag.as_str() {
            "--help" | "-h" => launch.help = true,
            "--verbose" => launch.verbose = true,
            _ if !VALUE_FLAGS.contains(&flag.as_str()) => return Err(Error::UnknownFlag(flag)),
            _ => {
                let value = inline
                    .or_else(|| args.next())
                    .ok_or_else(|| Error::InvalidFlag {
                        flag: flag.clone(),
                        reason: "a value is required".to_owned(),
                    })?;
                apply(&mut launch, &flag, &value)?;
            }
        }
    }
    Ok(launch)
}

fn apply(launch: &mut Launch, flag: &str, value: &str) -> Result<(), Error> {
    let faults = &mut launch.faults;
    match flag {
        "--port" => launch.port = number(flag, value)?,
        "--latency-ms" => faults.latency_ms = number(flag, value)?,
        "--jitter-ms" => faults.jitter_ms = number(flag, value)?,
        "--seed" => faults.seed = number(flag, value)?,
        "--status-next" => faults.status_next = Some(forced_status(flag, value)?),
        "--drop-next" => faults.drop_next = number(flag, value)?,
        "--malformed-next" => faults.malformed_next = number(flag, value)?,
        "--rate-5xx" => faults.random.rate_5xx = number(flag, value)?,
        "--rate-429" => faults.random.rate_429 = number(flag, value)?,
        "--rate-drop" => faults.random.rate_drop = number(flag, value)?,
        "--rate-malformed" => faults.random.rate_malformed = number(flag, value)?,
        "--faults" => {
            *faults = serde_json::from_str(value).map_err(|error| invalid(flag, error))?;
        }
        _ => return Err(Error::UnknownFlag(flag.to_owned())),
    }
    Ok(())
}

/// `503` or `503:2`: a status and how many requests get it.
fn forced_status(flag: &str, value: &str) -> Result<ForcedStatus, Error> {
    let (status, count) = value.split_once(':').unwrap_or((value, "1"));
    Ok(ForcedStatus {
        status: number(flag, status)?,
        count: number(flag, count)?,
        retry_after_s: 1,
    })
}

fn number<T>(flag: &str, value: &str) -> Result<T, Error>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|error| invalid(flag, error))
}

fn invalid(flag: &str, reason: impl std::fmt::Display) -> Error {
    Error::InvalidFlag {
        flag: flag.to_owned(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Launch, Error> {
        parse(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn no_flags_listen_on_the_default_port() {
        assert_eq!(parsed(&[]).unwrap().port, DEFAULT_PORT);
    }

    #[test]
    fn flags_take_their_value_after_a_space_or_an_equals_sign() {
        let launch = parsed(&["--port", "0", "--latency-ms=200", "--status-next", "503:2"]);
        let launch = launch.unwrap();
        assert_eq!(launch.port, 0);
        assert_eq!(launch.faults.latency_ms, 200);
        let forced = launch.faults.status_next.unwrap();
        assert_eq!((forced.status, forced.count), (503, 2));
    }

    #[test]
    fn unknown_flags_and_bad_values_are_refused() {
        assert!(matches!(parsed(&["--colour"]), Err(Error::UnknownFlag(_))));
        assert!(matches!(
            parsed(&["--port", "x"]),
            Err(Error::InvalidFlag { .. })
        ));
        assert!(matches!(
            parsed(&["--port"]),
            Err(Error::InvalidFlag { .. })
        ));
    }

    #[test]
    fn the_faults_flag_takes_the_admin_json() {
        let launch = parsed(&["--faults", r#"{"drop_next":2,"random":{"rate_429":0.5}}"#]);
        let faults = launch.unwrap().faults;
        assert_eq!(faults.drop_next, 2);
        assert!((faults.random.rate_429 - 0.5).abs() < f64::EPSILON);
    }
}
