//! Which failed attempts are sent again, and how long to wait first.

use crate::config::RetryPolicy;
use crate::platform;
use crate::transport::{Response, TransportError, TransportErrorKind};

/// How one attempt ended.
pub(crate) enum Attempt {
    Answered(Result<Response, TransportError>),
    TimedOut,
    Cancelled,
}

/// Why `attempt` deserves another try, or `None` if its outcome stands.
pub(crate) fn reason(attempt: &Attempt) -> Option<String> {
    match attempt {
        Attempt::Answered(Ok(answer)) => retryable_status(answer),
        Attempt::Answered(Err(error)) if error.kind == TransportErrorKind::Aborted => None,
        Attempt::Answered(Err(error)) => Some(format!("network error: {error}")),
        Attempt::TimedOut => Some("timed out".to_owned()),
        Attempt::Cancelled => None,
    }
}

fn retryable_status(answer: &Response) -> Option<String> {
    let status = answer.status;
    let retryable = matches!(status, 409 | 429 | 500..=599);
    match answer.header("stripe-should-retry") {
        Some("false") => None,
        Some("true") if retryable => {
            Some(format!("HTTP {status}, and the endpoint asks for a retry"))
        }
        _ if retryable => Some(format!("HTTP {status}")),
        _ => None,
    }
}

/// The wait before retry number `retry` (from 1): exponential, with jitter so that many
/// clients do not retry in step, and never shorter than `Retry-After`. `None` when the
/// endpoint asks for a longer wait than the policy allows.
pub(crate) fn delay_ms(policy: &RetryPolicy, retry: u32, attempt: &Attempt) -> Option<u32> {
    let doubling = 1u64 << retry.saturating_sub(1).min(20);
    let backoff = (u64::from(policy.initial_delay_ms) * doubling).min(policy.max_delay_ms.into());
    let jitter = 0.5 + 0.5 * (platform::random_bits() as f64 / (1u64 << 48) as f64);
    let backoff = (backoff as f64 * jitter) as u64;
    let asked = retry_after_ms(attempt).unwrap_or(0);
    if asked > u64::from(policy.max_delay_ms) {
        return None;
    }
    u32::try_from(backoff.max(asked)).ok()
}

fn retry_after_ms(attempt: &Attempt) -> Option<u64> {
    let Attempt::Answered(Ok(answer)) = attempt else {
        return None;
    };
    let seconds: f64 = answer.header("retry-after")?.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then_some((seconds * 1000.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)]) -> Attempt {
        let headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Attempt::Answered(Ok(Response {
            status,
            headers,
            body: String::new(),
        }))
    }

    #[test]
    fn conflicts_rate_limits_and_server_errors_are_retried() {
        for status in [409, 429, 500, 502, 503] {
            assert!(reason(&answer(status, &[])).is_some(), "{status}");
        }
    }

    #[test]
    fn other_client_errors_and_successes_are_not_retried() {
        for status in [200, 204, 400, 401, 402, 404] {
            assert!(reason(&answer(status, &[])).is_none(), "{status}");
        }
        assert!(reason(&answer(400, &[("Stripe-Should-Retry", "true")])).is_none());
    }

    #[test]
    fn stripe_should_retry_false_overrides_the_status() {
        assert!(reason(&answer(503, &[("Stripe-Should-Retry", "false")])).is_none());
    }

    #[test]
    fn network_errors_and_timeouts_are_retried_but_aborts_are_not() {
        assert!(reason(&Attempt::Answered(Err(TransportError::network("refused")))).is_some());
        assert!(reason(&Attempt::TimedOut).is_some());
        let aborted = TransportError {
            kind: TransportErrorKind::Aborted,
            message: "x".into(),
        };
        assert!(reason(&Attempt::Answered(Err(aborted))).is_none());
    }

    #[test]
    fn delays_double_with_jitter_and_stay_under_the_cap() {
        let policy = RetryPolicy {
            max_retries: 5,
            initial_delay_ms: 100,
            max_delay_ms: 1_000,
        };
        let timed_out = Attempt::TimedOut;
        for retry in 1..=6 {
            let delay = delay_ms(&policy, retry, &timed_out).unwrap();
            let full = (100u32 << (retry - 1)).min(1_000);
            assert!(
                (full / 2..=full).contains(&delay),
                "retry {retry}: {delay} of {full}"
            );
        }
    }

    #[test]
    fn retry_after_lengthens_the_wait_and_a_longer_ask_ends_the_retries() {
        let policy = RetryPolicy {
            max_retries: 2,
            initial_delay_ms: 10,
            max_delay_ms: 5_000,
        };
        let asked = answer(429, &[("Retry-After", "2")]);
        assert_eq!(delay_ms(&policy, 1, &asked), Some(2_000));
        let too_long = answer(503, &[("Retry-After", "60")]);
        assert_eq!(delay_ms(&policy, 1, &too_long), None);
    }
}
