//! Thousands of calls against the test endpoint with seeded random faults: no call may be
//! lost or dispatched twice, and no retried call may create two objects.
//!
//! The test command runs it with 1,500 calls; `RHAI_FLOW_SOAK_CALLS=20000 cargo test -p
//! rhai-flow-cli --release --test soak -- --nocapture` runs it at full size.

mod support;

use std::collections::{HashMap, HashSet};

use rhai_flow::{Config, EventId, EventKind, FlowSet, RetryPolicy};
use rhai_flow_endpoint::{FaultConfig, RandomFaults};
use serde_json::Value;
use support::*;

fn calls() -> usize {
    let size = std::env::var("RHAI_FLOW_SOAK_CALLS").ok();
    size.and_then(|n| n.parse().ok()).unwrap_or(1_500)
}

fn faults() -> FaultConfig {
    let random = RandomFaults {
        rate_5xx: 0.06,
        rate_429: 0.03,
        rate_drop: 0.03,
        rate_malformed: 0.03,
    };
    FaultConfig {
        jitter_ms: 4,
        seed: 7,
        random,
        ..FaultConfig::default()
    }
}

fn flows(calls: usize) -> FlowSet {
    let main = format!(
        r#"for i in 0..{calls} {{
               set_context("n", i);
               api_call("POST", "messages", #{{ n: i }}, "stored", "failed");
           }}"#
    );
    FlowSet::new()
        .with_script("main.rhai", main)
        .with_script("stored.rhai", "print(`stored ${context_n}`);")
        .with_script("failed.rhai", "print(`failed ${context_n}`);")
        .with_event("stored", "stored.rhai")
        .with_event("failed", "failed.rhai")
}

fn config(base: &str) -> Config {
    let retry = RetryPolicy {
        max_retries: 4,
        initial_delay_ms: 5,
        max_delay_ms: 2_000,
    };
    let mut config = Config {
        endpoint: format!("{base}/v1"),
        retry,
        ..Config::default()
    };
    config.request_timeout_ms = 5_000;
    config.max_in_flight = 32;
    config.limits.max_operations = 100 * calls() as u64 + 1_000;
    config.limits.max_calls_per_flow = calls() as u32;
    config
}

#[test]
fn no_call_is_lost_or_dispatched_twice_under_random_faults() {
    let calls = calls();
    let base = start_endpoint(faults());
    let events = local(run(config(&base), flows(calls)));

    let mut outcome_of: HashMap<EventId, Vec<EventId>> = HashMap::new();
    let mut key_of: HashMap<EventId, String> = HashMap::new();
    let mut flows_of: HashMap<EventId, usize> = HashMap::new();
    for event in &events {
        match &event.kind {
            EventKind::RequestSent {
                idempotency_key, ..
            } => {
                key_of.insert(event.id, idempotency_key.clone().unwrap());
            }
            EventKind::ResponseReceived { .. }
            | EventKind::RequestFailed { .. }
            | EventKind::Cancelled { .. } => {
                outcome_of
                    .entry(event.parent.unwrap())
                    .or_default()
                    .push(event.id);
            }
            EventKind::FlowStarted { .. } if event.parent.is_some() => {
                *flows_of.entry(event.parent.unwrap()).or_default() += 1;
            }
            _ => {}
        }
    }
    assert_eq!(key_of.len(), calls);
    for request in key_of.keys() {
        let outcomes = &outcome_of[request];
        assert_eq!(
            outcomes.len(),
            1,
            "request {request} ended {} times",
            outcomes.len()
        );
        assert_eq!(
            flows_of.get(&outcomes[0]),
            Some(&1),
            "request {request}: one flow"
        );
    }

    let mut stored = HashSet::new();
    let mut failed = HashSet::new();
    for line in printed(&events) {
        let (verdict, n) = line.split_once(' ').unwrap();
        let n: usize = n.parse().unwrap();
        let fresh = match verdict {
            "stored" => stored.insert(n),
            _ => failed.insert(n),
        };
        assert!(fresh, "call {n} was dispatched twice");
    }
    assert_eq!(stored.len() + failed.len(), calls);
    assert!(stored.is_disjoint(&failed));

    let log = local(request_log(&base));
    let mut created: HashMap<String, usize> = HashMap::new();
    for entry in &log {
        let processed = entry["status"] == 200
            && entry["replayed"] == false
            && !matches!(
                entry["fault"].as_str(),
                Some("status" | "drop" | "random_5xx" | "random_429" | "random_drop")
            );
        if processed {
            *created
                .entry(entry["idempotency_key"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    assert!(
        created.values().all(|&n| n == 1),
        "a retried call created two objects"
    );
    assert_eq!(
        created.len(),
        stored.len(),
        "every stored call created its object, once"
    );

    let retries = events
        .iter()
        .filter(|e| e.kind.name() == "request_retrying")
        .count();
    let is_fault = |entry: &&Value| !entry["fault"].is_null() && entry["fault"] != "latency";
    let faults = log.iter().filter(is_fault).count();
    #[allow(clippy::print_stdout)]
    {
        println!(
            "soak: {calls} calls, {} requests, {faults} faults, {retries} retries",
            log.len()
        );
        println!(
            "soak: {} stored, {} failed after every retry",
            stored.len(),
            failed.len()
        );
    }
    assert!(faults > calls / 20, "the faults were injected");
    assert!(retries > 0);
}

async fn request_log(base: &str) -> Vec<Value> {
    let log = reqwest::get(format!("{base}/__admin/requests"))
        .await
        .unwrap();
    log.json().await.unwrap()
}
