//! Payment intents with Stripe's test cards and the seeded demo customers.

mod common;

use common::{error_of, start, Server};
use serde_json::Value;

async fn create_for(server: &Server, customer: &str, amount: i64) -> common::Reply {
    let form = format!("amount={amount}&currency=usd&customer={customer}");
    server.post("/v1/payment_intents", &form).await
}

fn assert_declined(reply: &common::Reply, decline_code: &str, message: &str) -> Value {
    let error = error_of(reply, 402, "card_error");
    assert_eq!(error["code"], "card_declined");
    assert_eq!(error["decline_code"], decline_code);
    assert_eq!(error["message"], message);
    assert!(error["param"].is_null());
    let intent = error["payment_intent"].clone();
    assert_eq!(intent["status"], "requires_payment_method");
    assert_eq!(intent["last_payment_error"]["decline_code"], decline_code);
    intent
}

#[tokio::test]
async fn an_intent_without_payment_method_waits_for_one() {
    let server = start().await;
    let reply = create_for(&server, "cus_customer123", 2000).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let intent = reply.json();
    assert!(intent["id"].as_str().unwrap().starts_with("pi_"));
    assert_eq!(intent["object"], "payment_intent");
    assert_eq!(intent["status"], "requires_payment_method");
    assert_eq!(intent["amount"], 2000);
    assert_eq!(intent["livemode"], false);
    assert_eq!(intent["metadata"], serde_json::json!({}));
}

#[tokio::test]
async fn insufficient_funds_declines_above_1500_and_pays_at_most_1500() {
    let server = start().await;
    let declined = create_for(&server, "cus_insufficient_funds", 2000).await;
    let intent = assert_declined(
        &declined,
        "insufficient_funds",
        "Your card has insufficient funds.",
    );

    let id = intent["id"].as_str().unwrap();
    let stored = server
        .get(&format!("/v1/payment_intents/{id}"))
        .await
        .json();
    assert_eq!(stored["status"], "requires_payment_method");

    for amount in [1000, 1500] {
        let paid = create_for(&server, "cus_insufficient_funds", amount).await;
        assert_eq!(paid.status, 200, "{}", paid.text);
        assert_eq!(paid.json()["status"], "succeeded");
        assert_eq!(paid.json()["amount_received"], amount);
    }
    let declined = create_for(&server, "cus_insufficient_funds", 1501).await;
    assert_declined(
        &declined,
        "insufficient_funds",
        "Your card has insufficient funds.",
    );
}

#[tokio::test]
async fn the_declining_demo_customers_always_decline() {
    let server = start().await;
    let reply = create_for(&server, "cus_card_declined", 100).await;
    assert_declined(&reply, "generic_decline", "Your card was declined.");
    let reply = create_for(&server, "cus_lost_card", 100).await;
    assert_declined(&reply, "lost_card", "Your card was declined.");
}

#[tokio::test]
async fn confirming_with_each_test_payment_method_answers_as_stripe_does() {
    let server = start().await;
    let cases = [
        ("pm_card_visa", None),
        (
            "pm_card_chargeDeclined",
            Some(("generic_decline", "Your card was declined.")),
        ),
        (
            "pm_card_chargeDeclinedInsufficientFunds",
            Some(("insufficient_funds", "Your card has insufficient funds.")),
        ),
        (
            "pm_card_chargeDeclinedLostCard",
            Some(("lost_card", "Your card was declined.")),
        ),
    ];
    for (payment_method, outcome) in cases {
        let created = server
            .post("/v1/payment_intents", "amount=500&currency=usd")
            .await
            .json();
        let id = created["id"].as_str().unwrap();
        let form = format!("payment_method={payment_method}");
        let reply = server
            .post(&format!("/v1/payment_intents/{id}/confirm"), &form)
            .await;
        match outcome {
            None => {
                assert_eq!(reply.status, 200, "{}", reply.text);
                assert_eq!(reply.json()["status"], "succeeded");
            }
            Some((code, message)) => {
                assert_declined(&reply, code, message);
            }
        }
    }
}

#[tokio::test]
async fn create_with_confirm_charges_the_payment_method() {
    let server = start().await;
    let form = "amount=900&currency=usd&payment_method=pm_card_visa&confirm=true\
                &payment_method_types[]=card&receipt_email=a%40b.c&description=Order+1";
    let intent = server.post("/v1/payment_intents", form).await.json();
    assert_eq!(intent["status"], "succeeded");
    assert_eq!(intent["receipt_email"], "a@b.c");
    assert_eq!(intent["payment_method_types"], serde_json::json!(["card"]));

    let form = "amount=900&currency=usd&payment_method=pm_card_visa";
    let intent = server.post("/v1/payment_intents", form).await.json();
    assert_eq!(intent["status"], "requires_confirmation");
}

#[tokio::test]
async fn card_numbers_in_payment_method_data_behave_like_test_cards() {
    let server = start().await;
    let cases = [
        ("4242424242424242", None),
        ("4000000000000002", Some("generic_decline")),
        ("4000000000009995", Some("insufficient_funds")),
        ("4000000000009987", Some("lost_card")),
    ];
    for (number, decline) in cases {
        let form = format!(
            "amount=700&currency=usd&confirm=true&payment_method_data[type]=card\
             &payment_method_data[card][number]={number}"
        );
        let reply = server.post("/v1/payment_intents", &form).await;
        match decline {
            None => assert_eq!(reply.json()["status"], "succeeded", "{number}"),
            Some(code) => assert_eq!(error_of(&reply, 402, "card_error")["decline_code"], code),
        }
    }
}

#[tokio::test]
async fn a_succeeded_intent_cannot_be_confirmed_again() {
    let server = start().await;
    let form = "amount=900&currency=usd&payment_method=pm_card_visa&confirm=true";
    let intent = server.post("/v1/payment_intents", form).await.json();
    let id = intent["id"].as_str().unwrap();
    let reply = server
        .post(&format!("/v1/payment_intents/{id}/confirm"), "")
        .await;
    let error = error_of(&reply, 400, "invalid_request_error");
    assert_eq!(error["code"], "payment_intent_unexpected_state");
}

#[tokio::test]
async fn unknown_payment_methods_are_a_404() {
    let server = start().await;
    let form = "amount=900&currency=usd&payment_method=pm_nope";
    let reply = server.post("/v1/payment_intents", form).await;
    assert_eq!(
        error_of(&reply, 404, "invalid_request_error")["param"],
        "payment_method"
    );
}
