//! Helpers for the browser suites: the example flow sets, the test endpoint's admin API,
//! and a run that records every event until the runtime is idle.
//!
//! The endpoint's address is fixed when the suites are built, from `RHAI_FLOW_ENDPOINT`
//! (such as `http://127.0.0.1:12111`); the test command starts the endpoint and sets it.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::Request;
use rhai_flow::{Config, Event, EventKind, FetchTransport, FlowSet, Manifest, Runtime};
use serde_json::Value;
use stats_alloc::StatsAlloc;
use talc::wasm::{new_wasm_dynamic_allocator, WasmDynamicTalc};

/// The allocator the npm package uses (talc, see `rhai-flow`'s `global-allocator` feature),
/// with the bytes alive counted: a leak shows in the count long before it grows wasm memory
/// by a whole 64 KiB page.
#[global_allocator]
static ALLOCATOR: StatsAlloc<WasmDynamicTalc> = StatsAlloc::new(new_wasm_dynamic_allocator());

/// Bytes allocated and not yet freed.
pub fn live_bytes() -> i64 {
    let stats = ALLOCATOR.stats();
    // A reallocation's growth or shrinkage is in these two counts already.
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

/// The test endpoint's origin, without `/v1`.
pub const ENDPOINT: &str = match option_env!("RHAI_FLOW_ENDPOINT") {
    Some(endpoint) => endpoint,
    None => "http://127.0.0.1:12111",
};

/// A configuration aimed at the test endpoint.
pub fn config() -> Config {
    Config {
        endpoint: format!("{ENDPOINT}/v1"),
        ..Config::default()
    }
}

/// A flow set from a manifest and `(name, source)` pairs.
pub fn flow_set(manifest: &str, scripts: &[(&str, &str)]) -> FlowSet {
    let manifest = Manifest::from_json(manifest, "flows.json").expect("manifest parses");
    let mut flows = FlowSet::from_manifest(manifest);
    for (name, source) in scripts {
        flows.set_script(*name, *source);
    }
    flows
}

/// Loads one of the repository's example flow sets, as shipped.
#[macro_export]
macro_rules! example {
    ($set:literal, [$($script:literal),* $(,)?]) => {
        $crate::flow_set(
            include_str!(concat!("../../../flows/", $set, "/flows.json")),
            &[$(($script, include_str!(concat!("../../../flows/", $set, "/", $script)))),*],
        )
    };
}

/// Runs the main script and returns every event, once the runtime reports idle.
pub async fn run(config: Config, flows: FlowSet) -> Vec<Event> {
    let runtime = Runtime::new(config, flows, FetchTransport).expect("runtime starts");
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    runtime.subscribe(move |event| sink.borrow_mut().push(event.clone()));
    let _ = runtime.run_main();
    runtime.idle().await;
    let events = events.borrow().clone();
    events
}

/// The text every `print` produced, in order.
pub fn printed(events: &[Event]) -> Vec<String> {
    let text = |event: &Event| match &event.kind {
        EventKind::Output { text, .. } => Some(text.clone()),
        _ => None,
    };
    events.iter().filter_map(text).collect()
}

/// The JSON bodies of the responses, in the order they arrived.
pub fn response_bodies(events: &[Event]) -> Vec<(u16, Value)> {
    let body = |event: &Event| match &event.kind {
        EventKind::ResponseReceived { status, body, .. } => {
            Some((*status, serde_json::from_str(body).unwrap_or(Value::Null)))
        }
        _ => None,
    };
    events.iter().filter_map(body).collect()
}

/// Sends a request to the endpoint's admin API and returns its JSON answer.
pub async fn admin(method: &str, path: &str, body: Option<Value>) -> Value {
    let url = format!("{ENDPOINT}/__admin/{path}");
    let request = match (method, body) {
        ("POST", Some(body)) => Request::post(&url).json(&body).expect("JSON body"),
        ("POST", None) => Request::post(&url).build().expect("request"),
        ("DELETE", _) => Request::delete(&url).build().expect("request"),
        _ => Request::get(&url).build().expect("request"),
    };
    let response = request.send().await.expect("the test endpoint answers");
    response.json().await.unwrap_or(Value::Null)
}

/// Puts the endpoint back to its seeded objects, with no faults and an empty log.
pub async fn reset() {
    admin("POST", "reset", None).await;
}

/// The endpoint's request log, oldest first.
pub async fn request_log() -> Vec<Value> {
    match admin("GET", "requests", None).await {
        Value::Array(entries) => entries,
        other => panic!("the request log is not a list: {other}"),
    }
}
