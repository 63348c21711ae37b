//! What every `/v1/` request goes through before and after its resource handler:
//! body decoding, faults, authentication, idempotency and the request log.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::app::App;
use crate::auth;
use crate::error::ApiError;
use crate::faults::{self, Action};
use crate::form;
use crate::idempotency::{self, Begin, StoredReply};
use crate::log::{header_text, LogEntry};
use crate::params::Params;

/// Bodies above one megabyte are refused with 413, as Stripe refuses large requests.
pub(crate) const BODY_LIMIT: usize = 1 << 20;

/// Set on a response to make the connection layer close the socket instead of answering.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// The id given to a request, shared with the layers that need it.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub(crate) String);

/// Runs a `/v1/` request through the pipeline and logs it; other paths pass through.
pub(crate) async fn v1(State(app): State<App>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/v1/") {
        return next.run(request).await;
    }
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let (parts, body) = request.into_parts();
    let mut logged = Logged {
        app: app.clone(),
        entry: Some(LogEntry::new(&parts, request_id)),
    };
    let entry = logged
        .entry
        .as_mut()
        .expect("taken only when the request ends");
    let response = answer(&app, parts, body, entry, next).await;
    let dropped = response.extensions().get::<DropConnection>().is_some();
    entry.status = (!dropped).then(|| response.status().as_u16());
    tracing::debug!(
        method = %entry.method,
        path = %entry.path,
        status = ?entry.status,
        fault = ?entry.fault,
        "answered"
    );
    logged.finish();
    response
}

/// A request's log entry, recorded when the request ends, or when the client gives up and
/// the handler is dropped before the answer: that request is logged as abandoned.
struct Logged {
    app: App,
    entry: Option<LogEntry>,
}

impl Logged {
    fn finish(&mut self) {
        if let Some(entry) = self.entry.take() {
            self.app.record(entry);
        }
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        if let Some(mut entry) = self.entry.take() {
            entry.abandoned = true;
            entry.status = None;
            self.app.record(entry);
        }
    }
}

async fn answer(app: &App, parts: Parts, body: Body, entry: &mut LogEntry, next: Next) -> Response {
    let params = match read_params(&parts, body).await {
        Ok(params) => params,
        Err(error) => return error.into_response(),
    };
    entry.body = Value::Object(params.as_map().clone());

    let decision = app.decide_faults();
    entry.fault = decision.name;
    entry.latency_ms = u64::try_from(decision.delay.as_millis()).unwrap_or(u64::MAX);
    // Sleeping here is cancel-safe: a client that gives up simply drops this future.
    tokio::time::sleep(decision.delay).await;
    match &decision.action {
        Some(Action::Drop) => return dropped(),
        Some(Action::Status(forced)) if forced.status == 204 => {
            return StatusCode::NO_CONTENT.into_response();
        }
        Some(Action::Status(forced)) => return faults::forced_reply(forced).into_response(),
        Some(Action::Malformed) | None => {}
    }

    let response = authorised(app, parts, params, entry, next).await;
    match decision.action {
        Some(Action::Malformed) => malformed(response).await,
        _ => response,
    }
}

/// Parameters from the query string and the form body; the body wins on a clash.
async fn read_params(parts: &Parts, body: Body) -> Result<Params, ApiError> {
    let bytes = to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError::body_too_large(BODY_LIMIT))?;
    let mut params = match parts.uri.query() {
        Some(query) => form::decode(query.as_bytes())?,
        None => Map::new(),
    };
    if !bytes.is_empty() {
        check_content_type(parts)?;
        params.extend(form::decode(&bytes)?);
    }
    Ok(Params::new(params))
}

fn check_content_type(parts: &Parts) -> Result<(), ApiError> {
    let Some(content_type) = header_text(&parts.headers, header::CONTENT_TYPE.as_str()) else {
        return Ok(());
    };
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok(());
    }
    Err(ApiError::invalid_request(format!(
        "Invalid request: Content-Type '{content_type}' is not supported. Send parameters \
         as application/x-www-form-urlencoded."
    )))
}

/// Authenticates, then runs the handler once per idempotency key.
async fn authorised(
    app: &App,
    parts: Parts,
    params: Params,
    entry: &mut LogEntry,
    next: Next,
) -> Response {
    let api_key = match auth::api_key(&parts.headers) {
        Ok(api_key) => api_key,
        Err(error) => return error.into_response(),
    };
    let key = entry
        .idempotency_key
        .clone()
        .filter(|_| parts.method == Method::POST);
    let Some(key) = key else {
        return run(parts, params, next).await;
    };
    let fingerprint =
        idempotency::fingerprint(parts.method.as_str(), parts.uri.path(), params.as_map());
    match app.begin_idempotent(&api_key, &key, fingerprint) {
        Begin::Run => {}
        Begin::Replay(reply) => {
            entry.replayed = true;
            return replay(reply);
        }
        Begin::Refuse(error) => return error.into_response(),
    }

    let mut running = RunningKey {
        app,
        api_key,
        key,
        reply: None,
    };
    let response = run(parts, params, next).await;
    let (response, body) = buffered(response).await;
    if idempotency::is_kept(response.status()) {
        running.reply = Some(StoredReply {
            status: response.status(),
            body,
            request_id: entry.request_id.clone(),
        });
    }
    response
}

/// Releases an idempotency key when the request ends, including when its future is dropped
/// because the client went away; otherwise the key would answer 409 for ever.
struct RunningKey<'a> {
    app: &'a App,
    api_key: String,
    key: String,
    reply: Option<StoredReply>,
}

impl Drop for RunningKey<'_> {
    fn drop(&mut self) {
        let reply = self.reply.take();
        self.app.finish_idempotent(&self.api_key, &self.key, reply);
    }
}

async fn run(parts: Parts, params: Params, next: Next) -> Response {
    let mut request = Request::from_parts(parts, Body::empty());
    request.extensions_mut().insert(params);
    next.run(request).await
}

async fn buffered(response: Response) -> (Response, Bytes) {
    let (parts, body) = response.into_parts();
    // Replies are small JSON documents built by this server, so reading them whole is fine.
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    (
        Response::from_parts(parts, Body::from(bytes.clone())),
        bytes,
    )
}

fn replay(reply: StoredReply) -> Response {
    let json = HeaderValue::from_static("application/json");
    let mut response = (reply.status, [(header::CONTENT_TYPE, json)], reply.body).into_response();
    let headers = response.headers_mut();
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    if let Ok(original) = HeaderValue::from_str(&reply.request_id) {
        headers.insert("original-request", original);
    }
    response
}

fn dropped() -> Response {
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(DropConnection);
    response
}

/// A `200` whose body is the first half of the real one: never valid JSON, since a proper
/// prefix of a JSON object cannot be a JSON document.
async fn malformed(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.status = StatusCode::OK;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
}
