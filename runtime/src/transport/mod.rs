//! How requests reach the endpoint: a small async trait, so the same dispatcher runs over
//! `fetch` in a browser, over a native client, or over an in-memory handler in tests.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

mod memory;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(all(feature = "http", not(target_arch = "wasm32")))]
mod http;

#[cfg(target_arch = "wasm32")]
pub use fetch::FetchTransport;
#[cfg(all(feature = "http", not(target_arch = "wasm32")))]
pub use http::HttpTransport;
pub use memory::MemoryTransport;

/// The future a transport returns for one request.
///
/// Dropping it must cancel the request where the platform allows: a runtime drops it when
/// the request times out or the run is stopped.
pub type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response, TransportError>>>>;

/// Sends requests to the endpoint.
pub trait Transport {
    /// Starts sending `request`; the future resolves with the endpoint's answer.
    fn send(&self, request: Request) -> ResponseFuture;
}

/// An HTTP request, complete with headers and encoded body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST` or `DELETE`.
    pub method: String,
    /// The full URL, with the query string for `GET` and `DELETE`.
    pub url: String,
    /// Header names and values, in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The form-encoded body, for `POST`.
    pub body: Option<String>,
}

impl Request {
    /// The value of the header `name`, compared without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// An answer from the endpoint, whatever its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl Response {
    /// A response with a status and a JSON body.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        Self {
            status,
            headers,
            body: body.into(),
        }
    }

    /// The value of the header `name`, compared without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A request that ended with no HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError {
    /// What sort of failure it was.
    pub kind: TransportErrorKind,
    /// What happened and what may have caused it, for a person to read.
    pub message: String,
}

/// What sort of failure ended a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made, or it broke before the answer was complete.
    Network,
    /// The request took longer than its timeout.
    Timeout,
    /// The request was cancelled.
    Aborted,
}

impl TransportError {
    /// A failure of the network or the connection.
    pub fn network(message: impl Into<String>) -> Self {
        Self {
            kind: TransportErrorKind::Network,
            message: message.into(),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}
