//! Starts a server in-process on port 0 and speaks HTTP to it.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of these helpers"
)]

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, Method, RequestBuilder};
use rhai_flow_endpoint::{serve, FaultConfig, Options};
use serde_json::Value;
use tokio::net::TcpListener;

pub(crate) const KEY: &str = "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc";

const FORM: &str = "application/x-www-form-urlencoded";

/// A running server and a client for it.
pub(crate) struct Server {
    pub(crate) base: String,
    client: Client,
}

/// A reply read in full.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) text: String,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|error| {
            panic!("reply is not JSON ({error}): {}", self.text);
        })
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

pub(crate) async fn start() -> Server {
    start_with(FaultConfig::default()).await
}

pub(crate) async fn start_with(faults: FaultConfig) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(serve(listener, Options::default().with_faults(faults)));
    Server {
        base,
        client: Client::new(),
    }
}

impl Server {
    /// A request to `path` carrying a test API key.
    pub(crate) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.unauthenticated(method, path)
            .header(AUTHORIZATION, KEY)
    }

    pub(crate) fn unauthenticated(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    pub(crate) async fn post(&self, path: &str, form: &str) -> Reply {
        let request = self.request(Method::POST, path);
        send(request.header(CONTENT_TYPE, FORM).body(form.to_owned())).await
    }

    pub(crate) async fn post_with_key(&self, path: &str, form: &str, key: &str) -> Reply {
        let request = self
            .request(Method::POST, path)
            .header("Idempotency-Key", key);
        send(request.header(CONTENT_TYPE, FORM).body(form.to_owned())).await
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        send(self.request(Method::GET, path)).await
    }

    pub(crate) async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let request = self.unauthenticated(method, path);
        let request = match body {
            Some(body) => request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string()),
            None => request,
        };
        send(request).await
    }

    pub(crate) async fn set_faults(&self, faults: Value) {
        let reply = self
            .admin(Method::POST, "/__admin/faults", Some(faults))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }

    /// The request log, as tests read it.
    pub(crate) async fn log(&self) -> Vec<Value> {
        let reply = self.admin(Method::GET, "/__admin/requests", None).await;
        match reply.json() {
            Value::Array(entries) => entries,
            other => panic!("the request log is not an array: {other}"),
        }
    }
}

pub(crate) async fn send(request: RequestBuilder) -> Reply {
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("the body is readable");
    Reply {
        status,
        headers,
        text,
    }
}

/// Asserts the Stripe error shape and returns the inner error object.
pub(crate) fn error_of(reply: &Reply, status: u16, kind: &str) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text);
    let error = reply.json()["error"].clone();
    assert_eq!(error["type"], kind, "{}", reply.text);
    assert!(error["message"].is_string(), "{}", reply.text);
    error
}
