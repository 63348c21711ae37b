//! Retries, guards against runaway chains, and what scripts may not do.

mod support;

use std::cell::Cell;
use std::rc::Rc;

use rhai_flow::{Config, EventKind, FlowSet, MemoryTransport, Response, RetryPolicy, Runtime};
use support::*;

fn quick_retries() -> Config {
    let retry = RetryPolicy {
        max_retries: 2,
        initial_delay_ms: 1,
        max_delay_ms: 50,
    };
    Config {
        retry,
        ..Config::default()
    }
}

/// Answers with `statuses` in turn, then with 200.
fn answering_in_turn(
    statuses: &'static [(u16, &'static [(&'static str, &'static str)])],
) -> MemoryTransport {
    let count = Cell::new(0);
    MemoryTransport::new(move |_| {
        let n = count.get();
        count.set(n + 1);
        let (status, headers) = statuses.get(n).copied().unwrap_or((200, &[]));
        let headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let body = format!(r#"{{"id": "prod_{n}", "error": {{"type": "api_error"}}}}"#);
        Ok(Response {
            status,
            headers,
            body,
        })
    })
}

fn product_flows() -> FlowSet {
    FlowSet::new()
        .with_script("main.rhai", r#"create_product("Lamp", "A desk lamp");"#)
        .with_script("created.rhai", r#"print(`created ${id}`);"#)
        .with_script("failed.rhai", r#"print(`failed ${http_status}`);"#)
        .with_event("product_created", "created.rhai")
        .with_event("product_failed", "failed.rhai")
}

#[test]
fn rate_limits_and_server_errors_are_retried_with_the_same_idempotency_key() {
    static STATUSES: &[(u16, &[(&str, &str)])] = &[(429, &[("Retry-After", "0")]), (503, &[])];
    let transport = answering_in_turn(STATUSES);
    let events = local(run_with(
        quick_retries(),
        product_flows(),
        transport.clone(),
    ));
    assert_eq!(printed(&events), ["created prod_2"]);
    let keys: Vec<_> = transport
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|key| key == &keys[0]), "{keys:?}");
    let retries: Vec<(u32, String)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RequestRetrying {
                attempt, reason, ..
            } => Some((*attempt, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        retries,
        [(1, "HTTP 429".to_owned()), (2, "HTTP 503".to_owned())]
    );
    let attempts = events.iter().find_map(|e| match &e.kind {
        EventKind::ResponseReceived { attempts, .. } => Some(*attempts),
        _ => None,
    });
    assert_eq!(attempts, Some(3));
}

#[test]
fn retries_stop_after_the_configured_number_of_attempts() {
    static STATUSES: &[(u16, &[(&str, &str)])] = &[(500, &[]), (500, &[]), (500, &[]), (500, &[])];
    let transport = answering_in_turn(STATUSES);
    let events = local(run_with(
        quick_retries(),
        product_flows(),
        transport.clone(),
    ));
    assert_eq!(transport.requests().len(), 3);
    assert_eq!(printed(&events), ["failed 500"]);
}

#[test]
fn other_client_errors_and_a_refusing_endpoint_are_not_retried() {
    static DECLINED: &[(u16, &[(&str, &str)])] = &[(402, &[])];
    static REFUSED: &[(u16, &[(&str, &str)])] = &[(503, &[("Stripe-Should-Retry", "false")])];
    static TOO_LONG: &[(u16, &[(&str, &str)])] = &[(429, &[("Retry-After", "30")])];
    for statuses in [DECLINED, REFUSED, TOO_LONG] {
        let transport = answering_in_turn(statuses);
        let events = local(run_with(
            quick_retries(),
            product_flows(),
            transport.clone(),
        ));
        assert_eq!(transport.requests().len(), 1, "{statuses:?}");
        assert!(printed(&events)[0].starts_with("failed"));
    }
}

#[test]
fn network_errors_are_retried() {
    let count = Rc::new(Cell::new(0));
    let seen = Rc::clone(&count);
    let transport = MemoryTransport::new(move |_| {
        seen.set(seen.get() + 1);
        match seen.get() {
            1 => Err(rhai_flow::TransportError::network("connection reset")),
            _ => Ok(Response::json(200, r#"{"id": "prod_9"}"#)),
        }
    });
    let events = local(run_with(quick_retries(), product_flows(), transport));
    assert_eq!(printed(&events), ["created prod_9"]);
    assert_eq!(count.get(), 2);
}

#[test]
fn a_stop_during_the_wait_before_a_retry_cancels_the_call() {
    static STATUSES: &[(u16, &[(&str, &str)])] = &[(503, &[])];
    let retry = RetryPolicy {
        max_retries: 2,
        initial_delay_ms: 5_000,
        max_delay_ms: 10_000,
    };
    let config = Config {
        retry,
        ..Config::default()
    };
    local(async {
        let runtime = Runtime::new(config, product_flows(), answering_in_turn(STATUSES)).unwrap();
        let events = record(&runtime);
        let retrying = Rc::new(Cell::new(false));
        let seen = Rc::clone(&retrying);
        let handle = runtime.clone();
        runtime.subscribe(move |event| {
            if event.kind.name() == "request_retrying" && !seen.replace(true) {
                handle.stop();
            }
        });
        runtime.run_main().unwrap();
        runtime.idle().await;
        assert!(retrying.get());
        let lines = summaries(&events.borrow());
        assert!(
            lines.contains(&"cancelled product_created".to_owned()),
            "{lines:#?}"
        );
        assert!(printed(&events.borrow()).is_empty());
    });
}

#[test]
fn an_error_flow_that_keeps_failing_is_stopped_by_the_guard() {
    let flows = FlowSet::new()
        .with_script(
            "main.rhai",
            r#"create_payment_intent(2000, "usd", "cus_lost_card");"#,
        )
        .with_script(
            "failed.rhai",
            r#"create_payment_intent(context_original_amount, "usd", context_customer_id);"#,
        )
        .with_event("payment_intent_failed", "failed.rhai");
    let events = local(run(
        flows,
        answering(402, r#"{"error": {"type": "card_error"}}"#),
    ));
    let requests = events
        .iter()
        .filter(|e| e.kind.name() == "request_sent")
        .count();
    assert_eq!(
        requests, 4,
        "the first call and three retries by error flows"
    );
    let guard = events.iter().find_map(|e| match &e.kind {
        EventKind::GuardTripped {
            event,
            guard,
            limit,
        } => Some((event.clone(), *guard, *limit)),
        _ => None,
    });
    assert_eq!(
        guard,
        Some(("payment_intent_failed".to_owned(), "max_error_chain", 3))
    );
    assert_eq!(events.last().map(summary).as_deref(), Some("idle"));
}

#[test]
fn a_success_resets_the_error_guard() {
    let flows = example("recovery");
    let events = local(run(flows, fake_stripe()));
    assert!(!events.iter().any(|e| e.kind.name() == "guard_tripped"));
}

#[test]
fn sleep_is_refused_with_a_reason_instead_of_blocking() {
    for source in ["sleep(1);", "sleep(0.5);"] {
        let flows = FlowSet::new().with_script("main.rhai", source);
        let events = local(run(flows, answering(200, "{}")));
        let lines = summaries(&events);
        assert!(
            lines[1].contains("sleep() is not available in flows"),
            "{lines:?}"
        );
    }
}

#[test]
fn timestamps_work_in_flows() {
    let flows = FlowSet::new().with_script(
        "main.rhai",
        "let t = timestamp(); print(`${t.elapsed >= 0.0}`);",
    );
    let events = local(run(flows, answering(200, "{}")));
    assert_eq!(printed(&events), ["true"]);
}

#[test]
fn a_panic_costs_one_flow_and_the_runtime_goes_on() {
    let transport = MemoryTransport::new(|request| {
        assert!(!request.url.ends_with("/boom"), "a transport with a bug");
        Ok(Response::json(200, "{}"))
    });
    local(async {
        let flows =
            FlowSet::new().with_script("main.rhai", r#"api_call("POST", "boom", #{}, "a", "b");"#);
        let runtime = Runtime::new(Config::default(), flows, transport).unwrap();
        let error = runtime.run_main().unwrap_err();
        assert!(
            error
                .message
                .contains("bug in the runtime (a transport with a bug)"),
            "{}",
            error.message
        );
        runtime.idle().await;
        runtime.set_script(
            "main.rhai",
            r#"api_call("POST", "fine", #{}, "a", "b"); print("ok");"#,
        );
        runtime.run_main().unwrap();
        runtime.idle().await;
    });
}

/// Fails while answering a request to `/boom`, after the call has returned: a bug that
/// only the request's own task runs into.
struct BugWhileAnswering;

impl rhai_flow::Transport for BugWhileAnswering {
    fn send(&self, request: rhai_flow::Request) -> rhai_flow::ResponseFuture {
        Box::pin(async move {
            tokio::task::yield_now().await;
            assert!(
                !request.url.ends_with("/boom"),
                "a transport with an async bug"
            );
            Ok(Response::json(200, r#"{"id": "prod_1"}"#))
        })
    }
}

#[test]
fn a_panic_in_a_request_costs_that_request_and_is_reported() {
    let main = r#"api_call("POST", "boom", #{}, "boom_done", "boom_failed");
                  create_product("Lamp", "A desk lamp");"#;
    let flows = product_flows()
        .with_script("main.rhai", main)
        .with_script("failed.rhai", r#"print("failed");"#)
        .with_event("boom_failed", "failed.rhai");
    local(async {
        let runtime = Runtime::new(quick_config(), flows, BugWhileAnswering).unwrap();
        let events = record(&runtime);
        runtime.run_main().unwrap();
        runtime.idle().await;
        let events = events.borrow().clone();
        let sent = events
            .iter()
            .find(|e| matches!(&e.kind, EventKind::RequestSent { path, .. } if path == "boom"))
            .unwrap();
        let failure = events
            .iter()
            .find(|e| matches!(e.kind, EventKind::FlowFailed { .. }))
            .unwrap();
        let EventKind::FlowFailed {
            event,
            script,
            error,
        } = &failure.kind
        else {
            unreachable!()
        };
        assert_eq!(failure.parent, Some(sent.id));
        assert_eq!(
            (event.as_str(), script.as_str()),
            ("boom_failed", "failed.rhai")
        );
        assert_eq!(
            error.message,
            "the request stopped on a bug in the runtime (a transport with an async bug)"
        );
        assert_eq!(
            printed(&events),
            ["created prod_1"],
            "the other request went on"
        );
        assert_eq!(events.last().map(summary).as_deref(), Some("idle"));

        runtime.set_script("main.rhai", r#"create_product("Lamp", "A desk lamp");"#);
        let next = record(&runtime);
        runtime.run_main().unwrap();
        runtime.idle().await;
        assert_eq!(printed(&next.borrow()), ["created prod_1"]);
    });
}

/// Answers every request after `ms` milliseconds.
struct Slow(u64);

impl rhai_flow::Transport for Slow {
    fn send(&self, _: rhai_flow::Request) -> rhai_flow::ResponseFuture {
        let ms = self.0;
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            Ok(Response::json(200, r#"{"id": "prod_1"}"#))
        })
    }
}

#[test]
fn calls_waiting_for_a_place_on_the_wire_do_not_time_out() {
    let main = r#"for i in 0..6 { create_product("Lamp", "A desk lamp"); }"#;
    local(async {
        let config = Config {
            max_in_flight: 1,
            request_timeout_ms: 100,
            ..quick_config()
        };
        let flows = product_flows().with_script("main.rhai", main);
        let runtime = Runtime::new(config, flows, Slow(40)).unwrap();
        let events = record(&runtime);
        runtime.run_main().unwrap();
        runtime.idle().await;
        let lines = printed(&events.borrow());
        assert_eq!(
            lines,
            vec!["created prod_1"; 6],
            "six answers of 40 ms each, one at a time"
        );
    });
}

#[test]
fn a_flow_that_calls_in_a_loop_is_cut_off() {
    let mut config = quick_config();
    config.limits.max_calls_per_flow = 50;
    let flows = product_flows().with_script("main.rhai", r#"loop { create_product("a", "b"); }"#);
    let transport = answering(200, "{}");
    let events = local(run_with(config, flows, transport.clone()));
    assert_eq!(transport.requests().len(), 50);
    let failure = events.iter().find_map(|e| match &e.kind {
        EventKind::FlowFailed { error, .. } => Some(error.clone()),
        _ => None,
    });
    assert_eq!(failure.unwrap().limit, Some("max_calls_per_flow"));
}

#[test]
fn a_stop_from_the_listener_that_hears_of_a_request_cancels_it() {
    local(async {
        let answer = answering(200, r#"{"id": "prod_1"}"#);
        let runtime = Runtime::new(quick_config(), product_flows(), answer).unwrap();
        let stopper = runtime.clone();
        runtime.subscribe(move |event| {
            if event.kind.name() == "request_sent" {
                stopper.stop();
            }
        });
        let events = record(&runtime);
        runtime.run_main().unwrap();
        runtime.idle().await;
        let summaries = summaries(&events.borrow());
        assert!(
            summaries.contains(&"cancelled product_created".to_owned()),
            "{summaries:?}"
        );
        assert!(printed(&events.borrow()).is_empty(), "{summaries:?}");
    });
}

#[test]
fn a_listener_that_panics_on_every_event_changes_nothing_for_the_run() {
    local(async {
        let answer = answering(200, r#"{"id": "prod_1"}"#);
        let runtime = Runtime::new(quick_config(), product_flows(), answer).unwrap();
        runtime.subscribe(|event| panic!("a listener with a bug, on {}", event.kind.name()));
        let events = record(&runtime);
        runtime.run_main().unwrap();
        runtime.idle().await;
        assert!(runtime.is_idle());
        assert_eq!(
            summaries(&events.borrow()),
            [
                "flow_started main",
                "request_sent create_product",
                "flow_finished main",
                "response 200 product_created",
                "flow_started product_created",
                "output created prod_1",
                "flow_finished product_created",
                "idle",
            ]
        );
    });
}

#[test]
fn flows_that_fan_out_are_cut_off_for_the_whole_run() {
    let mut config = quick_config();
    config.limits.max_calls_per_run = 100;
    let twice = r#"create_customer("a@b.c"); create_customer("a@b.c");"#;
    let flows = FlowSet::new()
        .with_script("main.rhai", r#"create_customer("a@b.c");"#)
        .with_script("created.rhai", twice)
        .with_event("customer_created", "created.rhai");
    let transport = answering(200, r#"{"id": "cus_1"}"#);
    let events = local(run_with(config, flows, transport.clone()));
    assert_eq!(transport.requests().len(), 100);
    let limits: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::FlowFailed { error, .. } => error.limit,
            _ => None,
        })
        .collect();
    assert!(!limits.is_empty() && limits.iter().all(|l| *l == "max_calls_per_run"));
    assert_eq!(events.last().map(summary).as_deref(), Some("idle"));
}

#[test]
fn the_extra_map_cannot_override_a_checked_parameter() {
    let main = r#"create_payment_intent(2000, "usd", "cus_1", #{ amount: -5 });"#;
    let flows = FlowSet::new().with_script("main.rhai", main);
    let transport = answering(200, "{}");
    let events = local(run(flows, transport.clone()));
    assert!(transport.requests().is_empty());
    assert!(summaries(&events)[1].contains("`amount` is set by a parameter"));
}
