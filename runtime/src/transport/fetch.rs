//! Requests through the browser's `fetch`, each with its own `AbortController`.

use gloo_net::http::{Method, RequestBuilder};
use web_sys::AbortController;
use web_sys::RequestRedirect;

use super::{Request, Response, ResponseFuture, Transport, TransportError, TransportErrorKind};

/// Headers a flow or a host may need from an answer; `fetch` exposes only those the
/// endpoint lists in `Access-Control-Expose-Headers`.
const KEPT_HEADERS: [&str; 6] = [
    "content-type",
    "request-id",
    "idempotent-replayed",
    "retry-after",
    "stripe-should-retry",
    "stripe-version",
];

/// Sends requests with the browser's `fetch` API through gloo-net.
///
/// Each request gets its own `AbortController`: when the runtime drops the request's future
/// (on a timeout or a stop), the request is aborted in the browser as well.
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn send(&self, request: Request) -> ResponseFuture {
        Box::pin(fetch(request))
    }
}

/// Aborts the request when dropped before the answer is complete.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

async fn fetch(request: Request) -> Result<Response, TransportError> {
    let controller = AbortController::new().map_err(|_| aborted("no AbortController"))?;
    let signal = controller.signal();
    let mut guard = AbortOnDrop(Some(controller));

    let url = request.url.clone();
    let method = Method::from_bytes(request.method.as_bytes())
        .map_err(|_| network(&url, &format!("method {} is not valid", request.method)))?;
    let mut builder = RequestBuilder::new(&request.url)
        .method(method)
        .abort_signal(Some(&signal))
        // A flow reaches only its endpoint: a redirect elsewhere is an error, not followed.
        .redirect(RequestRedirect::Error);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let prepared = match request.body {
        Some(body) => builder.body(body),
        None => builder.build(),
    };
    let prepared = prepared.map_err(|error| describe(&url, error))?;
    let answer = prepared
        .send()
        .await
        .map_err(|error| describe(&url, error))?;
    let status = answer.status();
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            answer
                .headers()
                .get(name)
                .map(|value| ((*name).to_owned(), value))
        })
        .collect();
    let body = answer.text().await.map_err(|error| describe(&url, error))?;
    // The answer is complete: nothing is left to abort.
    guard.0 = None;
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn describe(url: &str, error: gloo_net::Error) -> TransportError {
    match error {
        gloo_net::Error::JsError(js) if js.name == "AbortError" => aborted(&js.message),
        gloo_net::Error::JsError(js) => network(url, &js.message),
        other => network(url, &other.to_string()),
    }
}

fn network(url: &str, reason: &str) -> TransportError {
    TransportError::network(format!(
        "could not reach {url} ({reason}): the endpoint may be down or refusing connections, \
         or it does not allow this page's origin (CORS)"
    ))
}

fn aborted(reason: &str) -> TransportError {
    let message = format!("the request was aborted ({reason})");
    TransportError {
        kind: TransportErrorKind::Aborted,
        message,
    }
}
