//! Authentication, CORS, idempotency, the request log and bad input.

mod common;

use common::{error_of, send, start};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn requests_without_a_key_are_refused() {
    let server = start().await;
    let reply = send(server.unauthenticated(Method::GET, "/v1/customers/cus_123")).await;
    let error = error_of(&reply, 401, "invalid_request_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("You did not provide an API key"));
}

#[tokio::test]
async fn malformed_and_live_keys_are_refused() {
    let server = start().await;
    for (header, shown) in [
        ("Bearer sk_live_51HxYzAbCdEf1234", "sk_live_****1234"),
        ("Bearer pk_test_51HxYzAbCdEf9876", "pk_test_****9876"),
        ("Token sk_test_abc", "****"),
        ("Basic %%%", "****"),
    ] {
        let request = server.unauthenticated(Method::GET, "/v1/customers/cus_123");
        let reply = send(request.header(AUTHORIZATION, header)).await;
        let error = error_of(&reply, 401, "invalid_request_error");
        assert_eq!(
            error["message"],
            format!("Invalid API Key provided: {shown}"),
            "{header}"
        );
    }
}

#[tokio::test]
async fn basic_auth_with_the_key_as_user_name_is_accepted() {
    let server = start().await;
    let request = server.unauthenticated(Method::GET, "/v1/customers/cus_123");
    let reply = send(request.basic_auth("sk_test_anything", None::<&str>)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn admin_paths_need_no_key() {
    let server = start().await;
    let reply = server.admin(Method::GET, "/__admin/health", None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"ok": true}));
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let server = start().await;
    let first = server.get("/v1/customers/cus_123").await;
    let second = server.get("/v1/customers/nope").await;
    let first_id = first.header("request-id").unwrap().to_owned();
    assert!(first_id.starts_with("req_"));
    assert_ne!(Some(first_id.as_str()), second.header("request-id"));
}

#[tokio::test]
async fn loopback_preflights_are_allowed_with_every_header() {
    let server = start().await;
    let request = server
        .unauthenticated(Method::OPTIONS, "/v1/payment_intents")
        .header("Origin", "http://127.0.0.1:8080")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, idempotency-key, content-type",
        );
    let reply = send(request).await;
    assert!(reply.status < 300, "{reply:?}");
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );
    let allowed = reply
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    for header in ["authorization", "idempotency-key", "content-type"] {
        assert!(allowed.contains(header), "{header} missing from {allowed}");
    }
    let methods = reply.header("access-control-allow-methods").unwrap();
    assert!(
        methods.contains("POST") && methods.contains("DELETE"),
        "{methods}"
    );
}

#[tokio::test]
async fn loopback_requests_see_the_exposed_headers() {
    let server = start().await;
    let request = server
        .request(Method::GET, "/v1/customers/cus_123")
        .header("Origin", "http://localhost:5173");
    let reply = send(request).await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    let exposed = reply
        .header("access-control-expose-headers")
        .unwrap()
        .to_lowercase();
    for header in [
        "request-id",
        "idempotent-replayed",
        "retry-after",
        "stripe-should-retry",
    ] {
        assert!(exposed.contains(header), "{header} missing from {exposed}");
    }
}

#[tokio::test]
async fn other_origins_get_no_cors_headers() {
    let server = start().await;
    let request = server
        .unauthenticated(Method::OPTIONS, "/v1/payment_intents")
        .header("Origin", "http://example.com")
        .header("Access-Control-Request-Method", "POST");
    let reply = send(request).await;
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn a_repeated_idempotency_key_replays_the_first_reply() {
    let server = start().await;
    let form = "amount=1200&currency=usd&customer=cus_123";
    let first = server
        .post_with_key("/v1/payment_intents", form, "order-1")
        .await;
    let second = server
        .post_with_key("/v1/payment_intents", form, "order-1")
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(second.status, 200);
    assert_eq!(first.text, second.text);
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));

    let log = server.log().await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["replayed"], true);
}

#[tokio::test]
async fn a_replay_creates_no_second_object() {
    let server = start().await;
    for _ in 0..3 {
        let reply = server
            .post_with_key("/v1/messages", "kind=welcome", "welcome-1")
            .await;
        assert_eq!(reply.status, 200);
    }
    let list = server.get("/v1/messages").await.json();
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn declines_are_replayed_too() {
    let server = start().await;
    let form = "amount=2000&currency=usd&customer=cus_insufficient_funds";
    let first = server.post_with_key("/v1/payment_intents", form, "k").await;
    let second = server.post_with_key("/v1/payment_intents", form, "k").await;
    assert_eq!((first.status, second.status), (402, 402));
    assert_eq!(first.text, second.text);
}

#[tokio::test]
async fn a_reused_key_with_other_parameters_is_refused() {
    let server = start().await;
    server
        .post_with_key("/v1/customers", "name=A", "same-key")
        .await;
    let reply = server
        .post_with_key("/v1/customers", "name=B", "same-key")
        .await;
    let error = error_of(&reply, 400, "idempotency_error");
    let message = error["message"].as_str().unwrap();
    assert!(message
        .starts_with("Keys for idempotent requests can only be used with the same parameters"));
}

#[tokio::test]
async fn the_request_log_records_each_v1_request_and_reset_clears_it() {
    let server = start().await;
    server
        .post_with_key("/v1/customers", "metadata[a]=1&name=Ann", "key-1")
        .await;
    server.get("/v1/customers/cus_missing").await;
    let log = server.log().await;
    assert_eq!(log.len(), 2);
    let first = &log[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/v1/customers");
    assert_eq!(first["idempotency_key"], "key-1");
    assert_eq!(first["authorization"], "Bearer sk_test_****p7dc");
    assert_eq!(first["content_type"], "application/x-www-form-urlencoded");
    assert_eq!(
        first["body"],
        json!({"metadata": {"a": "1"}, "name": "Ann"})
    );
    assert_eq!(first["status"], 200);
    assert!(first["fault"].is_null());
    assert_eq!(first["replayed"], false);
    assert_eq!(log[1]["status"], 404);

    let created = server.post("/v1/customers", "name=Gone").await.json();
    let reset = server.admin(Method::POST, "/__admin/reset", None).await;
    assert_eq!(reset.status, 200);
    assert!(server.log().await.is_empty());
    let id = created["id"].as_str().unwrap();
    assert_eq!(server.get(&format!("/v1/customers/{id}")).await.status, 404);
    assert_eq!(server.get("/v1/customers/cus_enterprise").await.status, 200);
}

#[tokio::test]
async fn bad_bodies_are_answered_not_crashed_on() {
    let server = start().await;
    let bodies: [&[u8]; 4] = [
        b"name=%FF%FE",
        b"a[b=1",
        b"metadata=x&metadata[a]=b",
        b"\xff\xfe\x00",
    ];
    for body in bodies {
        let request = server.request(Method::POST, "/v1/customers");
        let request = request.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        let reply = send(request.body(body.to_vec())).await;
        error_of(&reply, 400, "invalid_request_error");
    }
    assert_eq!(
        server
            .admin(Method::GET, "/__admin/health", None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn bodies_over_one_megabyte_are_a_413() {
    let server = start().await;
    let body = format!("description={}", "x".repeat(1 << 20));
    let reply = server.post("/v1/customers", &body).await;
    error_of(&reply, 413, "invalid_request_error");
}

#[tokio::test]
async fn json_bodies_are_refused_with_a_hint() {
    let server = start().await;
    let request = server.request(Method::POST, "/v1/customers");
    let reply = send(request.header(CONTENT_TYPE, "application/json").body("{}")).await;
    let error = error_of(&reply, 400, "invalid_request_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("x-www-form-urlencoded"));
}

#[tokio::test]
async fn unknown_methods_are_answered() {
    let server = start().await;
    let method = Method::from_bytes(b"BREW").unwrap();
    let reply = send(server.request(method, "/v1/customers")).await;
    error_of(&reply, 404, "invalid_request_error");
}
