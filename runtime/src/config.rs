//! How a runtime reaches its endpoint and how far a script may go.

use serde::{Deserialize, Serialize};

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
    /// How long one request may take before it ends as a timeout, in milliseconds.
    pub request_timeout_ms: u32,
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
            retry: RetryPolicy::default(),
            limits: Limits::default(),
        }
    }
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
