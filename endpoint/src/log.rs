//! The request log that tests read from `GET /__admin/requests`.

use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use serde::Serialize;
use serde_json::Value;

use crate::auth;

/// One `/v1/` request as it arrived and as it was answered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LogEntry {
    pub(crate) request_id: String,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) idempotency_key: Option<String>,
    /// The `Authorization` header with all but the key's prefix and last four characters
    /// hidden, so a log can be shared.
    pub(crate) authorization: Option<String>,
    pub(crate) content_type: Option<String>,
    /// The decoded parameters, or `null` when the body could not be decoded.
    pub(crate) body: Value,
    /// The status answered, or `null` when the connection was dropped.
    pub(crate) status: Option<u16>,
    pub(crate) fault: Option<&'static str>,
    pub(crate) latency_ms: u64,
    pub(crate) replayed: bool,
    /// The client went away before the answer was ready.
    pub(crate) abandoned: bool,
}

impl LogEntry {
    pub(crate) fn new(parts: &Parts, request_id: String) -> Self {
        Self {
            request_id,
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            idempotency_key: header_text(&parts.headers, "idempotency-key"),
            authorization: header_text(&parts.headers, header::AUTHORIZATION.as_str())
                .map(|value| auth::redact_header(&value)),
            content_type: header_text(&parts.headers, header::CONTENT_TYPE.as_str()),
            body: Value::Null,
            status: None,
            fault: None,
            latency_ms: 0,
            replayed: false,
            abandoned: false,
        }
    }
}

/// A header's value as text, if it is present and printable.
pub(crate) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}
