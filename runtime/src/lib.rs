//! Event-driven flows in Rhai: a script calls an API function such as
//! `create_payment_intent(2000, "usd", "cus_123")`, the call fires an HTTP request and returns
//! at once, and when the answer arrives the flow mapped to its success event
//! (`payment_intent_created`) or error event (`payment_intent_failed`) runs with the
//! response's fields and the call's context in scope.
//!
//! The main interfaces:
//!
//! 1. [`FlowSet`]: the scripts and the [`Manifest`] mapping events to them, with the calls a
//!    flow set declares as data ([`CallSpec`]).
//! 2. [`Runtime`]: runs the main script, dispatches events, reports every step as an
//!    [`Event`], and tells when a run is over through [`Runtime::idle`].
//! 3. [`Transport`]: how requests reach the endpoint; [`MemoryTransport`] answers in memory,
//!    in the browser `FetchTransport` uses `fetch`, and natively `HttpTransport` (feature
//!    `http`) uses reqwest.
//!
//! ```
//! use rhai_flow::{Config, FlowSet, MemoryTransport, Response, Runtime};
//!
//! let flows = FlowSet::new()
//!     .with_script("main.rhai", r#"create_payment_intent(2000, "usd", "cus_123");"#)
//!     .with_script("created.rhai", r#"print(`${id} for ${context_customer_id}`);"#)
//!     .with_event("payment_intent_created", "created.rhai");
//! let transport = MemoryTransport::new(|_| Ok(Response::json(200, r#"{"id":"pi_1"}"#)));
//! let runtime = Runtime::new(Config::default(), flows, transport)?;
//! runtime.subscribe(|event| println!("{}", event.kind.name()));
//! # Ok::<_, rhai_flow::Error>(())
//! ```

#![deny(missing_docs)]

mod call;
mod config;
mod contain;
mod dispatch;
mod engine;
mod error;
mod event;
mod flowset;
pub mod form;
mod idle;
mod places;
mod platform;
mod reads;
mod response;
mod retry;
mod runtime;
mod transport;

pub use call::{built_in_calls, CallSpec, ParamKind, ParamSpec};
pub use config::{
    is_live_key, Config, Limits, RetryPolicy, DEFAULT_API_KEY, DEFAULT_ENDPOINT,
    MAX_REQUEST_TIMEOUT_MS,
};
pub use error::{Error, LimitName, ScriptError, ScriptErrorKind};
pub use event::{Event, EventId, EventKind, OutputStream, UnhandledReason};
pub use flowset::{FlowSet, Manifest, MANIFEST_FILE};
pub use idle::Idle;
pub use rhai;
pub use runtime::{Runtime, Subscription};
#[cfg(target_arch = "wasm32")]
pub use transport::FetchTransport;
#[cfg(all(feature = "http", not(target_arch = "wasm32")))]
pub use transport::HttpTransport;
pub use transport::{
    MemoryTransport, Request, Response, ResponseFuture, Transport, TransportError,
    TransportErrorKind,
};

/// Wasm memory never shrinks, so free memory left in pieces becomes growth on the next run
/// with the same peak; talc reuses it where dlmalloc, the default, grew memory again.
#[cfg(all(
    feature = "global-allocator",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
