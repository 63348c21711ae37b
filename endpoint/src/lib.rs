//! A Stripe-compatible test server on loopback, so the playground and the browser tests of
//! rhai-flow run without a Stripe account or a network.
//!
//! The server speaks enough of Stripe's API for the example flows: customers, products,
//! prices, payment intents (with Stripe's test cards), subscriptions and a `messages`
//! resource that stores whatever it is sent. Beside it, an admin API under `/__admin/`
//! injects faults, shows the request log and resets the state.
//!
//! 1. [`serve`] runs the server on a listener you bound, e.g. on port 0 in a test.
//! 2. [`Options`] and [`FaultConfig`] set the faults injected from the first request on.
//!
//! # Examples
//!
//! ```no_run
//! use rhai_flow_endpoint::{serve, Options};
//!
//! # async fn start() -> Result<(), rhai_flow_endpoint::Error> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let base = format!("http://{}", listener.local_addr()?);
//! tokio::spawn(serve(listener, Options::default()));
//! // Send requests to `{base}/v1/...` with `Authorization: Bearer sk_test_...`.
//! # let _ = base;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod admin;
mod app;
mod auth;
mod cors;
mod error;
mod faults;
mod form;
mod idempotency;
mod ids;
mod log;
mod objects;
mod params;
mod pipeline;
mod seed;
mod server;
mod store;

pub use error::Error;
pub use faults::{FaultConfig, ForcedStatus, RandomFaults};
pub use server::{serve, Options};
