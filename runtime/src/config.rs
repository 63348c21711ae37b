//! How a runtime reaches its endpoint and how far a script may go.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::call::check_path;
use crate::Error;

/// The longest a request may be given, in milliseconds: ten minutes.
pub const MAX_REQUEST_TIMEOUT_MS: u32 = 600_000;

/// The base URL of the test endpoint that ships with rhai-flow.
pub const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:12111/v1";

/// The API key the test endpoint accepts out of the box.
pub const DEFAULT_API_KEY: &str = "sk_test_rhai_flow";

/// Where requests go and the limits every flow runs under.
///
/// The defaults work against the project's test endpoint on `127.0.0.1:12111`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Base URL that call paths are joined to, such as `https://api.stripe.com/v1`.
    pub endpoint: String,
    /// Secret key sent as `Authorization: Bearer <key>`. Never shown in events.
    pub api_key: String,
    /// How long one request may take before it ends as a timeout, in milliseconds, counted
    /// from when it leaves, not from when the script made the call.
    pub request_timeout_ms: u32,
    /// Requests on the wire at once; further calls wait their turn in call order. Browsers
    /// fail fetches by the thousand beyond a few thousand at once.
    pub max_in_flight: u32,
    /// When and how often a failed request is sent again.
    pub retry: RetryPolicy,
    /// Limits on script execution and on chains of flows.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            api_key: DEFAULT_API_KEY.to_owned(),
            request_timeout_ms: 10_000,
            max_in_flight: 256,
            retry: RetryPolicy::default(),
            limits: Limits::default(),
        }
    }
}

impl Config {
    /// Checks the settings a runtime cannot work with, naming the one at fault.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an endpoint that is not an `http(s)` URL with a host, a port that
    /// does not exist, a user name in the URL, an empty key or one that cannot be sent in a
    /// header, a timeout of 0 or over
    /// [`MAX_REQUEST_TIMEOUT_MS`], no place for a request in flight, or (in a browser) a live
    /// secret key.
    pub fn validate(&self) -> Result<(), Error> {
        check_key(&self.api_key)?;
        let printable = |c: char| c.is_ascii_graphic();
        if self.api_key.is_empty() || !self.api_key.chars().all(printable) {
            let message = "must be a key such as sk_test_..., without spaces or line breaks";
            return Err(invalid("apiKey", message.to_owned()));
        }
        check_endpoint(&self.endpoint).map_err(|message| invalid("endpoint", message))?;
        let timeout = self.request_timeout_ms;
        if !(1..=MAX_REQUEST_TIMEOUT_MS).contains(&timeout) {
            let message = format!("must be from 1 to {MAX_REQUEST_TIMEOUT_MS} ms, not {timeout}");
            return Err(invalid("requestTimeoutMs", message));
        }
        if self.max_in_flight == 0 {
            return Err(invalid("maxInFlight", "must be at least 1".to_owned()));
        }
        Ok(())
    }
}

fn invalid(field: &'static str, message: String) -> Error {
    Error::Config { field, message }
}

/// Whether `key` is a live secret or restricted key (`sk_live_...`, `rk_live_...`), blanks
/// pasted before it included.
pub fn is_live_key(key: &str) -> bool {
    let key = key.trim_start();
    key.starts_with("sk_live_") || key.starts_with("rk_live_")
}

/// In a browser, anyone who opens the page can read the key, so live secret keys are
/// refused there; natively they are the normal case.
fn check_key(key: &str) -> Result<(), Error> {
    if cfg!(target_arch = "wasm32") && is_live_key(key) {
        let message = "a live secret key must not be used in a web page, where anyone who opens \
                       it can read the key: use a test key (sk_test_...) here, and keep live \
                       keys on a server";
        return Err(invalid("apiKey", message.to_owned()));
    }
    Ok(())
}

/// Accepts `http(s)://host[:port][/path]`, the forms a base URL takes.
fn check_endpoint(endpoint: &str) -> Result<(), String> {
    // A URL's scheme is case-insensitive: `HTTPS://` is `https://`.
    let rest = endpoint
        .split_once("://")
        .filter(|(scheme, _)| {
            ["http", "https"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme))
        })
        .map(|(_, rest)| rest);
    let rest = rest.ok_or(format!("`{endpoint}` must start with http:// or https://"))?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.contains('@') {
        return Err(format!(
            "`{endpoint}` must not hold a user name: the key goes in apiKey"
        ));
    }
    let (host, port) = split_port(authority);
    let host_ok = match host.strip_prefix('[') {
        Some(ipv6) => ipv6
            .strip_suffix(']')
            .is_some_and(|inner| inner.parse::<Ipv6Addr>().is_ok()),
        None => is_host_name(host),
    };
    if !host_ok {
        return Err(format!("`{endpoint}` has no valid host name"));
    }
    if let Some(port) = port {
        let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        if !digits || !port.parse::<u16>().is_ok_and(|port| port > 0) {
            return Err(format!(
                "`{endpoint}` has port `{port}`, which is not 1 to 65535"
            ));
        }
    }
    let path = path.trim_end_matches('/');
    if !path.is_empty() {
        check_path(path).map_err(|message| format!("`{endpoint}`: {message}"))?;
    }
    Ok(())
}

/// `host:port` into its parts; an IPv6 host keeps its brackets.
/// A dotted IPv4 address, or a DNS name: labels of letters, digits and inner hyphens.
fn is_host_name(host: &str) -> bool {
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return host.parse::<Ipv4Addr>().is_ok();
    }
    host.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

fn split_port(authority: &str) -> (&str, Option<&str>) {
    let host_end = match authority.starts_with('[') {
        true => authority.find(']').map_or(authority.len(), |end| end + 1),
        false => authority.find(':').unwrap_or(authority.len()),
    };
    let (host, rest) = authority.split_at(host_end);
    (host, rest.strip_prefix(':'))
}

/// Safety limits, applied to every script the runtime runs.
///
/// A script that reaches one fails with an error naming the limit; the run goes on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    /// Operations one script run may perform; cuts off endless loops.
    pub max_operations: u64,
    /// Nesting of function calls; cuts off runaway recursion.
    pub max_call_levels: usize,
    /// Nesting of expressions at the top level of a script.
    pub max_expr_depth: usize,
    /// Nesting of expressions inside functions.
    pub max_function_expr_depth: usize,
    /// Longest string a script may build, in bytes.
    pub max_string_size: usize,
    /// Largest array a script may build.
    pub max_array_size: usize,
    /// Largest object map a script may build.
    pub max_map_size: usize,
    /// Longest chain of flows, each started by a call of the one before.
    pub max_chain_depth: u32,
    /// Calls one flow may make; cuts off a loop of calls before it floods the endpoint.
    pub max_calls_per_flow: u32,
    /// Calls one run may make, counting every flow down the chain from its main script;
    /// cuts off flows that fan out.
    pub max_calls_per_run: u32,
    /// Most error flows in a row within one chain; the next error event is not dispatched,
    /// so an error flow that keeps failing cannot loop forever.
    pub max_error_chain: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_operations: 1_000_000,
            max_call_levels: 48,
            max_expr_depth: 64,
            max_function_expr_depth: 32,
            max_string_size: 1 << 20,
            max_array_size: 100_000,
            max_map_size: 10_000,
            max_chain_depth: 64,
            max_calls_per_flow: 10_000,
            max_calls_per_run: 50_000,
            max_error_chain: 3,
        }
    }
}

/// Retries as Stripe's own clients do them: after network errors and timeouts, and after
/// 409, 429 and 5xx answers, never after other 4xx; `Stripe-Should-Retry` overrides the
/// status, and `Retry-After` lengthens the wait. Every attempt of one call sends the same
/// `Idempotency-Key`, so the endpoint carries a retried request out once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts after the first; 0 turns retries off.
    pub max_retries: u32,
    /// Wait before the first retry, in milliseconds; it doubles with each retry.
    pub initial_delay_ms: u32,
    /// Longest wait between two attempts, in milliseconds, whatever `Retry-After` asks.
    pub max_delay_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_delay_ms: 500,
            max_delay_ms: 8_000,
        }
    }
}
