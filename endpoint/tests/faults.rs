//! Fault injection through the admin API: latency, forced statuses, drops, malformed
//! bodies and seeded random faults.

mod common;

use std::time::{Duration, Instant};

use common::{start, start_with, Server};
use reqwest::Method;
use rhai_flow_endpoint::{FaultConfig, ForcedStatus};
use serde_json::{json, Value};

/// What a client saw: a status, or `"drop"` when the connection closed without an answer,
/// or `"malformed"` when a 200 carried a body that is not JSON.
async fn outcome(server: &Server) -> String {
    let request = server.request(Method::GET, "/v1/customers/cus_123");
    let Ok(response) = request.send().await else {
        return "drop".to_owned();
    };
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    if status == 200 && serde_json::from_str::<Value>(&text).is_err() {
        return "malformed".to_owned();
    }
    status.to_string()
}

#[tokio::test]
async fn latency_delays_v1_requests_and_shows_in_the_log() {
    let server = start().await;
    server.set_faults(json!({"latency_ms": 150})).await;
    let started = Instant::now();
    assert_eq!(outcome(&server).await, "200");
    assert!(started.elapsed() >= Duration::from_millis(150));

    let log = server.log().await;
    assert_eq!(log[0]["latency_ms"], 150);
    assert_eq!(log[0]["fault"], "latency");
}

#[tokio::test]
async fn a_forced_status_answers_exactly_count_requests() {
    let server = start().await;
    server
        .set_faults(json!({"status_next": {"status": 503, "count": 2}}))
        .await;
    let first = server.get("/v1/customers/cus_123").await;
    assert_eq!(first.status, 503);
    assert_eq!(first.json()["error"]["type"], "api_error");
    assert_eq!(first.header("retry-after"), Some("1"));
    assert_eq!(first.header("stripe-should-retry"), Some("true"));
    assert_eq!(outcome(&server).await, "503");
    assert_eq!(outcome(&server).await, "200");

    let log = server.log().await;
    let faults: Vec<&Value> = log.iter().map(|entry| &entry["fault"]).collect();
    assert_eq!(faults, [&json!("status"), &json!("status"), &Value::Null]);
}

#[tokio::test]
async fn a_forced_429_carries_retry_after() {
    let server = start().await;
    let faults = json!({"next": {"status": 429, "count": 1, "retry_after_s": 3}});
    server.set_faults(faults).await;
    let reply = server.get("/v1/customers/cus_123").await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.json()["error"]["code"], "rate_limit");
    assert_eq!(reply.header("retry-after"), Some("3"));
}

#[tokio::test]
async fn faults_never_touch_admin_paths() {
    let server = start().await;
    server
        .set_faults(json!({"status_next": {"status": 500, "count": 5}, "drop_next": 5}))
        .await;
    let reply = server.admin(Method::GET, "/__admin/health", None).await;
    assert_eq!(reply.status, 200);
    let config = server
        .admin(Method::GET, "/__admin/faults", None)
        .await
        .json();
    assert_eq!(config["drop_next"], 5);
    assert_eq!(config["status_next"]["count"], 5);
}

#[tokio::test]
async fn a_dropped_connection_is_a_client_error_and_is_logged() {
    let server = start().await;
    server.set_faults(json!({"drop_next": 1})).await;
    assert_eq!(outcome(&server).await, "drop");
    assert_eq!(outcome(&server).await, "200");

    let log = server.log().await;
    assert_eq!(log[0]["fault"], "drop");
    assert!(log[0]["status"].is_null());
    assert_eq!(log[1]["status"], 200);
}

#[tokio::test]
async fn a_malformed_body_is_not_json() {
    let server = start().await;
    server.set_faults(json!({"malformed_next": 1})).await;
    let reply = server.post("/v1/customers", "name=Cut").await;
    assert_eq!(reply.status, 200);
    assert!(serde_json::from_str::<Value>(&reply.text).is_err());
    assert!(!reply.text.is_empty());
    assert_eq!(outcome(&server).await, "200");
}

#[tokio::test]
async fn clearing_faults_restores_normal_answers() {
    let server = start().await;
    server
        .set_faults(json!({"status_next": {"status": 500, "count": 10}}))
        .await;
    assert_eq!(outcome(&server).await, "500");
    let cleared = server.admin(Method::DELETE, "/__admin/faults", None).await;
    assert_eq!(cleared.status, 200);
    assert_eq!(outcome(&server).await, "200");
}

#[tokio::test]
async fn invalid_fault_configurations_are_refused() {
    let server = start().await;
    for body in [
        json!({"random": {"rate_drop": 1.5}}),
        json!({"status_next": {"status": 200}}),
        json!({"latency": 5}),
    ] {
        let reply = server
            .admin(Method::POST, "/__admin/faults", Some(body.clone()))
            .await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
    }
}

async fn random_outcomes(server: &Server, seed: u64) -> Vec<String> {
    let faults = json!({
        "seed": seed,
        "random": {"rate_5xx": 0.2, "rate_429": 0.2, "rate_drop": 0.15, "rate_malformed": 0.15},
    });
    server.set_faults(faults).await;
    let mut outcomes = Vec::new();
    for _ in 0..30 {
        outcomes.push(outcome(server).await);
    }
    outcomes
}

#[tokio::test]
async fn the_same_seed_gives_the_same_random_outcomes() {
    let server = start().await;
    let first = random_outcomes(&server, 7).await;
    let second = random_outcomes(&server, 7).await;
    assert_eq!(first, second);
    for expected in ["200", "500", "429", "drop", "malformed"] {
        assert!(
            first.iter().any(|seen| seen == expected),
            "{expected} never happened: {first:?}"
        );
    }
    let other_seed = random_outcomes(&server, 8).await;
    assert_ne!(first, other_seed);
}

#[tokio::test]
async fn startup_faults_apply_from_the_first_request() {
    let faults = FaultConfig {
        status_next: Some(ForcedStatus {
            status: 409,
            count: 1,
            retry_after_s: 1,
        }),
        ..FaultConfig::default()
    };
    let server = start_with(faults).await;
    let reply = server.get("/v1/customers/cus_123").await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.json()["error"]["code"], "lock_timeout");
    assert_eq!(outcome(&server).await, "200");
}

#[tokio::test]
async fn a_request_whose_client_gave_up_is_logged_as_abandoned() {
    let server = start().await;
    server.set_faults(json!({"latency_ms": 2000})).await;
    let request = server.request(Method::GET, "/v1/customers/cus_123");
    let gave_up = request.timeout(Duration::from_millis(100)).send().await;
    assert!(gave_up.is_err());

    // The server learns of the closed connection a moment later; wait for the entry.
    let mut log = server.log().await;
    for _ in 0..50 {
        if !log.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        log = server.log().await;
    }
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["abandoned"], true);
    assert_eq!(log[0]["status"], Value::Null);
}
