//! Requests over the network from a native host, through reqwest.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{Request, Response, ResponseFuture, Transport, TransportError};

/// How many requests an [`HttpTransport`] has on the wire at once unless told otherwise.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// Sends requests with reqwest, natively. Requests beyond the in-flight limit wait for a
/// free place, so a flow that fires thousands of calls does not open thousands of sockets.
///
/// Needs the `http` feature and a tokio runtime.
#[derive(Clone, Debug)]
pub struct HttpTransport {
    client: reqwest::Client,
    places: Arc<Semaphore>,
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_IN_FLIGHT)
    }
}

impl HttpTransport {
    /// A transport with at most `max_in_flight` requests on the wire at once.
    pub fn new(max_in_flight: usize) -> Self {
        let client = reqwest::Client::new();
        Self {
            client,
            places: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: Request) -> ResponseFuture {
        let client = self.client.clone();
        let places = Arc::clone(&self.places);
        Box::pin(async move {
            // Dropping this future, on a timeout or a stop, frees the place and cancels the
            // request.
            let _place = places.acquire_owned().await.map_err(|_| closed())?;
            send(&client, request).await
        })
    }
}

async fn send(client: &reqwest::Client, request: Request) -> Result<Response, TransportError> {
    let url = request.url.clone();
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| TransportError::network(format!("method {} is not valid", request.method)))?;
    let mut builder = client.request(method, &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = request.body {
        builder = builder.body(body);
    }
    let answer = builder
        .send()
        .await
        .map_err(|error| describe(&url, &error))?;
    let status = answer.status().as_u16();
    let headers = answer
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let body = answer
        .text()
        .await
        .map_err(|error| describe(&url, &error))?;
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn describe(url: &str, error: &reqwest::Error) -> TransportError {
    use std::error::Error as _;

    let mut reason = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        reason = format!("{reason}: {cause}");
        source = cause.source();
    }
    TransportError::network(format!(
        "could not reach {url} ({reason}): the endpoint may be down or refusing connections"
    ))
}

fn closed() -> TransportError {
    TransportError::network("the transport was shut down")
}
