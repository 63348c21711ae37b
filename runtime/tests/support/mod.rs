//! Helpers shared by the native test suites: a local executor, an in-memory Stripe, and
//! a recorder of events.

#![allow(dead_code, unreachable_pub)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::path::PathBuf;
use std::rc::Rc;

use rhai_flow::{Config, Event, EventKind, FlowSet, MemoryTransport, Request, Response, Runtime};
use serde_json::{json, Value};

/// Runs `future` on a single-threaded executor, as the browser would.
pub fn local<F: Future>(future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio::task::LocalSet::new().block_on(&runtime, future)
}

/// Loads an example flow set from the repository's `flows/` folder.
pub fn example(name: &str) -> FlowSet {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../flows")
        .join(name);
    FlowSet::load(folder).unwrap()
}

/// Every event a runtime reports, in order.
pub fn record(runtime: &Runtime) -> Rc<RefCell<Vec<Event>>> {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    runtime.subscribe(move |event| sink.borrow_mut().push(event.clone()));
    events
}

/// Runs the main script of `flows` against `transport` and returns every event once idle.
pub async fn run(flows: FlowSet, transport: MemoryTransport) -> Vec<Event> {
    run_with(quick_config(), flows, transport).await
}

/// The default configuration, with retries that wait milliseconds instead of seconds.
pub fn quick_config() -> Config {
    let retry = rhai_flow::RetryPolicy {
        max_retries: 2,
        initial_delay_ms: 1,
        max_delay_ms: 20,
    };
    Config {
        retry,
        ..Config::default()
    }
}

pub async fn run_with(config: Config, flows: FlowSet, transport: MemoryTransport) -> Vec<Event> {
    let runtime = Runtime::new(config, flows, transport).unwrap();
    let events = record(&runtime);
    let _ = runtime.run_main();
    runtime.idle().await;
    let events = events.borrow().clone();
    events
}

/// One line per event, such as `request_sent create_payment_intent` or `output Hello`.
pub fn summary(event: &Event) -> String {
    match &event.kind {
        EventKind::FlowStarted { event, .. } => format!("flow_started {event}"),
        EventKind::FlowFinished { event, .. } => format!("flow_finished {event}"),
        EventKind::FlowFailed { event, error, .. } => format!("flow_failed {event}: {error}"),
        EventKind::Output { text, .. } => format!("output {text}"),
        EventKind::RequestSent { call, .. } => format!("request_sent {call}"),
        EventKind::ResponseReceived { status, event, .. } => format!("response {status} {event}"),
        EventKind::RequestFailed { event, .. } => format!("request_failed {event}"),
        EventKind::Unhandled { event, .. } => format!("unhandled {event}"),
        EventKind::Cancelled { event } => format!("cancelled {event}"),
        EventKind::Idle {} => "idle".to_owned(),
        other => other.name().to_owned(),
    }
}

pub fn summaries(events: &[Event]) -> Vec<String> {
    events.iter().map(summary).collect()
}

/// The text every `print` and `debug` produced, in order.
pub fn printed(events: &[Event]) -> Vec<String> {
    let text = |event: &Event| match &event.kind {
        EventKind::Output { text, .. } => Some(text.clone()),
        _ => None,
    };
    events.iter().filter_map(text).collect()
}

/// Decodes a form body into pairs.
pub fn form(request: &Request) -> Vec<(String, String)> {
    let body = request.body.as_deref().unwrap_or_default();
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

pub fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A transport that answers every request with the same status and body.
pub fn answering(status: u16, body: &str) -> MemoryTransport {
    let body = body.to_owned();
    MemoryTransport::new(move |_| Ok(Response::json(status, body.clone())))
}

/// A small in-memory Stripe with the test endpoint's demo customers: the card of
/// `cus_insufficient_funds` holds 1500 cents.
pub fn fake_stripe() -> MemoryTransport {
    let counter = Cell::new(0u32);
    MemoryTransport::new(move |request| {
        counter.set(counter.get() + 1);
        let (status, body) = answer(request, counter.get());
        Ok(Response::json(status, body.to_string()))
    })
}

fn answer(request: &Request, n: u32) -> (u16, Value) {
    let pairs = form(request);
    let get = |key: &str| param(&pairs, key).unwrap_or_default().to_owned();
    let path = request.url.rsplit("/v1/").next().unwrap_or_default();
    match path {
        "payment_intents" => payment_intent(&get("customer"), &get("amount"), n),
        "subscriptions" => (
            200,
            json!({ "id": format!("sub_{n}"), "object": "subscription", "status": "active",
                    "customer": get("customer"), "items": { "data": [
                        { "price": { "id": get("items[0][price]") } } ] } }),
        ),
        "messages" | "customers" | "products" | "prices" => {
            let prefix = match path {
                "messages" => "msg",
                "customers" => "cus",
                "products" => "prod",
                _ => "price",
            };
            let mut object = nest(&pairs);
            object.insert("id".into(), json!(format!("{prefix}_{n}")));
            (200, Value::Object(object))
        }
        _ => (
            404,
            json!({ "error": { "type": "invalid_request_error",
                                      "message": format!("Unrecognized request URL: {path}") } }),
        ),
    }
}

fn payment_intent(customer: &str, amount: &str, n: u32) -> (u16, Value) {
    let amount: i64 = amount.parse().unwrap();
    if customer == "cus_insufficient_funds" && amount > 1500 {
        let error = json!({ "error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds."
        } });
        return (402, error);
    }
    let status = match customer {
        "cus_insufficient_funds" => "succeeded",
        _ => "requires_payment_method",
    };
    let object = json!({ "id": format!("pi_{n}"), "object": "payment_intent", "amount": amount,
                         "currency": "usd", "customer": customer, "status": status });
    (200, object)
}

/// Turns `recurring[interval]=month` into `{"recurring": {"interval": "month"}}`.
fn nest(pairs: &[(String, String)]) -> serde_json::Map<String, Value> {
    let mut root = serde_json::Map::new();
    for (key, value) in pairs {
        let parts: Vec<&str> = key.split('[').map(|p| p.trim_end_matches(']')).collect();
        let (last, path) = parts.split_last().unwrap();
        let mut target = &mut root;
        for part in path {
            let entry = target.entry(part.to_string()).or_insert_with(|| json!({}));
            target = entry.as_object_mut().unwrap();
        }
        target.insert(last.to_string(), json!(value));
    }
    root
}
