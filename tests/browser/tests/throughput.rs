//! Throughput in the browser: calls in flight through the runtime over `fetch`, against the
//! same requests fired by plain JavaScript `fetch` in the same page, joined with
//! `Promise.all`.
//!
//! Built with `RHAI_FLOW_BENCH=10000` (as `scripts/bench.sh` does), it fires that many calls a
//! run and reports wasm memory after each of five runs. Otherwise it fires 500 and fails when
//! the runtime falls below a fifth of raw fetch: the target is 0.7, but a short run on a
//! shared machine is noisy, and only a wide miss should fail the test suite. Either way it
//! fails when a second identical run grows wasm memory. Run with `-- --nocapture` to see the
//! figures.

#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{ArrayBuffer, Date, Function, Promise, WebAssembly};
use rhai_flow::{Config, EventKind, FetchTransport, Runtime, DEFAULT_API_KEY};
use rhai_flow_browser_tests::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Set at build time, to the number of calls a run makes (`RHAI_FLOW_BENCH=10000`).
const BENCH: Option<&str> = option_env!("RHAI_FLOW_BENCH");
const CALLS: u32 = match BENCH {
    Some(calls) => parse(calls),
    None => 500,
};

const fn parse(digits: &str) -> u32 {
    let (bytes, mut n, mut value) = (digits.as_bytes(), 0, 0);
    while n < bytes.len() {
        assert!(
            bytes[n].is_ascii_digit(),
            "RHAI_FLOW_BENCH must be a number of calls"
        );
        value = value * 10 + (bytes[n] - b'0') as u32;
        n += 1;
    }
    value
}

/// What the runtime's flow does with each answer: reads it, and prints nothing.
const FLOW: &str = r#"
let label = `${id} ${status} ${amount} ${currency} for ${context_customer_id}`;
if status == "succeeded" { print(label); }
"#;

/// The requests `create_payment_intent(2000, "usd", "cus_123")` sends, fired from JavaScript.
/// Resolves with how many were answered with a 2xx, once every request has ended.
const RAW_FETCH: &str = r#"
const requests = [];
for (let n = 0; n < count; n++) {
    const headers = {
        "Authorization": auth,
        "Idempotency-Key": "raw_" + Date.now() + "_" + n,
        "Content-Type": "application/x-www-form-urlencoded",
    };
    const body = "amount=2000&currency=usd&customer=cus_123";
    const answer = fetch(url, { method: "POST", headers, body });
    const read = answer.then((response) => response.text().then(() => response.ok));
    requests.push(read.catch(() => false));
}
return Promise.all(requests).then((oks) => oks.filter(Boolean).length);
"#;

/// One run's figures.
struct Run {
    calls_per_s: f64,
    completed: u32,
}

impl Run {
    fn new(started: f64, completed: u32) -> Self {
        let seconds = (Date::now() - started) / 1000.0;
        Self {
            calls_per_s: f64::from(completed) / seconds,
            completed,
        }
    }
}

async fn raw_fetch(calls: u32) -> Run {
    let fire = Function::new_with_args("url, count, auth", RAW_FETCH);
    let url = JsValue::from(format!("{ENDPOINT}/v1/payment_intents"));
    let auth = JsValue::from(format!("Bearer {DEFAULT_API_KEY}"));
    let started = Date::now();
    let promise = fire
        .call3(&JsValue::NULL, &url, &calls.into(), &auth)
        .expect("fetch starts");
    let ok = JsFuture::from(promise.unchecked_into::<Promise>())
        .await
        .expect("fetch ends");
    Run::new(started, ok.as_f64().unwrap_or_default() as u32)
}

async fn through_runtime(calls: u32) -> Run {
    let main =
        format!(r#"for n in 0..{calls} {{ create_payment_intent(2000, "usd", "cus_123"); }}"#);
    let flows = flow_set(
        r#"{"events": {"payment_intent_created": "created.rhai"}}"#,
        &[("main.rhai", &main), ("created.rhai", FLOW)],
    );
    // Every call is in flight at once; the last ones wait for the first ones' connections.
    let config = Config {
        request_timeout_ms: 300_000,
        ..config()
    };
    let runtime = Runtime::new(config, flows, FetchTransport).expect("runtime starts");
    let finished = Rc::new(Cell::new(0));
    let count = Rc::clone(&finished);
    runtime.subscribe(move |event| {
        if let EventKind::FlowFinished { event, .. } = &event.kind {
            count.set(count.get() + u32::from(event == "payment_intent_created"));
        }
    });
    let started = Date::now();
    runtime.run_main().expect("the main script runs");
    runtime.idle().await;
    Run::new(started, finished.get())
}

/// The size of wasm memory: it only grows, so it is also the peak so far.
fn memory_bytes() -> f64 {
    let memory: WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<ArrayBuffer>()
        .byte_length()
        .into()
}

fn report(label: &str, run: &Run) {
    console_log!(
        "{label:<28} {:>5} calls, {:>8.0} calls/s",
        run.completed,
        run.calls_per_s
    );
}

#[wasm_bindgen_test]
async fn calls_in_flight_keep_up_with_raw_fetch() {
    reset().await;
    // Warm the connections and the CORS preflight cache for both sides alike.
    raw_fetch(20).await;
    through_runtime(20).await;

    let raw_first = raw_fetch(CALLS).await;
    let ours_first = through_runtime(CALLS).await;
    let memory_first = memory_bytes();
    let live_first = live_bytes();
    reset().await;
    let ours_second = through_runtime(CALLS).await;
    let memory_second = memory_bytes();
    let live_second = live_bytes();
    let raw_second = raw_fetch(CALLS).await;
    reset().await;

    report("raw fetch, first run", &raw_first);
    report("rhai-flow, first run", &ours_first);
    report("rhai-flow, second run", &ours_second);
    report("raw fetch, second run", &raw_second);
    let raw = raw_first.calls_per_s.max(raw_second.calls_per_s);
    let ours = ours_first.calls_per_s.max(ours_second.calls_per_s);
    let ratio = ours / raw;
    let verdict = if ratio >= 0.7 { "ok" } else { "MISSED" };
    console_log!("rhai-flow / raw fetch: {ratio:.2}x (target >= 0.7x) {verdict}");
    console_log!("wasm memory after run 1: {memory_first} bytes, after run 2: {memory_second}");

    let grown = memory_second - memory_first;
    let verdict = if grown == 0.0 { "ok" } else { "MISSED" };
    console_log!("second run grew wasm memory by {grown} bytes (target 0) {verdict}");
    let kept = live_second - live_first;
    console_log!("bytes alive after run 1: {live_first}, after run 2: {live_second} ({kept:+})");
    if BENCH.is_some() {
        // A leak grows memory on every run, where growth from one busy moment comes once.
        let mut sizes = Vec::new();
        for _ in 0..3 {
            reset().await;
            through_runtime(CALLS).await;
            sizes.push(memory_bytes());
        }
        console_log!("wasm memory after runs 3, 4 and 5: {sizes:?} bytes");
    }

    for run in [&ours_first, &ours_second] {
        assert_eq!(
            run.completed, CALLS,
            "every call must be answered and dispatched"
        );
    }
    // Past a few thousand requests at once, Chromium fails some plain fetches outright
    // ("Failed to fetch"); the runtime retries those, so only the short run checks these.
    if BENCH.is_none() {
        assert_eq!(raw_first.completed, CALLS, "raw fetch lost requests");
        assert_eq!(raw_second.completed, CALLS, "raw fetch lost requests");
    }
    assert!(ratio >= 0.2, "rhai-flow at {ratio:.2}x of raw fetch");
    // Both runs reach the same peak, and wasm memory never shrinks: growth means the first
    // run left something behind, or left its free memory in pieces too small to reuse.
    assert_eq!(grown, 0.0, "the second identical run grew wasm memory");
    // A run may leave a little behind for good: buffers of the executor keep the capacity
    // their busiest moment gave them. A leak of even a few bytes per call is far more.
    assert!(
        kept < 16 * 1024,
        "the second run left {kept} more bytes alive than the first"
    );
}
