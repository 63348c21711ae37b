//! Events read back from their serialized form: a stream sent to another thread as JSON
//! arrives as the stream that was sent.

mod support;

use std::collections::BTreeSet;

use rhai_flow::{Event, FlowSet};
use serde_json::Value;
use support::{answering, example, fake_stripe, local, run};

/// Serializes each event, reads it back and serializes it again: the two forms match.
///
/// They are compared as JSON values read by the same parser, which reads a number the same
/// way every time, though not always to the last bit of the number written.
fn assert_round_trips(events: &[Event]) {
    for event in events {
        let sent = serde_json::to_string(event).unwrap();
        let received: Event = serde_json::from_str(&sent)
            .unwrap_or_else(|error| panic!("{sent} does not read back: {error}"));
        let sent: Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(serde_json::to_value(&received).unwrap(), sent);
    }
}

fn kinds(events: &[Event]) -> BTreeSet<&'static str> {
    events.iter().map(|event| event.kind.name()).collect()
}

#[test]
fn every_event_of_a_run_reads_back_as_it_was_sent() {
    let mut events = local(run(example("payment"), fake_stripe()));
    let failing = FlowSet::new()
        .with_script(
            "main.rhai",
            r#"print("starting"); debug(#{ nested: [1, 2.5, "three", ()] });
               create_payment_intent(2000, "usd", "cus_lost_card", #{ order: 7 });"#,
        )
        .with_script(
            "failed.rhai",
            "create_payment_intent(context_original_amount, \"usd\", context_customer_id);",
        )
        .with_event("payment_intent_failed", "failed.rhai");
    events.extend(local(run(
        failing,
        answering(402, r#"{"error": {"type": "card_error"}}"#),
    )));
    let retried = FlowSet::new().with_script("main.rhai", "create_customer(\"a@b.c\");");
    events.extend(local(run(retried, answering(503, "not json"))));
    let limited = FlowSet::new().with_script("main.rhai", "loop {}");
    events.extend(local(run(limited, answering(200, "{}"))));

    let expected = [
        "flow_started",
        "flow_finished",
        "flow_failed",
        "output",
        "request_sent",
        "response_received",
        "request_retrying",
        "guard_tripped",
        "unhandled",
        "idle",
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|kind| !kinds(&events).contains(*kind))
        .collect();
    assert!(missing.is_empty(), "no event of kinds {missing:?}");
    assert_round_trips(&events);
}

#[test]
fn an_event_naming_an_unknown_limit_is_refused() {
    let text = r#"{"id": 4, "parent": 1, "atMs": 2.0, "kind": "guard_tripped",
                   "event": "a_failed", "guard": "max_patience", "limit": 3}"#;
    let error = serde_json::from_str::<Event>(text).unwrap_err();
    assert!(
        error.to_string().contains("unknown limit `max_patience`"),
        "{error}"
    );
}

#[test]
fn an_event_whose_context_is_not_a_map_is_refused() {
    let text = r#"{"id": 1, "parent": null, "atMs": 0.0, "kind": "flow_started",
                   "event": "main", "script": "main.rhai", "context": [1],
                   "fields": [], "depth": 0}"#;
    let error = serde_json::from_str::<Event>(text).unwrap_err();
    assert!(error.to_string().contains("expected a map"), "{error}");
}
