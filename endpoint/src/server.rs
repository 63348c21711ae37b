//! The router and the accept loop.

use std::fmt;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, Uri};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Json, Router};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::app::App;
use crate::error::{ApiError, Error};
use crate::faults::FaultConfig;
use crate::objects::{customer, message, payment_intent, price, product, subscription};
use crate::params::Params;
use crate::pipeline::{self, DropConnection, RequestId};
use crate::store::Store;
use crate::{admin, cors};

/// How a server starts: the faults it injects from the first request on.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// Faults to inject until the admin API changes them.
    pub faults: FaultConfig,
}

impl Options {
    /// Starts the server with these faults configured.
    #[must_use]
    pub fn with_faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }
}

/// Serves the test API on `listener` until the task running it is dropped.
///
/// Every connection runs on its own task; dropping the returned future stops accepting new
/// connections but lets the running ones finish.
///
/// # Errors
///
/// [`Error::InvalidFaults`] if `options` holds an invalid fault configuration, and
/// [`Error::Socket`] if the listener's address cannot be read.
pub async fn serve(listener: TcpListener, options: Options) -> Result<(), Error> {
    options.faults.validate()?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "serving the Stripe-compatible test API");
    let router = router(App::new(options.faults));
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, router.clone()));
            }
            Err(error) => {
                // Running out of file descriptors fails every accept at once; pausing keeps
                // the loop from spinning until a connection closes.
                tracing::warn!(%error, "could not accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn connection(stream: TcpStream, router: Router) {
    let service = service_fn(move |request| respond(router.clone(), request));
    let served = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(error) = served {
        tracing::debug!(%error, "connection ended with an error");
    }
}

/// Returning an error makes hyper close the connection without writing a response, which
/// is how a dropped-connection fault reaches the client.
async fn respond(
    router: Router,
    request: Request<Incoming>,
) -> Result<Response, ConnectionDropped> {
    let Ok(response) = router.oneshot(request).await;
    if response.extensions().get::<DropConnection>().is_some() {
        return Err(ConnectionDropped);
    }
    Ok(response)
}

#[derive(Debug)]
struct ConnectionDropped;

impl fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for ConnectionDropped {}

fn router(app: App) -> Router {
    Router::new()
        .route("/v1/customers", create(customer::create))
        .route("/v1/customers/{id}", retrieve(customer::retrieve))
        .route("/v1/products", create(product::create))
        .route("/v1/products/{id}", retrieve(product::retrieve))
        .route("/v1/prices", create(price::create))
        .route("/v1/prices/{id}", retrieve(price::retrieve))
        .route("/v1/payment_intents", create(payment_intent::create))
        .route(
            "/v1/payment_intents/{id}",
            retrieve(payment_intent::retrieve),
        )
        .route(
            "/v1/payment_intents/{id}/confirm",
            act_on(payment_intent::confirm),
        )
        .route("/v1/subscriptions", create(subscription::create))
        .route("/v1/subscriptions/{id}", retrieve(subscription::retrieve))
        .route(
            "/v1/messages",
            create(message::create).merge(list(message::list)),
        )
        .route("/v1/messages/{id}", retrieve(message::retrieve))
        .merge(admin::routes())
        .fallback(unrecognized)
        .method_not_allowed_fallback(unrecognized)
        .layer(from_fn_with_state(app.clone(), pipeline::v1))
        .layer(cors::layer())
        .layer(from_fn_with_state(app.clone(), request_id))
        .with_state(app)
}

type Action = fn(&mut Store, &Params) -> Result<Value, ApiError>;

type ActionOnId = fn(&mut Store, &str, &Params) -> Result<Value, ApiError>;

type Reply = Result<Json<Value>, ApiError>;

fn create(action: Action) -> MethodRouter<App> {
    post(
        move |State(app): State<App>, Extension(params): Extension<Params>| {
            run(app, params, action)
        },
    )
}

fn list(action: Action) -> MethodRouter<App> {
    get(
        move |State(app): State<App>, Extension(params): Extension<Params>| {
            run(app, params, action)
        },
    )
}

fn retrieve(action: ActionOnId) -> MethodRouter<App> {
    get(
        move |State(app): State<App>,
              Path(id): Path<String>,
              Extension(params): Extension<Params>| { run_on(app, id, params, action) },
    )
}

fn act_on(action: ActionOnId) -> MethodRouter<App> {
    post(
        move |State(app): State<App>,
              Path(id): Path<String>,
              Extension(params): Extension<Params>| { run_on(app, id, params, action) },
    )
}

async fn run(app: App, params: Params, action: Action) -> Reply {
    app.with_store(|store| action(store, &params)).map(Json)
}

async fn run_on(app: App, id: String, params: Params, action: ActionOnId) -> Reply {
    app.with_store(|store| action(store, &id, &params))
        .map(Json)
}

async fn unrecognized(method: Method, uri: Uri) -> ApiError {
    ApiError::unrecognized_url(method.as_str(), uri.path())
}

/// Gives every response a `Request-Id`, as Stripe does, so clients can quote it in reports.
async fn request_id(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let id = app.next_request_id();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("request-id", value);
    }
    response
}
