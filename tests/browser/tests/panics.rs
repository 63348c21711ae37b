//! A panic in the browser build costs the flow or the request it happened in: the runtime
//! reports it as a failed flow, and the page's module goes on working. This suite is built
//! to unwind on a panic, as the npm package is (`scripts/env.sh`).

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use rhai_flow::{
    Event, EventKind, FetchTransport, FlowSet, Request, ResponseFuture, Runtime, Transport,
};
use rhai_flow_browser_tests::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Fetches from the test endpoint, but fails on the way to `/boom`: before sending when the
/// path ends in `/boom/now`, and after the answer arrived otherwise.
struct Buggy;

impl Transport for Buggy {
    fn send(&self, request: Request) -> ResponseFuture {
        assert!(
            !request.url.ends_with("/boom/now"),
            "a transport that fails at once"
        );
        let answer = FetchTransport.send(request.clone());
        Box::pin(async move {
            let answer = answer.await;
            assert!(
                !request.url.ends_with("/boom"),
                "a transport that fails later"
            );
            answer
        })
    }
}

const MANIFEST: &str = r#"{ "main": "main.rhai", "events": {
    "product_created": "created.rhai", "boom_failed": "failed.rhai" } }"#;

fn flows(main: &str) -> FlowSet {
    flow_set(
        MANIFEST,
        &[
            ("main.rhai", main),
            ("created.rhai", "print(`created ${name}`);"),
            ("failed.rhai", r#"print("the error flow ran");"#),
        ],
    )
}

async fn run_recorded(runtime: &Runtime) -> Vec<Event> {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    let subscription = runtime.subscribe(move |event| sink.borrow_mut().push(event.clone()));
    let _ = runtime.run_main();
    runtime.idle().await;
    runtime.unsubscribe(subscription);
    let events = events.borrow().clone();
    events
}

fn failures(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::FlowFailed { event, error, .. } => Some(format!("{event}: {error}")),
            _ => None,
        })
        .collect()
}

#[wasm_bindgen_test]
fn this_suite_unwinds() {
    // Built without `-Cpanic=unwind`, this panic aborts the module and the test fails.
    let caught = std::panic::catch_unwind(|| panic!("a panic to catch"));
    assert!(caught.is_err());
}

#[wasm_bindgen_test]
async fn a_panic_after_the_answer_costs_that_request_and_the_page_goes_on() {
    let main = r#"api_call("GET", "boom", #{}, "boom_done", "boom_failed");
                  create_product("Lamp", "A desk lamp");"#;
    let runtime = Runtime::new(config(), flows(main), Buggy).expect("runtime starts");
    let events = run_recorded(&runtime).await;
    assert_eq!(
        failures(&events),
        ["boom_failed: the request stopped on a bug in the runtime (a transport that fails later)"]
    );
    assert_eq!(
        printed(&events),
        ["created Lamp"],
        "the other request went on"
    );
    assert!(matches!(
        events.last().map(|e| &e.kind),
        Some(EventKind::Idle {})
    ));

    runtime.set_script("main.rhai", r#"create_product("Desk", "A desk");"#);
    let events = run_recorded(&runtime).await;
    assert_eq!(failures(&events), Vec::<String>::new());
    assert_eq!(printed(&events), ["created Desk"]);
}

#[wasm_bindgen_test]
async fn a_panic_during_a_call_fails_its_flow_and_the_next_run_works() {
    let main = r#"print("before"); api_call("GET", "boom/now", #{}, "a", "b"); print("after");"#;
    let runtime = Runtime::new(config(), flows(main), Buggy).expect("runtime starts");
    let events = run_recorded(&runtime).await;
    assert_eq!(
        failures(&events),
        [
            "main: Runtime error: the flow stopped on a bug in the runtime \
          (a transport that fails at once)"
        ]
    );
    assert_eq!(printed(&events), ["before"]);

    runtime.set_script("main.rhai", r#"create_product("Desk", "A desk");"#);
    let events = run_recorded(&runtime).await;
    assert_eq!(printed(&events), ["created Desk"]);
}
