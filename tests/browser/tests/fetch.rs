//! The runtime in headless Chromium, over `fetch`, against the test endpoint.

#![cfg(target_arch = "wasm32")]

use rhai_flow::{Config, EventKind, FetchTransport, Request, Transport};
use rhai_flow_browser_tests::*;
use serde_json::{json, Value};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn payment() -> rhai_flow::FlowSet {
    example!(
        "payment",
        [
            "main.rhai",
            "payment_intent_created.rhai",
            "payment_intent_failed.rhai",
            "product_created.rhai",
            "subscription_created.rhai",
        ]
    )
}

fn logged(log: &[Value], field: &str) -> Vec<Value> {
    log.iter().map(|entry| entry[field].clone()).collect()
}

#[wasm_bindgen_test]
async fn seed_chain_runs_end_to_end_over_fetch() {
    reset().await;
    let events = run(config(), payment()).await;
    let bodies = response_bodies(&events);
    assert_eq!(bodies.len(), 2, "{:#?}", printed(&events));
    let (intent, subscription) = (&bodies[0].1, &bodies[1].1);
    assert_eq!(intent["object"], "payment_intent");
    assert_eq!(subscription["object"], "subscription");

    let lines = printed(&events);
    let intent_id = intent["id"].as_str().unwrap();
    let subscription_id = subscription["id"].as_str().unwrap();
    assert!(intent_id.starts_with("pi_") && subscription_id.starts_with("sub_"));
    assert!(
        lines.contains(&format!("Payment Intent ID: {intent_id}")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!("Subscription ID: {subscription_id}")),
        "{lines:#?}"
    );
    assert!(lines.contains(&"Price: price_monthly_plan".to_owned()));

    let log = request_log().await;
    assert_eq!(
        logged(&log, "path"),
        [json!("/v1/payment_intents"), json!("/v1/subscriptions")]
    );
    assert_eq!(logged(&log, "status"), [json!(200), json!(200)]);
    assert_eq!(log[1]["body"]["items"][0]["price"], "price_monthly_plan");
}

#[wasm_bindgen_test]
async fn every_request_passes_the_cors_preflight_with_its_three_headers() {
    reset().await;
    run(config(), payment()).await;
    for entry in request_log().await {
        // The browser only sends the request after the preflight allowed these headers.
        assert!(entry["idempotency_key"]
            .as_str()
            .is_some_and(|key| key.starts_with("rf_")));
        assert!(entry["authorization"]
            .as_str()
            .unwrap()
            .starts_with("Bearer sk_test_"));
        assert_eq!(entry["content_type"], "application/x-www-form-urlencoded");
    }
}

#[wasm_bindgen_test]
async fn insufficient_funds_retry_at_half_the_amount_and_succeed() {
    reset().await;
    let flows = example!(
        "recovery",
        [
            "main.rhai",
            "payment_intent_created.rhai",
            "payment_intent_failed.rhai",
            "error_notification_sent.rhai",
        ]
    );
    let events = run(config(), flows).await;
    let log = request_log().await;
    let amounts: Vec<Value> = log
        .iter()
        .map(|entry| entry["body"]["amount"].clone())
        .collect();
    assert_eq!(amounts, [json!("2000"), json!("1000")]);
    assert_eq!(logged(&log, "status"), [json!(402), json!(200)]);
    let lines = printed(&events);
    assert!(
        lines.contains(&"Status: succeeded".to_owned()),
        "{lines:#?}"
    );
    assert!(lines.contains(&"Amount: 1000".to_owned()), "{lines:#?}");
}

#[wasm_bindgen_test]
async fn a_decline_reaches_the_error_flow_with_its_decline_code() {
    reset().await;
    let flows = flow_set(
        r#"{"events": {"payment_intent_failed": "failed.rhai"}}"#,
        &[
            (
                "main.rhai",
                r#"create_payment_intent(2000, "usd", "cus_lost_card");"#,
            ),
            (
                "failed.rhai",
                r#"print(`${http_status} ${error_type} ${code} ${decline_code} ${param}`);"#,
            ),
        ],
    );
    let events = run(config(), flows).await;
    assert_eq!(
        printed(&events),
        ["402 card_error card_declined lost_card "]
    );
}

#[wasm_bindgen_test]
async fn a_body_that_is_not_json_is_dispatched_by_its_status() {
    reset().await;
    admin("POST", "faults", Some(json!({ "malformed_next": 1 }))).await;
    let flows = flow_set(
        r#"{"events": {"product_created": "created.rhai"}}"#,
        &[
            ("main.rhai", r#"create_product("Lamp", "A desk lamp");"#),
            (
                "created.rhai",
                r#"print(`${http_status} ${type_of(body)} ${body.len() > 0}`);"#,
            ),
        ],
    );
    let events = run(config(), flows).await;
    assert_eq!(printed(&events), ["200 string true"]);
    let parse_error = events.iter().find_map(|event| match &event.kind {
        EventKind::ResponseReceived { parse_error, .. } => parse_error.clone(),
        _ => None,
    });
    assert!(parse_error.unwrap().starts_with("body is not JSON"));
}

#[wasm_bindgen_test]
async fn a_closed_port_is_a_network_error_not_an_http_error() {
    let config = Config {
        endpoint: "http://127.0.0.1:9/v1".into(),
        ..config()
    };
    let flows = flow_set(
        r#"{"events": {"product_failed": "failed.rhai"}}"#,
        &[
            ("main.rhai", r#"create_product("Lamp", "A desk lamp");"#),
            (
                "failed.rhai",
                r#"print(`${error_type} ${http_status == ()}`);"#,
            ),
        ],
    );
    let events = run(config, flows).await;
    assert_eq!(printed(&events), ["api_connection_error true"]);
    let failure = events.iter().find_map(|event| match &event.kind {
        EventKind::RequestFailed {
            error, timed_out, ..
        } => Some((error.clone(), *timed_out)),
        _ => None,
    });
    let (error, timed_out) = failure.expect("the request fails");
    assert!(!timed_out);
    assert!(
        error.starts_with("could not reach http://127.0.0.1:9/v1/products"),
        "{error}"
    );
    assert!(!error.contains("JsValue"), "{error}");
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out_and_runs_the_error_flow() {
    reset().await;
    admin("POST", "faults", Some(json!({ "latency_ms": 3000 }))).await;
    let config = Config {
        request_timeout_ms: 300,
        ..config()
    };
    let flows = flow_set(
        r#"{"events": {"product_failed": "failed.rhai", "product_created": "created.rhai"}}"#,
        &[
            ("main.rhai", r#"create_product("Lamp", "A desk lamp");"#),
            ("failed.rhai", r#"print(`${error_type}: ${message}`);"#),
            ("created.rhai", r#"print("too late");"#),
        ],
    );
    let events = run(config, flows).await;
    admin("DELETE", "faults", None).await;
    assert_eq!(printed(&events), ["timeout: no answer within 300 ms"]);
}

#[wasm_bindgen_test]
async fn the_same_idempotency_key_replays_the_first_answer() {
    reset().await;
    let request = Request {
        method: "POST".into(),
        url: format!("{ENDPOINT}/v1/customers"),
        headers: vec![
            ("Authorization".into(), "Bearer sk_test_replay".into()),
            ("Idempotency-Key".into(), "replay-check-1".into()),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: Some("email=ada%40example.com".into()),
    };
    let first = FetchTransport
        .send(request.clone())
        .await
        .expect("first answer");
    let second = FetchTransport.send(request).await.expect("second answer");
    assert_eq!(first.status, 200);
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    let created = request_log()
        .await
        .iter()
        .filter(|e| e["replayed"] == json!(false))
        .count();
    assert_eq!(created, 1);
}

#[wasm_bindgen_test]
async fn an_empty_204_runs_the_success_flow_with_no_fields() {
    reset().await;
    admin(
        "POST",
        "faults",
        Some(json!({ "status_next": { "status": 204 } })),
    )
    .await;
    let flows = flow_set(
        r#"{"events": {"product_created": "created.rhai"}}"#,
        &[
            ("main.rhai", r#"create_product("Lamp", "A desk lamp");"#),
            (
                "created.rhai",
                r#"print(`${http_status} ${is_def_var("id")}`);"#,
            ),
        ],
    );
    let events = run(config(), flows).await;
    assert_eq!(printed(&events), ["204 false"]);
}

#[wasm_bindgen_test]
fn a_live_secret_key_is_refused_in_the_browser() {
    for key in [
        "sk_live_0123456789",
        "rk_live_0123456789",
        " \u{a0}sk_live_0123456789",
    ] {
        let config = Config {
            api_key: key.into(),
            ..config()
        };
        let error = rhai_flow::Runtime::new(config, payment(), FetchTransport)
            .err()
            .unwrap_or_else(|| panic!("{key:?} was accepted"));
        assert!(matches!(error, rhai_flow::Error::Config { .. }));
        assert!(error
            .to_string()
            .contains("live secret key must not be used in a web page"));
    }
}

#[wasm_bindgen_test]
async fn time_works_and_sleep_is_refused_without_a_panic() {
    let flows = flow_set(
        "{}",
        &[(
            "main.rhai",
            "let t = timestamp(); print(`${t.elapsed >= 0.0}`); sleep(1);",
        )],
    );
    let events = run(config(), flows).await;
    assert_eq!(printed(&events), ["true"]);
    let failure = events.iter().find_map(|event| match &event.kind {
        EventKind::FlowFailed { error, .. } => Some(error.message.clone()),
        _ => None,
    });
    assert!(failure
        .unwrap()
        .contains("sleep() is not available in flows"));
}
