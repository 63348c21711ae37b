//! The crate's own error type and the Stripe-shaped error replies the server sends.

use std::fmt;

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// What can go wrong when starting or configuring the server.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be opened or inspected.
    Socket(std::io::Error),
    /// A command-line flag was not recognised.
    UnknownFlag(String),
    /// A command-line flag was given a value it cannot take.
    InvalidFlag {
        /// The flag as written, e.g. `--port`.
        flag: String,
        /// Why the value was refused.
        reason: String,
    },
    /// A fault configuration was refused; the text says which field is wrong.
    InvalidFaults(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Socket(source) => write!(f, "could not use the listening socket: {source}"),
            Self::UnknownFlag(flag) => {
                write!(
                    f,
                    "unknown flag `{flag}`; run with --help to list the flags"
                )
            }
            Self::InvalidFlag { flag, reason } => write!(f, "invalid value for {flag}: {reason}"),
            Self::InvalidFaults(reason) => write!(f, "invalid fault configuration: {reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Socket(source) => Some(source),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Self {
        Self::Socket(source)
    }
}

/// An error reply in Stripe's shape: `{"error": {"type", "code", "decline_code", ...}}`.
///
/// Boxed because nearly every handler function returns it, and the happy path should not
/// pay for moving its fields around.
#[derive(Debug, Clone)]
pub(crate) struct ApiError(Box<Reply>);

#[derive(Debug, Clone)]
struct Reply {
    status: StatusCode,
    kind: &'static str,
    code: Option<&'static str>,
    decline_code: Option<&'static str>,
    message: String,
    param: Option<String>,
    extra: Map<String, Value>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self(Box::new(Reply {
            status,
            kind,
            code: None,
            decline_code: None,
            message: message.into(),
            param: None,
            extra: Map::new(),
            headers: Vec::new(),
        }))
    }

    /// A 400 `invalid_request_error` with the given message.
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
    }

    pub(crate) fn with_code(mut self, code: &'static str) -> Self {
        self.0.code = Some(code);
        self
    }

    pub(crate) fn with_param(mut self, param: impl Into<String>) -> Self {
        self.0.param = Some(param.into());
        self
    }

    pub(crate) fn with_field(mut self, name: &str, value: Value) -> Self {
        self.0.extra.insert(name.to_owned(), value);
        self
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Self {
        if let Ok(value) = HeaderValue::try_from(value) {
            self.0.headers.push((HeaderName::from_static(name), value));
        }
        self
    }

    pub(crate) fn parameter_unknown(param: &str) -> Self {
        Self::invalid_request(format!("Received unknown parameter: {param}"))
            .with_code("parameter_unknown")
            .with_param(param)
    }

    pub(crate) fn parameter_missing(param: &str) -> Self {
        Self::invalid_request(format!("Missing required param: {param}."))
            .with_code("parameter_missing")
            .with_param(param)
    }

    /// A 404 for an object that does not exist, worded as Stripe words it.
    pub(crate) fn resource_missing(object: &str, id: &str, param: &str) -> Self {
        let message = format!("No such {object}: '{id}'");
        Self::new(StatusCode::NOT_FOUND, "invalid_request_error", message)
            .with_code("resource_missing")
            .with_param(param)
    }

    pub(crate) fn unrecognized_url(method: &str, path: &str) -> Self {
        let message = format!("Unrecognized request URL ({method}: {path}).");
        Self::new(StatusCode::NOT_FOUND, "invalid_request_error", message)
    }

    pub(crate) fn body_too_large(limit: usize) -> Self {
        let message = format!("The request body is larger than the {limit} bytes allowed.");
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            message,
        )
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_request_error", message)
    }

    /// A 402 `card_error`; `decline_code` is absent for errors that are not declines.
    pub(crate) fn card_error(
        code: &'static str,
        decline_code: Option<&'static str>,
        message: &str,
    ) -> Self {
        let mut error = Self::new(StatusCode::PAYMENT_REQUIRED, "card_error", message);
        error.0.code = Some(code);
        error.0.decline_code = decline_code;
        error
    }

    pub(crate) fn idempotency(status: StatusCode, message: String) -> Self {
        Self::new(status, "idempotency_error", message)
    }

    /// A reply with any status, used by fault injection.
    pub(crate) fn with_status(status: StatusCode, kind: &'static str, message: &str) -> Self {
        Self::new(status, kind, message)
    }

    /// The inner object of the reply, as it also appears in `last_payment_error`.
    pub(crate) fn body(&self) -> Value {
        let mut body = json!({
            "type": self.0.kind,
            "code": self.0.code,
            "decline_code": self.0.decline_code,
            "message": self.0.message,
            "param": self.0.param,
        });
        if let Value::Object(map) = &mut body {
            map.extend(self.0.extra.clone());
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.body() });
        let mut response = (self.0.status, Json(body)).into_response();
        response.headers_mut().extend(self.0.headers);
        response
    }
}
