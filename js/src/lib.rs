//! The npm package `rhai-flow`: run event-driven Rhai flows in a web page, against your
//! own endpoint.
//!
//! The JavaScript interface:
//!
//! 1. [`FlowRuntime`]: built from a config and a flow set; `subscribe` to its events, `run`
//!    the main script and await the end of the run, `stop` the requests in flight.
//! 2. `FlowError`: every failure is a JavaScript `Error` named `FlowError`, with the parts of
//!    the failure (`kind`, `field`, `event`, `script`, `line`, `column`) as properties.
//! 3. TypeScript types for the config, the flow set and every event, narrowed by `kind`.
//!
//! ```js
//! import init, { FlowRuntime } from "rhai-flow";
//!
//! await init();
//! const runtime = new FlowRuntime(
//!   { endpoint: "http://127.0.0.1:12111/v1", apiKey: "sk_test_rhai_flow" },
//!   {
//!     scripts: {
//!       "main.rhai": 'create_payment_intent(2000, "usd", "cus_123");',
//!       "created.rhai": "print(`created ${id} for ${context_customer_id}`);",
//!     },
//!     events: { payment_intent_created: "created.rhai" },
//!   },
//! );
//! runtime.subscribe((event) => console.log(event.kind, event));
//! await runtime.run();
//! ```

#![deny(missing_docs)]

// The runtime reaches the network through the browser's `fetch`, so the JavaScript API
// exists on wasm32 only; natively the crate builds for its tests of the TypeScript types.
#[cfg(target_arch = "wasm32")]
mod convert;
mod error;
#[cfg(target_arch = "wasm32")]
mod runs;
#[cfg(target_arch = "wasm32")]
mod runtime;

pub use error::Error;
#[cfg(target_arch = "wasm32")]
pub use runtime::{FlowConfigArg, FlowEventListenerArg, FlowRuntime, FlowSetArg, ScopeArg};

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

/// Runs when the module is instantiated: a panic then shows its Rust message in the
/// console instead of a bare `unreachable`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}
