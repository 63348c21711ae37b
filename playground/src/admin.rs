//! The test endpoint's admin API, which sits beside its `/v1` API: fault injection, so a
//! person can watch error flows fire.

use gloo_net::http::Request;
use serde_json::{json, Value};

/// Faults for the endpoint's next requests.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Faults {
    pub(crate) latency_ms: u64,
    pub(crate) fail_count: u32,
    pub(crate) fail_status: u16,
}

/// `http://host:port` of an endpoint such as `http://host:port/v1`.
fn origin(endpoint: &str) -> Option<&str> {
    let scheme_end = endpoint.find("://")? + 3;
    let path_start = endpoint[scheme_end..]
        .find('/')
        .map_or(endpoint.len(), |at| scheme_end + at);
    Some(&endpoint[..path_start])
}

fn faults_url(endpoint: &str) -> Result<String, String> {
    let origin = origin(endpoint.trim()).ok_or_else(|| format!("`{endpoint}` is not a URL"))?;
    Ok(format!("{origin}/__admin/faults"))
}

/// Replaces the endpoint's faults with `faults`, and describes what it now does.
pub(crate) async fn set_faults(endpoint: &str, faults: Faults) -> Result<String, String> {
    let mut body = json!({ "latency_ms": faults.latency_ms });
    if faults.fail_count > 0 {
        body["status_next"] = json!({ "status": faults.fail_status, "count": faults.fail_count });
    }
    let url = faults_url(endpoint)?;
    let request = Request::post(&url)
        .json(&body)
        .map_err(|error| error.to_string())?;
    let answer = request
        .send()
        .await
        .map_err(|error| unreachable(&url, &error))?;
    let text = answer.text().await.map_err(|error| error.to_string())?;
    if !answer.ok() {
        return Err(format!(
            "the endpoint refused the faults ({}): {text}",
            answer.status()
        ));
    }
    Ok(describe(
        &serde_json::from_str(&text).unwrap_or(Value::Null),
    ))
}

/// Turns every fault off.
pub(crate) async fn clear_faults(endpoint: &str) -> Result<String, String> {
    let url = faults_url(endpoint)?;
    let answer = Request::delete(&url)
        .send()
        .await
        .map_err(|error| unreachable(&url, &error))?;
    match answer.ok() {
        true => Ok("Faults cleared: requests are answered at once and normally.".to_owned()),
        false => Err(format!(
            "the endpoint did not clear its faults ({})",
            answer.status()
        )),
    }
}

fn unreachable(url: &str, error: &gloo_net::Error) -> String {
    format!("could not reach {url} ({error}); is the test endpoint running?")
}

fn describe(faults: &Value) -> String {
    let latency = faults["latency_ms"].as_u64().unwrap_or(0);
    let mut text = format!("Faults set: {latency} ms of latency per request");
    if let Some(status) = faults["status_next"].as_object() {
        let code = status.get("status").and_then(Value::as_u64).unwrap_or(0);
        let count = status.get("count").and_then(Value::as_u64).unwrap_or(0);
        text.push_str(&format!(", the next {count} answered with {code}"));
    }
    text.push('.');
    text
}
