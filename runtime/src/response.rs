//! What a flow sees of an answer: the response's fields on success, the error's parts on
//! failure.
//!
//! A success's JSON object is read once, in full, to check it; only the fields its flow could
//! read become Rhai values (see `Reads`). The rest are skipped, and their names are read
//! again from the body only when an event lists them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::rc::Rc;

use rhai::{Dynamic, Map};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::reads::Reads;
use crate::transport::{Response, TransportError, TransportErrorKind};

/// How much of an unreadable body an error quotes.
const SNIPPET_CHARS: usize = 80;

/// The variables a flow starts with, by name.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    /// The fields converted to Rhai values.
    pub(crate) values: Map,
    /// Set when some of a body's fields were left out of `values`.
    skipped: Option<Skipped>,
}

/// A body whose fields were converted only as far as one script could read them.
#[derive(Debug)]
struct Skipped {
    body: Rc<str>,
    reads: Rc<Reads>,
}

impl From<Map> for Fields {
    fn from(values: Map) -> Self {
        Self {
            values,
            skipped: None,
        }
    }
}

impl Fields {
    /// The fields of `body`, a JSON object, as far as `reads` could read them.
    ///
    /// # Errors
    ///
    /// Exactly the error a full parse of `body` into Rhai values gives, when there is one;
    /// a body that is valid JSON but not an object is an error here too.
    pub(crate) fn of_object(body: &str, reads: Option<&Rc<Reads>>) -> serde_json::Result<Self> {
        let selected = reads.filter(|reads| !matches!(***reads, Reads::Any));
        let filter = selected.map_or(&Reads::Any, |reads| &**reads);
        let mut parser = serde_json::Deserializer::from_str(body);
        let (values, complete) = parser.deserialize_any(ObjectFields(filter))?;
        parser.end()?;
        let skipped = match (complete, selected) {
            (false, Some(reads)) => Some(Skipped {
                body: body.into(),
                reads: Rc::clone(reads),
            }),
            _ => None,
        };
        Ok(Self { values, skipped })
    }

    /// The names of every field, converted or not, in order: what an event lists.
    pub(crate) fn names(&self) -> Vec<String> {
        let mut names: BTreeSet<String> = self.values.keys().map(ToString::to_string).collect();
        if let Some(skipped) = &self.skipped {
            let all = serde_json::from_str::<BTreeMap<String, IgnoredAny>>(&skipped.body);
            names.extend(all.unwrap_or_default().into_keys());
        }
        names.into_iter().collect()
    }

    /// The values for a flow that reads `reads`. Fields chosen for another version of the
    /// script, replaced while the answer waited, are all converted after all.
    pub(crate) fn into_values(self, reads: &Rc<Reads>) -> Map {
        let Some(skipped) = self.skipped else {
            return self.values;
        };
        if Rc::ptr_eq(&skipped.reads, reads) {
            return self.values;
        }
        let all = serde_json::from_str::<Dynamic>(&skipped.body).ok();
        let mut all: Map = all.and_then(Dynamic::try_cast).unwrap_or_default();
        all.extend(self.values);
        all
    }
}

/// The variables a flow starts with, and whether the answer counts as a success.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) success: bool,
    pub(crate) fields: Fields,
    pub(crate) parse_error: Option<String>,
}

/// Whether an answer with `status` runs the success flow.
pub(crate) fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Reads an HTTP answer: a 2xx status is a success, anything else an error. `reads` is what
/// the success flow could read, where known.
pub(crate) fn from_response(response: &Response, reads: Option<&Rc<Reads>>) -> Outcome {
    let success = is_success(response.status);
    let status = Dynamic::from_int(response.status.into());
    let is_object = response.body.trim_start().starts_with('{');
    if success && is_object {
        return object_outcome(response, reads, status);
    }
    let (body, parse_error) = parse_body(&response.body);
    let mut fields = match (success, &parse_error) {
        (true, Some(_)) => Map::from_iter([("body".into(), response.body.clone().into())]),
        (true, None) => success_fields(body),
        (false, _) => error_fields(body, response),
    };
    fields.insert("http_status".into(), status);
    Outcome {
        success,
        fields: fields.into(),
        parse_error,
    }
}

fn object_outcome(response: &Response, reads: Option<&Rc<Reads>>, status: Dynamic) -> Outcome {
    let (mut fields, parse_error) = match Fields::of_object(&response.body, reads) {
        Ok(fields) => (fields, None),
        Err(error) => {
            let text = response.body.clone().into();
            let fields = Map::from_iter([("body".into(), text)]);
            (fields.into(), Some(not_json(&response.body, &error)))
        }
    };
    fields.values.insert("http_status".into(), status);
    Outcome {
        success: true,
        fields,
        parse_error,
    }
}

/// Reads a JSON object's fields: those `.0` includes as Rhai values, the rest only checked.
/// Also tells whether every field was converted.
struct ObjectFields<'a>(&'a Reads);

impl<'de> Visitor<'de> for ObjectFields<'_> {
    type Value = (Map, bool);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = Map::new();
        let mut complete = true;
        while let Some(name) = map.next_key_seed(FieldName(self.0))? {
            match name {
                Some(name) => {
                    values.insert(name, map.next_value::<Dynamic>()?);
                }
                None => {
                    map.next_value::<Checked>()?;
                    complete = false;
                }
            }
        }
        Ok((values, complete))
    }
}

/// A field's name, kept only when the flow could read it: no allocation for the others.
struct FieldName<'a>(&'a Reads);

/// The type of a [`Map`]'s keys, which rhai does not export by name.
type Name = <Map as Keyed>::Key;

trait Keyed {
    type Key;
}

impl<K, V> Keyed for BTreeMap<K, V> {
    type Key = K;
}

impl<'de> DeserializeSeed<'de> for FieldName<'_> {
    type Value = Option<Name>;

    fn deserialize<D: Deserializer<'de>>(self, names: D) -> Result<Self::Value, D::Error> {
        names.deserialize_str(self)
    }
}

impl Visitor<'_> for FieldName<'_> {
    type Value = Option<Name>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(self.0.includes(name).then(|| name.into()))
    }
}

/// A JSON value parsed in full and dropped. serde's `IgnoredAny` would be cheaper, but
/// serde_json skips it without its nesting limit or its check that numbers fit, so a body
/// the full parse refuses would pass.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(value: D) -> Result<Self, D::Error> {
        value.deserialize_any(Checked)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self, E> {
        Ok(Checked)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self, E> {
        Ok(Checked)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self, E> {
        Ok(Checked)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self, E> {
        Ok(Checked)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self, E> {
        Ok(Checked)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self, A::Error> {
        while items.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self, A::Error> {
        while entries.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
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
        fields: fields.into(),
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
        Err(error) => (None, Some(not_json(body, &error))),
    }
}

fn not_json(body: &str, error: &serde_json::Error) -> String {
    format!("body is not JSON ({error}): {}", snippet(body))
}

fn success_fields(body: Option<Dynamic>) -> Map {
    let Some(body) = body else {
        return Map::new();
    };
    match body.try_cast_result::<Map>() {
        Ok(map) => map,
        Err(other) => Map::from_iter([("body".into(), other)]),
    }
}

/// The parts of a Stripe-shaped error, each `()` when the answer lacks it.
fn error_fields(body: Option<Dynamic>, response: &Response) -> Map {
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
        &outcome.fields.values[name]
    }

    #[test]
    fn a_stripe_decline_gives_every_part_and_a_readable_error() {
        let body = r#"{"error":{"type":"card_error","code":"card_declined",
            "decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#;
        let outcome = from_response(&Response::json(402, body), None);
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
        let response = Response {
            status: 204,
            ..Response::default()
        };
        let outcome = from_response(&response, None);
        assert!(outcome.success);
        assert_eq!(outcome.fields.values.len(), 1);
        assert!(outcome.parse_error.is_none());
    }

    #[test]
    fn a_body_that_is_not_json_is_kept_as_text_with_a_snippet() {
        let response = Response {
            status: 200,
            body: "<html>oops</html>".into(),
            ..Default::default()
        };
        let outcome = from_response(&response, None);
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
        let outcome = from_response(&response, None);
        let error = field(&outcome, "error").to_string();
        assert_eq!(error, "unexpected response: \"Bad gateway\" (HTTP 502)");
        assert!(field(&outcome, "code").is_unit());
    }
}
