//! Starting servers on loopback and running flow sets against them.

#![allow(dead_code, unreachable_pub)]

use std::cell::RefCell;
use std::rc::Rc;

use rhai_flow::{Config, Event, EventKind, FlowSet, HttpTransport, Runtime};
use rhai_flow_endpoint::{FaultConfig, Options};

/// Starts the test endpoint on a free loopback port, on a thread of its own, and returns its
/// base URL (without `/v1`).
pub fn start_endpoint(faults: FaultConfig) -> String {
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let executor = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        executor.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            address_tx.send(listener.local_addr().unwrap()).unwrap();
            rhai_flow_endpoint::serve(listener, Options::default().with_faults(faults)).await
        })
    });
    format!("http://{}", address_rx.recv().unwrap())
}

/// Runs `future` on a current-thread executor with a `LocalSet`, as the command line does.
pub fn local<F: std::future::Future>(future: F) -> F::Output {
    let executor = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio::task::LocalSet::new().block_on(&executor, future)
}

/// Runs the main script of `flows` over HTTP and returns every event once idle.
pub async fn run(config: Config, flows: FlowSet) -> Vec<Event> {
    let runtime = Runtime::new(config, flows, HttpTransport::new()).unwrap();
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    runtime.subscribe(move |event| sink.borrow_mut().push(event.clone()));
    runtime.run_main().unwrap();
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
