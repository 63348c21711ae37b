//! What a flow sees of an answer: the response's fields on success, the error's parts on
//! failure.

use rhai::{Dynamic, Map};

use crate::transport::{Response, TransportError, TransportErrorKind};

/// How much of an unreadable body an error quotes.
const SNIPPET_CHARS: usize = 80;

/// Variables for a flow's scope, by name. A map, so a JSON object's fields pass through
/// without being copied.
pub(crate) type Fields = Map;

/// The variables a flow starts with, and whether the answer counts as a success.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) success: bool,
    pub(crate) fields: Fields,
    pub(crate) parse_error: Option<String>,
}

/// Reads an HTTP answer: a 2xx status is a success, anything else an error.
pub(crate) fn from_response(response: &Response) -> Outcome {
    let success = (200..300).contains(&response.status);
    let status = Dynamic::from_int(response.status.into());
    let (body, parse_error) = parse_body(&response.body);
    let mut fields = match (success, &parse_error) {
        (true, Some(_)) => Map::from_iter([("body".into(), response.body.clone().into())]),
        (true, None) => success_fields(body),
        (false, _) => error_fields(body, response),
    };
    fields.insert("http_status".into(), status);
    Outcome {
        success,
        fields,
        parse_error,
    }
}

/// Reads a request that got no HTTP answer.
pub(crate) fn from_failure(error: &TransportError) -> Outcome {
    let error_type = match error.kind {
        TransportErrorKind::Timeout => "timeout",
        _ => "api_connection_error",
    };
    let fields = Map::from_iter([
        ("error".into(), format!("{error_type}: {error}").into()),
        ("error_type".into(), error_type.into()),
        ("code".into(), Dynamic::UNIT),
        ("decline_code".into(), Dynamic::UNIT),
        ("message".into(), error.message.clone().into()),
        ("param".into(), Dynamic::UNIT),
        ("http_status".into(), Dynamic::UNIT),
    ]);
    Outcome {
        success: false,
        fields,
        parse_error: None,
    }
}

/// The body as a Rhai value through rhai's serde support, or why it is not JSON.
fn parse_body(body: &str) -> (Option<Dynamic>, Option<String>) {
    if body.trim().is_empty() {
        return (None, None);
    }
    match serde_json::from_str::<Dynamic>(body) {
        Ok(value) => (Some(value), None),
        Err(error) => (
            None,
            Some(format!("body is not JSON ({error}): {}", snippet(body))),
        ),
    }
}

fn success_fields(body: Option<Dynamic>) -> Fields {
    let Some(body) = body else {
        return Map::new();
    };
    match body.try_cast_result::<Map>() {
        Ok(map) => map,
        Err(other) => Map::from_iter([("body".into(), other)]),
    }
}

/// The parts of a Stripe-shaped error, each `()` when the answer lacks it.
fn error_fields(body: Option<Dynamic>, response: &Response) -> Fields {
    let mut parts = body
        .and_then(|body| body.try_cast::<Map>())
        .and_then(|mut map| map.remove("error"))
        .and_then(|error| error.try_cast::<Map>())
        .unwrap_or_default();
    let text = |parts: &Map, key: &str| parts.get(key).filter(|v| !v.is_unit()).cloned();
    let error_type = text(&parts, "type");
    let summary = describe(&parts, response);
    parts.remove("type");
    let mut fields = parts;
    for key in ["code", "decline_code", "message", "param"] {
        fields.entry(key.into()).or_insert(Dynamic::UNIT);
    }
    fields.insert("error_type".into(), error_type.unwrap_or(Dynamic::UNIT));
    fields.insert("error".into(), summary.into());
    fields
}

/// One readable line: `card_error: Your card has insufficient funds. (code: card_declined,
/// decline_code: insufficient_funds, HTTP 402)`.
fn describe(parts: &Map, response: &Response) -> String {
    let field = |key: &str| {
        parts
            .get(key)
            .filter(|v| !v.is_unit())
            .map(|v| v.to_string())
    };
    let mut details: Vec<String> = ["code", "decline_code", "param"]
        .into_iter()
        .filter_map(|key| field(key).map(|value| format!("{key}: {value}")))
        .collect();
    details.push(format!("HTTP {}", response.status));
    let headline = match (field("type"), field("message")) {
        (Some(kind), Some(message)) => format!("{kind}: {message}"),
        (Some(kind), None) => kind,
        (None, Some(message)) => message,
        (None, None) if response.body.trim().is_empty() => "empty response".to_owned(),
        (None, None) => format!("unexpected response: {}", snippet(&response.body)),
    };
    format!("{headline} ({})", details.join(", "))
}

fn snippet(body: &str) -> String {
    let mut text: String = body.chars().take(SNIPPET_CHARS).collect();
    if body.chars().nth(SNIPPET_CHARS).is_some() {
        text.push('…');
    }
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(outcome: &'a Outcome, name: &str) -> &'a Dynamic {
        &outcome.fields[name]
    }

    #[test]
    fn a_stripe_decline_gives_every_part_and_a_readable_error() {
        let body = r#"{"error":{"type":"card_error","code":"card_declined",
            "decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#;
        let outcome = from_response(&Response::json(402, body));
        assert!(!outcome.success);
        let error = field(&outcome, "error").to_string();
        assert_eq!(
            error,
            "card_error: Your card has insufficient funds. (code: card_declined, \
             decline_code: insufficient_funds, HTTP 402)"
        );
        assert_eq!(
            field(&outcome, "decline_code").to_string(),
            "insufficient_funds"
        );
        assert_eq!(field(&outcome, "error_type").to_string(), "card_error");
        assert!(field(&outcome, "param").is_unit());
        assert_eq!(field(&outcome, "http_status").as_int(), Ok(402));
    }

    #[test]
    fn an_empty_204_is_a_success_with_no_fields() {
        let outcome = from_response(&Response {
            status: 204,
            ..Response::default()
        });
        assert!(outcome.success);
        assert_eq!(outcome.fields.len(), 1);
        assert!(outcome.parse_error.is_none());
    }

    #[test]
    fn a_body_that_is_not_json_is_kept_as_text_with_a_snippet() {
        let response = Response {
            status: 200,
            body: "<html>oops</html>".into(),
            ..Default::default()
        };
        let outcome = from_response(&response);
        assert!(outcome.success);
        assert_eq!(field(&outcome, "body").to_string(), "<html>oops</html>");
        assert!(outcome
            .parse_error
            .unwrap()
            .contains("\"<html>oops</html>\""));
    }

    #[test]
    fn a_server_error_without_json_says_what_came_back() {
        let response = Response {
            status: 502,
            body: "Bad gateway".into(),
            ..Default::default()
        };
        let outcome = from_response(&response);
        let error = field(&outcome, "error").to_string();
        assert_eq!(error, "unexpected response: \"Bad gateway\" (HTTP 502)");
        assert!(field(&outcome, "code").is_unit());
    }
}
