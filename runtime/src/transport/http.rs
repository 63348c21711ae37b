//! Requests over the network from a native host, through reqwest.

use super::{Request, Response, ResponseFuture, Transport, TransportError};

/// Sends requests with reqwest, natively. Redirects are not followed: a flow reaches only
/// its endpoint.
///
/// Needs the `http` feature and a tokio runtime.
#[derive(Clone, Debug)]
pub struct HttpTransport {
    client: reqwest::Client,
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpTransport {
    /// A transport with its own connection pool.
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build();
        Self {
            client: client.unwrap_or_default(),
        }
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: Request) -> ResponseFuture {
        let client = self.client.clone();
        // Dropping this future, on a timeout or a stop, cancels the request.
        Box::pin(async move { send(&client, request).await })
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
