//! The example flow sets in `flows/` run as they are, against an in-memory Stripe.

mod support;

use rhai_flow::EventKind;
use support::*;

#[test]
fn seed_chain_runs_payment_intent_then_subscription() {
    let transport = fake_stripe();
    let events = local(run(example("payment"), transport.clone()));
    let lines = summaries(&events);
    assert_eq!(
        lines,
        [
            "flow_started main",
            "output Starting payment flow...",
            "request_sent create_payment_intent",
            "output Payment intent request sent, continuing...",
            "flow_finished main",
            "response 200 payment_intent_created",
            "flow_started payment_intent_created",
            "output 🎉 Payment intent created successfully!",
            "output Payment Intent ID: pi_1",
            "output Status: requires_payment_method",
            "output Customer: cus_customer123",
            "output Amount: 2000",
            "output Creating subscription for customer...",
            "request_sent create_subscription",
            "flow_finished payment_intent_created",
            "response 200 subscription_created",
            "flow_started subscription_created",
            "output 🎉 Subscription created!",
            "output Subscription ID: sub_2",
            "output Customer: cus_customer123",
            "output Price: price_monthly_plan",
            "output Sending welcome email...",
            "flow_finished subscription_created",
            "idle",
        ]
    );
    let requests = transport.requests();
    assert_eq!(
        form(&requests[0]),
        pairs(&[
            ("amount", "2000"),
            ("currency", "usd"),
            ("customer", "cus_customer123")
        ])
    );
    assert_eq!(
        form(&requests[1]),
        pairs(&[
            ("customer", "cus_customer123"),
            ("items[0][price]", "price_monthly_plan")
        ])
    );
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn each_event_names_the_event_that_caused_it() {
    let events = local(run(example("payment"), fake_stripe()));
    let parent_kind = |index: usize| {
        let parent = events[index].parent.unwrap();
        events.iter().find(|e| e.id == parent).unwrap().kind.name()
    };
    for (index, event) in events.iter().enumerate() {
        let expected = match event.kind.name() {
            "request_sent" | "output" | "flow_finished" => "flow_started",
            "response_received" => "request_sent",
            "flow_started" if event.parent.is_some() => "response_received",
            _ => continue,
        };
        assert_eq!(parent_kind(index), expected, "{}", summary(event));
    }
    let ids: Vec<_> = events.iter().map(|e| e.id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids grow in order: {ids:?}"
    );
}

#[test]
fn a_decline_for_insufficient_funds_retries_at_half_the_amount() {
    let transport = fake_stripe();
    let events = local(run(example("recovery"), transport.clone()));
    let amounts: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| param(&form(r), "amount").unwrap().to_owned())
        .collect();
    assert_eq!(amounts, ["2000", "1000"]);
    let lines = summaries(&events);
    let failed = lines
        .iter()
        .position(|l| l == "response 402 payment_intent_failed")
        .unwrap();
    let created = lines
        .iter()
        .position(|l| l == "response 200 payment_intent_created")
        .unwrap();
    assert!(failed < created, "{lines:#?}");
    assert!(printed(&events).contains(&"Status: succeeded".to_owned()));
    assert!(printed(&events).contains(&"Amount: 1000".to_owned()));
}

#[test]
fn the_conditional_flow_branches_on_context_set_in_main() {
    let transport = fake_stripe();
    let events = local(run(example("enterprise"), transport.clone()));
    let kinds: Vec<(String, String)> = transport
        .requests()
        .iter()
        .filter(|r| r.url.ends_with("/messages"))
        .map(|r| {
            (
                param(&form(r), "kind").unwrap().to_owned(),
                param(&form(r), "customer").unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(kinds.len(), 2, "{:#?}", summaries(&events));
    assert!(kinds.contains(&("enterprise_setup".into(), "cus_enterprise".into())));
    assert!(kinds.contains(&("welcome_email".into(), "cus_customer123".into())));
    let lines = printed(&events);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Enterprise set-up msg_") && l.ends_with("cus_enterprise")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Welcome email msg_") && l.ends_with("cus_customer123")));
}

#[test]
fn the_generic_call_example_builds_a_subscription_step_by_step() {
    let transport = fake_stripe();
    let events = local(run(example("generic"), transport.clone()));
    let paths: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| r.url.rsplit("/v1/").next().unwrap().to_owned())
        .collect();
    assert_eq!(paths, ["customers", "products", "prices", "subscriptions"]);
    let prices = form(&transport.requests()[2]);
    assert_eq!(param(&prices, "recurring[interval]"), Some("month"));
    assert_eq!(param(&prices, "product"), Some("prod_2"));
    let subscription = form(&transport.requests()[3]);
    assert_eq!(param(&subscription, "customer"), Some("cus_1"));
    assert!(
        printed(&events)
            .iter()
            .any(|l| l == "Subscription sub_4 is active for cus_1"),
        "{:#?}",
        summaries(&events)
    );
    assert!(!events
        .iter()
        .any(|e| matches!(e.kind, EventKind::FlowFailed { .. })));
}
