//! Fault injection for `/v1/` requests: latency, forced statuses, dropped connections and
//! malformed bodies, scheduled for the next few requests or drawn at random from a seed.

use std::time::Duration;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Error};
use crate::ids::mix;

/// Latency above this is refused: a client test would rather fail than hang for minutes.
const MAX_LATENCY_MS: u64 = 60_000;

/// What the server does wrong, and how often. This is also the JSON of `/__admin/faults`.
///
/// Scheduled faults (`drop_next`, `status_next`, `malformed_next`) are used up first, in that
/// order, one per request; then each request draws from `random`. Latency applies to every
/// `/v1/` request on top of any other fault.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Delay added before every `/v1/` request is answered, in milliseconds.
    pub latency_ms: u64,
    /// Extra delay drawn uniformly from `0..=jitter_ms` for each request.
    pub jitter_ms: u64,
    /// Seed of the generator behind jitter and random faults; the same seed with the same
    /// configuration gives the same sequence of outcomes.
    pub seed: u64,
    /// Answer the next requests with a forced status instead of processing them.
    #[serde(alias = "next")]
    pub status_next: Option<ForcedStatus>,
    /// Close the connection of this many next requests without an answer.
    pub drop_next: u32,
    /// Answer this many next requests with `200` and a body cut short.
    pub malformed_next: u32,
    /// Probabilities of a fault on each request.
    pub random: RandomFaults,
}

/// A status forced on the next `count` requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForcedStatus {
    /// An error status from 400 to 599, e.g. 500, 503, 429 or 409; or 204, an empty
    /// success, for clients that must cope with a reply without a body.
    pub status: u16,
    /// How many requests get it; it counts down as they arrive.
    #[serde(default = "one")]
    pub count: u32,
    /// The `Retry-After` header in seconds, sent with 429 and 503 replies.
    #[serde(default = "one_u64")]
    pub retry_after_s: u64,
}

/// Probability (0.0 to 1.0) of each random fault per request; together at most 1.0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RandomFaults {
    /// Answer `500` with an `api_error`.
    pub rate_5xx: f64,
    /// Answer `429` with `Retry-After: 1`.
    pub rate_429: f64,
    /// Close the connection without an answer.
    pub rate_drop: f64,
    /// Answer `200` with a body cut short.
    pub rate_malformed: f64,
}

fn one() -> u32 {
    1
}

fn one_u64() -> u64 {
    1
}

impl FaultConfig {
    /// Checks ranges that serde cannot: statuses, probabilities and latency.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFaults`] names the first field out of range.
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |reason: String| Err(Error::InvalidFaults(reason));
        if self.latency_ms.saturating_add(self.jitter_ms) > MAX_LATENCY_MS {
            return invalid(format!(
                "latency_ms + jitter_ms must be at most {MAX_LATENCY_MS}"
            ));
        }
        if let Some(forced) = &self.status_next {
            if forced.status != 204 && !(400..=599).contains(&forced.status) {
                return invalid(format!(
                    "status_next.status {} is not 204 or 400..=599",
                    forced.status
                ));
            }
        }
        self.random.validate()
    }
}

impl RandomFaults {
    fn rates(&self) -> [(f64, Action); 4] {
        [
            (self.rate_5xx, Action::Status(forced(500, 1))),
            (self.rate_429, Action::Status(forced(429, 1))),
            (self.rate_drop, Action::Drop),
            (self.rate_malformed, Action::Malformed),
        ]
    }

    fn validate(&self) -> Result<(), Error> {
        let rates = self.rates().map(|(rate, _)| rate);
        if rates.iter().any(|rate| !(0.0..=1.0).contains(rate)) {
            return Err(Error::InvalidFaults(
                "each random rate must be within 0.0..=1.0".into(),
            ));
        }
        if rates.iter().sum::<f64>() > 1.0 {
            return Err(Error::InvalidFaults(
                "the random rates must add up to at most 1.0".into(),
            ));
        }
        Ok(())
    }
}

fn forced(status: u16, retry_after_s: u64) -> ForcedStatus {
    ForcedStatus {
        status,
        count: 1,
        retry_after_s,
    }
}

/// What happens to one request instead of normal processing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    Status(ForcedStatus),
    Drop,
    Malformed,
}

/// The faults chosen for one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decision {
    pub(crate) delay: Duration,
    pub(crate) action: Option<Action>,
    /// The name the request log shows, e.g. `"status"` or `"random_drop"`.
    pub(crate) name: Option<&'static str>,
}

/// The current configuration and the generator it seeded.
#[derive(Debug)]
pub(crate) struct Faults {
    config: FaultConfig,
    state: u64,
}

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Self {
        let state = seed_state(config.seed);
        Self { config, state }
    }

    pub(crate) fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Chooses the faults for the next `/v1/` request and uses up scheduled ones.
    pub(crate) fn decide(&mut self) -> Decision {
        // Both draws happen on every request so that the sequence depends only on the seed.
        let jitter_draw = self.next_u64();
        let roll = self.next_unit();
        let jitter = match self.config.jitter_ms {
            0 => 0,
            jitter => jitter_draw % (jitter + 1),
        };
        let delay = Duration::from_millis(self.config.latency_ms + jitter);
        let (action, name) = match self.scheduled() {
            Some((action, name)) => (Some(action), Some(name)),
            None => self.random(roll),
        };
        let name = name.or((!delay.is_zero()).then_some("latency"));
        Decision {
            delay,
            action,
            name,
        }
    }

    fn scheduled(&mut self) -> Option<(Action, &'static str)> {
        let config = &mut self.config;
        if config.drop_next > 0 {
            config.drop_next -= 1;
            return Some((Action::Drop, "drop"));
        }
        if let Some(forced) = config.status_next.as_mut() {
            let action = Action::Status(forced.clone());
            forced.count = forced.count.saturating_sub(1);
            if forced.count == 0 {
                config.status_next = None;
            }
            return Some((action, "status"));
        }
        if config.malformed_next > 0 {
            config.malformed_next -= 1;
            return Some((Action::Malformed, "malformed"));
        }
        None
    }

    fn random(&self, roll: f64) -> (Option<Action>, Option<&'static str>) {
        let names = [
            "random_5xx",
            "random_429",
            "random_drop",
            "random_malformed",
        ];
        let mut threshold = 0.0;
        for ((rate, action), name) in self.config.random.rates().into_iter().zip(names) {
            threshold += rate;
            if roll < threshold {
                return (Some(action), Some(name));
            }
        }
        (None, None)
    }

    /// xorshift64*: small, fast and plenty for choosing faults.
    fn next_u64(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A draw from `0.0..1.0` with 53 bits of precision.
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }
}

/// xorshift must not start from zero, so the seed goes through a bijective mix first.
fn seed_state(seed: u64) -> u64 {
    match mix(seed) {
        0 => 0x9E37_79B9_7F4A_7C15,
        state => state,
    }
}

/// The Stripe-shaped reply for a forced status, with the retry headers Stripe sends.
pub(crate) fn forced_reply(forced: &ForcedStatus) -> ApiError {
    let status = StatusCode::from_u16(forced.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let (kind, code, message) = match status.as_u16() {
        429 => (
            "invalid_request_error",
            Some("rate_limit"),
            "Request rate limit exceeded.",
        ),
        409 => (
            "invalid_request_error",
            Some("lock_timeout"),
            "This object cannot be accessed right now because another API request is \
             accessing it. Retry after a moment.",
        ),
        503 => (
            "api_error",
            None,
            "The service is temporarily unavailable. Try again later.",
        ),
        500..=599 => (
            "api_error",
            None,
            "An unexpected error occurred on the server.",
        ),
        _ => (
            "invalid_request_error",
            None,
            "The request was refused by fault injection.",
        ),
    };
    let mut reply = ApiError::with_status(status, kind, message);
    if let Some(code) = code {
        reply = reply.with_code(code);
    }
    let retryable = matches!(status.as_u16(), 409 | 429 | 500..=599);
    reply = reply.with_header("stripe-should-retry", retryable.to_string());
    if matches!(status.as_u16(), 429 | 503) {
        reply = reply.with_header("retry-after", forced.retry_after_s.to_string());
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(faults: &mut Faults, count: usize) -> Vec<Option<&'static str>> {
        (0..count).map(|_| faults.decide().name).collect()
    }

    #[test]
    fn a_forced_status_lasts_exactly_count_requests() {
        let config = FaultConfig {
            status_next: Some(forced(503, 1)).map(|f| ForcedStatus { count: 2, ..f }),
            ..FaultConfig::default()
        };
        let mut faults = Faults::new(config);
        assert_eq!(
            names(&mut faults, 3),
            [Some("status"), Some("status"), None]
        );
    }

    #[test]
    fn drops_come_before_statuses_and_malformed_bodies() {
        let config = FaultConfig {
            status_next: Some(forced(500, 1)),
            drop_next: 1,
            malformed_next: 1,
            ..FaultConfig::default()
        };
        let mut faults = Faults::new(config);
        let expected = [Some("drop"), Some("status"), Some("malformed"), None];
        assert_eq!(names(&mut faults, 4), expected);
    }

    #[test]
    fn the_same_seed_gives_the_same_random_faults() {
        let config = FaultConfig {
            seed: 7,
            jitter_ms: 20,
            random: RandomFaults {
                rate_5xx: 0.2,
                rate_429: 0.2,
                rate_drop: 0.2,
                rate_malformed: 0.2,
            },
            ..FaultConfig::default()
        };
        let first: Vec<Decision> = {
            let mut faults = Faults::new(config.clone());
            (0..50).map(|_| faults.decide()).collect()
        };
        let mut faults = Faults::new(config);
        let second: Vec<Decision> = (0..50).map(|_| faults.decide()).collect();
        assert_eq!(first, second);
        assert!(first.iter().any(|decision| decision.action.is_none()));
        assert!(first
            .iter()
            .any(|decision| decision.action == Some(Action::Drop)));
    }

    #[test]
    fn rates_above_one_are_refused() {
        let mut config = FaultConfig::default();
        config.random.rate_drop = 0.6;
        config.random.rate_5xx = 0.6;
        assert!(config.validate().is_err());
    }
}
