//! Each resource's happy path and Stripe's shape, and the errors for bad parameters.

mod common;

use common::{error_of, start};
use serde_json::Value;

fn assert_stripe_shape(object: &Value, prefix: &str, kind: &str) {
    let id = object["id"].as_str().expect("an id");
    let suffix = id
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{id} lacks {prefix}"));
    assert!(suffix.len() >= 14, "{id} is too short");
    assert_eq!(object["object"], kind);
    assert_eq!(object["livemode"], false);
    assert!(object["metadata"].is_object());
    assert!(object["created"]
        .as_i64()
        .is_some_and(|created| created > 1_600_000_000));
}

#[tokio::test]
async fn customers_are_created_and_retrieved() {
    let server = start().await;
    let form = "email=jane%40example.com&name=Jane+Doe&description=VIP%20customer\
                &metadata[plan]=gold&invoice_settings[default_payment_method]=pm_card_visa";
    let created = server.post("/v1/customers", form).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let customer = created.json();
    assert_stripe_shape(&customer, "cus_", "customer");
    assert_eq!(customer["email"], "jane@example.com");
    assert_eq!(customer["name"], "Jane Doe");
    assert_eq!(customer["description"], "VIP customer");
    assert_eq!(customer["metadata"]["plan"], "gold");
    assert_eq!(
        customer["invoice_settings"]["default_payment_method"],
        "pm_card_visa"
    );

    let id = customer["id"].as_str().unwrap();
    let fetched = server.get(&format!("/v1/customers/{id}")).await;
    assert_eq!(fetched.json(), customer);
}

#[tokio::test]
async fn products_and_prices_are_created_and_retrieved() {
    let server = start().await;
    let product = server
        .post(
            "/v1/products",
            "name=Gold&description=Gold+plan&metadata[tier]=1",
        )
        .await
        .json();
    assert_stripe_shape(&product, "prod_", "product");
    assert_eq!(product["active"], true);
    let product_id = product["id"].as_str().unwrap();

    let form = format!(
        "product={product_id}&unit_amount=1500&currency=USD\
         &recurring[interval]=month&nickname=Gold"
    );
    let price = server.post("/v1/prices", &form).await.json();
    assert_stripe_shape(&price, "price_", "price");
    assert_eq!(price["unit_amount"], 1500);
    assert_eq!(price["currency"], "usd");
    assert_eq!(price["recurring"]["interval"], "month");
    assert_eq!(price["type"], "recurring");

    let id = price["id"].as_str().unwrap();
    assert_eq!(server.get(&format!("/v1/prices/{id}")).await.json(), price);
    assert_eq!(
        server
            .get(&format!("/v1/products/{product_id}"))
            .await
            .json(),
        product
    );
}

#[tokio::test]
async fn subscriptions_accept_seeded_and_created_prices() {
    let server = start().await;
    let form = "customer=cus_customer123&items[0][price]=price_monthly_plan\
                &items[1][price]=price_monthly&items[1][quantity]=3&metadata[source]=flow";
    let reply = server.post("/v1/subscriptions", form).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let subscription = reply.json();
    assert_stripe_shape(&subscription, "sub_", "subscription");
    assert_eq!(subscription["status"], "active");
    assert_eq!(subscription["customer"], "cus_customer123");
    let items = subscription["items"]["data"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items[0]["id"].as_str().unwrap().starts_with("si_"));
    assert_eq!(items[0]["price"]["id"], "price_monthly_plan");
    assert_eq!(items[1]["quantity"], 3);

    let id = subscription["id"].as_str().unwrap();
    assert_eq!(
        server.get(&format!("/v1/subscriptions/{id}")).await.json(),
        subscription
    );
}

#[tokio::test]
async fn a_subscription_to_an_unknown_price_is_a_404_naming_the_item() {
    let server = start().await;
    let reply = server
        .post(
            "/v1/subscriptions",
            "customer=cus_123&items[0][price]=price_nope",
        )
        .await;
    let error = error_of(&reply, 404, "invalid_request_error");
    assert_eq!(error["code"], "resource_missing");
    assert_eq!(error["param"], "items[0][price]");
    assert_eq!(error["message"], "No such price: 'price_nope'");
}

#[tokio::test]
async fn messages_store_any_parameters_and_list_them() {
    let server = start().await;
    let form = "kind=welcome_email&to=cus_123&template[name]=welcome&tags[]=a&tags[]=b";
    let message = server.post("/v1/messages", form).await.json();
    assert_stripe_shape(&message, "msg_", "message");
    assert_eq!(message["status"], "stored");
    assert_eq!(message["kind"], "welcome_email");
    assert_eq!(message["template"]["name"], "welcome");
    assert_eq!(message["tags"], serde_json::json!(["a", "b"]));

    let id = message["id"].as_str().unwrap();
    assert_eq!(
        server.get(&format!("/v1/messages/{id}")).await.json(),
        message
    );
    let list = server.get("/v1/messages").await.json();
    assert_eq!(list["object"], "list");
    assert_eq!(list["url"], "/v1/messages");
    assert_eq!(list["has_more"], false);
    assert_eq!(list["data"], serde_json::json!([message]));
}

#[tokio::test]
async fn the_example_customers_are_seeded() {
    let server = start().await;
    for id in [
        "cus_customer123",
        "cus_123",
        "cus_insufficient_funds",
        "cus_card_declined",
        "cus_lost_card",
    ] {
        let reply = server.get(&format!("/v1/customers/{id}")).await;
        assert_eq!(reply.status, 200, "{id}: {}", reply.text);
    }
    let enterprise = server.get("/v1/customers/cus_enterprise").await.json();
    assert_eq!(enterprise["metadata"]["customer_type"], "enterprise");
    let price = server.get("/v1/prices/price_monthly").await.json();
    assert_eq!(price["recurring"]["interval"], "month");
}

#[tokio::test]
async fn unknown_parameters_are_refused_by_name() {
    let server = start().await;
    let reply = server
        .post("/v1/customers", "email=a%40b.c&favourite_colour=red")
        .await;
    let error = error_of(&reply, 400, "invalid_request_error");
    assert_eq!(error["code"], "parameter_unknown");
    assert_eq!(error["param"], "favourite_colour");

    let reply = server
        .post("/v1/customers", "invoice_settings[footer_colour]=red")
        .await;
    assert_eq!(
        error_of(&reply, 400, "invalid_request_error")["param"],
        "invoice_settings[footer_colour]"
    );
}

#[tokio::test]
async fn missing_required_parameters_are_named() {
    let server = start().await;
    let reply = server.post("/v1/payment_intents", "currency=usd").await;
    let error = error_of(&reply, 400, "invalid_request_error");
    assert_eq!(error["code"], "parameter_missing");
    assert_eq!(error["param"], "amount");

    let reply = server.post("/v1/products", "description=nameless").await;
    assert_eq!(
        error_of(&reply, 400, "invalid_request_error")["param"],
        "name"
    );
}

#[tokio::test]
async fn missing_objects_are_a_404() {
    let server = start().await;
    let reply = server.get("/v1/customers/cus_x").await;
    let error = error_of(&reply, 404, "invalid_request_error");
    assert_eq!(error["code"], "resource_missing");
    assert_eq!(error["message"], "No such customer: 'cus_x'");

    let reply = server
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&customer=cus_x",
        )
        .await;
    assert_eq!(
        error_of(&reply, 404, "invalid_request_error")["param"],
        "customer"
    );
}

#[tokio::test]
async fn amounts_must_be_positive_integers() {
    let server = start().await;
    for amount in ["0", "-5", "12.5", "abc"] {
        let reply = server
            .post(
                "/v1/payment_intents",
                &format!("amount={amount}&currency=usd"),
            )
            .await;
        let error = error_of(&reply, 400, "invalid_request_error");
        assert_eq!(error["param"], "amount", "{amount}");
    }
}

#[tokio::test]
async fn unknown_urls_are_a_stripe_404() {
    let server = start().await;
    let reply = server.post("/v1/xyz", "").await;
    let error = error_of(&reply, 404, "invalid_request_error");
    assert_eq!(
        error["message"],
        "Unrecognized request URL (POST: /v1/xyz)."
    );

    let reply = common::send(server.request(reqwest::Method::PUT, "/v1/customers")).await;
    error_of(&reply, 404, "invalid_request_error");
}
