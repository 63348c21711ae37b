//! CORS for pages served from loopback, such as the playground and browser tests.
//!
//! Only loopback origins get CORS headers: a page from anywhere else must not be able to
//! drive a server that a developer left running.

use std::time::Duration;

use axum::http::request::Parts;
use axum::http::{header, HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Hosts that count as loopback; `[::1]` is how an IPv6 host appears in an origin.
const LOOPBACK_HOSTS: &[&str] = &["127.0.0.1", "localhost", "[::1]"];

pub(crate) fn layer() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(allows))
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            HeaderName::from_static("request-id"),
            HeaderName::from_static("idempotent-replayed"),
            header::RETRY_AFTER,
            HeaderName::from_static("stripe-should-retry"),
        ])
        .max_age(Duration::from_secs(600))
}

fn allows(origin: &HeaderValue, _request: &Parts) -> bool {
    origin.to_str().is_ok_and(is_loopback_origin)
}

/// `http(s)://` followed by a loopback host and an optional port, and nothing else.
pub(crate) fn is_loopback_origin(origin: &str) -> bool {
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    LOOPBACK_HOSTS.iter().any(|host| {
        authority
            .strip_prefix(host)
            .is_some_and(|rest| rest.is_empty() || rest.strip_prefix(':').is_some_and(is_port))
    })
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|byte| byte.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_with_any_port_are_allowed() {
        for origin in [
            "http://127.0.0.1:8080",
            "https://localhost:3000",
            "http://[::1]:5173",
            "http://localhost",
        ] {
            assert!(is_loopback_origin(origin), "{origin} should be allowed");
        }
    }

    #[test]
    fn other_origins_are_refused() {
        for origin in [
            "http://example.com",
            "http://127.0.0.1.example.com",
            "http://localhost.evil:80",
            "http://localhost:80/path",
            "ftp://localhost",
            "null",
        ] {
            assert!(!is_loopback_origin(origin), "{origin} should be refused");
        }
    }
}
