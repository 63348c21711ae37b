//! Script functions declared as data: what a call sends, where, and which events it fires.
//!
//! The built-in calls (`create_payment_intent`, `create_product`, ...) are declared in
//! `calls.json` the same way a flow set's manifest declares its own, so a new kind of call
//! needs no Rust.

use std::collections::BTreeMap;

use rhai::{Dynamic, Map};
use serde::{Deserialize, Serialize};

use crate::Error;

const BUILT_IN: &str = include_str!("calls.json");

/// Functions a declared call cannot replace: Rhai handles the first ones itself, and the
/// runtime registers the others.
const RESERVED: &[&str] = &[
    "print",
    "debug",
    "type_of",
    "eval",
    "Fn",
    "call",
    "curry",
    "is_def_var",
    "is_def_fn",
    "is_shared",
    "this",
    "timestamp",
    "init_flows",
    "set_context",
    "api_call",
    "sleep",
];

/// One script function that becomes an HTTP request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSpec {
    /// `GET`, `POST` or `DELETE`.
    #[serde(default = "default_method")]
    pub method: String,
    /// Path below the endpoint; `{name}` takes the value of the parameter `name`.
    pub path: String,
    /// The function's parameters, in order.
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    /// Parameters sent with every request of this call.
    #[serde(default)]
    pub fixed: serde_json::Map<String, serde_json::Value>,
    /// The event dispatched when the endpoint answers with a 2xx status.
    pub success: String,
    /// The event dispatched when the request fails.
    pub error: String,
    /// Context keys this call adds, each taking the value of the named parameter.
    #[serde(default)]
    pub context: BTreeMap<String, String>,
}

/// One parameter of a call: a bare name, or a name with a field and a type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value", into = "ParamForm")]
pub struct ParamSpec {
    /// The parameter's name, as context keys refer to it.
    pub name: String,
    /// Where the value goes in the request, such as `items[].price`; the name by default.
    pub field: Option<String>,
    /// What values the parameter accepts.
    pub kind: ParamKind,
}

/// What values a parameter accepts; checked before any request is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// Any value that can be sent as form data.
    #[default]
    Any,
    /// A string.
    String,
    /// A whole, non-negative number in the currency's smallest unit (cents for `usd`).
    Amount,
    /// A whole number.
    Integer,
    /// An object map.
    Map,
}

/// A parameter as a manifest writes it in full.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamForm {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default, rename = "type")]
    kind: ParamKind,
}

impl TryFrom<serde_json::Value> for ParamSpec {
    type Error = String;

    /// A bare name, or an object; parsed by hand so that a mistake is named, instead of
    /// "did not match any variant".
    fn try_from(value: serde_json::Value) -> Result<Self, String> {
        if let serde_json::Value::String(name) = value {
            return Ok(Self {
                name,
                field: None,
                kind: ParamKind::Any,
            });
        }
        let form: ParamForm = serde_json::from_value(value)
            .map_err(|error| format!("a parameter is a name or {{name, field, type}}: {error}"))?;
        Ok(Self {
            name: form.name,
            field: form.field,
            kind: form.kind,
        })
    }
}

impl From<ParamSpec> for ParamForm {
    fn from(spec: ParamSpec) -> Self {
        Self {
            name: spec.name,
            field: spec.field,
            kind: spec.kind,
        }
    }
}

fn default_method() -> String {
    "POST".to_owned()
}

/// The calls every flow set has.
pub fn built_in_calls() -> BTreeMap<String, CallSpec> {
    serde_json::from_str(BUILT_IN).expect("calls.json is checked by a unit test")
}

/// A call with its arguments checked and placed, ready to become a request.
#[derive(Debug)]
pub(crate) struct PreparedCall {
    pub(crate) path: String,
    pub(crate) params: Map,
    pub(crate) context: Map,
}

impl CallSpec {
    /// Checks that the spec can be used, so that mistakes show when a flow set is loaded.
    pub(crate) fn validate(&self, name: &str) -> Result<(), Error> {
        let fail = |message: String| Error::CallSpec {
            call: name.to_owned(),
            message,
        };
        if !is_identifier(name) {
            return Err(fail("the name must be a Rhai identifier".to_owned()));
        }
        if RESERVED.contains(&name) {
            return Err(fail(
                "the name is taken by Rhai or by the runtime".to_owned(),
            ));
        }
        if !matches!(self.method.as_str(), "GET" | "POST" | "DELETE") {
            return Err(fail(format!(
                "method `{}` is not GET, POST or DELETE",
                self.method
            )));
        }
        check_path(&self.path).map_err(fail)?;
        if self.success.is_empty() || self.error.is_empty() {
            return Err(fail("`success` and `error` must name events".to_owned()));
        }
        for (key, param) in &self.context {
            if !self.params.iter().any(|p| &p.name == param) {
                return Err(fail(format!(
                    "context key `{key}` names no parameter `{param}`"
                )));
            }
        }
        for (index, param) in self.params.iter().enumerate() {
            if !is_identifier(&param.name) {
                return Err(fail(format!(
                    "parameter `{}` is not an identifier",
                    param.name
                )));
            }
            if self.params[..index]
                .iter()
                .any(|earlier| earlier.name == param.name)
            {
                return Err(fail(format!(
                    "parameter `{}` is declared twice",
                    param.name
                )));
            }
            FieldPath::parse(param.field.as_deref().unwrap_or(&param.name)).map_err(fail)?;
        }
        for placeholder in placeholders(&self.path) {
            if !self.params.iter().any(|param| param.name == placeholder) {
                let path = &self.path;
                return Err(fail(format!(
                    "path `{path}` has `{{{placeholder}}}`, no parameter"
                )));
            }
        }
        for key in self.context.keys() {
            if !is_identifier(key) {
                return Err(fail(format!("context key `{key}` is not an identifier")));
            }
        }
        Ok(())
    }

    /// Checks the arguments of one call and builds its path, parameters and context.
    ///
    /// `args` holds the declared parameters, then optionally a map of extra parameters.
    pub(crate) fn prepare(&self, name: &str, args: &[Dynamic]) -> Result<PreparedCall, String> {
        let (values, extra) = args.split_at(self.params.len().min(args.len()));
        let mut params = fixed_params(&self.fixed);
        let mut path = self.path.clone();
        for (spec, value) in self.params.iter().zip(values) {
            check_kind(name, spec, value)?;
            let placeholder = format!("{{{}}}", spec.name);
            if path.contains(&placeholder) {
                path = path.replace(&placeholder, &path_segment(name, spec, value)?);
                continue;
            }
            let field = spec.field.as_deref().unwrap_or(&spec.name);
            FieldPath::parse(field)?.place(&mut params, value.clone());
        }
        if let Some(extra) = extra.first() {
            let extra = extra.read_lock::<Map>().ok_or_else(|| {
                format!("{name}: the last argument must be a map of extra parameters")
            })?;
            for (key, value) in extra.iter() {
                // The declared parameters were checked; the extra map may add, not replace.
                if params.contains_key(key) {
                    return Err(format!(
                        "{name}: `{key}` is set by a parameter; the extra map cannot set it again"
                    ));
                }
                params.insert(key.clone(), value.clone());
            }
        }
        let context = self.context_of(values);
        Ok(PreparedCall {
            path,
            params,
            context,
        })
    }

    fn context_of(&self, values: &[Dynamic]) -> Map {
        let mut context = Map::new();
        for (key, param) in &self.context {
            let position = self.params.iter().position(|p| &p.name == param);
            let value = position
                .and_then(|i| values.get(i))
                .filter(|v| !v.is_unit());
            if let Some(value) = value {
                context.insert(key.into(), value.clone());
            }
        }
        context
    }
}

fn fixed_params(fixed: &serde_json::Map<String, serde_json::Value>) -> Map {
    fixed
        .iter()
        .map(|(key, value)| {
            let value = rhai::serde::to_dynamic(value).unwrap_or(Dynamic::UNIT);
            (key.into(), value)
        })
        .collect()
}

fn check_kind(call: &str, spec: &ParamSpec, value: &Dynamic) -> Result<(), String> {
    let name = &spec.name;
    let found = value.type_name();
    match spec.kind {
        ParamKind::Any => Ok(()),
        ParamKind::String if value.is_string() => Ok(()),
        ParamKind::Integer if value.is_int() => Ok(()),
        ParamKind::Map if value.is_map() => Ok(()),
        ParamKind::Amount => check_amount(call, name, value),
        ParamKind::String => Err(format!("{call}: `{name}` must be a string, not {found}")),
        ParamKind::Integer => Err(format!("{call}: `{name}` must be an integer, not {found}")),
        ParamKind::Map => Err(format!("{call}: `{name}` must be a map, not {found}")),
    }
}

fn check_amount(call: &str, name: &str, value: &Dynamic) -> Result<(), String> {
    if let Ok(amount) = value.as_int() {
        if amount < 0 {
            return Err(format!(
                "{call}: `{name}` must not be negative, got {amount}"
            ));
        }
        return Ok(());
    }
    if let Ok(float) = value.as_float() {
        return Err(format!(
            "{call}: `{name}` must be a whole number of the currency's smallest unit \
             (such as cents), not the float {float}"
        ));
    }
    let found = value.type_name();
    Err(format!(
        "{call}: `{name}` must be a whole number of the smallest unit, not {found}"
    ))
}

fn path_segment(call: &str, spec: &ParamSpec, value: &Dynamic) -> Result<String, String> {
    let text = value.to_string();
    let safe = !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !value.is_string() || !safe {
        let name = &spec.name;
        return Err(format!(
            "{call}: `{name}` must be an id of letters, digits and `_`"
        ));
    }
    Ok(text)
}

/// Checks that a path stays below the endpoint: no scheme, host, query or `..`.
pub(crate) fn check_path(path: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-./{}".contains(c);
    if path.is_empty() || !path.chars().all(allowed) {
        return Err(format!(
            "path `{path}` must be made of letters, digits and `_-./`, below the endpoint"
        ));
    }
    if path.starts_with('/') || path.split('/').any(|s| s.is_empty() || s == "..") {
        return Err(format!(
            "path `{path}` must be relative, like `payment_intents/{{id}}`"
        ));
    }
    Ok(())
}

/// The names in a path's `{placeholders}`.
fn placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Where a value goes in the parameters: `customer`, `metadata.order`, `items[].price`.
#[derive(Debug, PartialEq)]
struct FieldPath(Vec<Segment>);

#[derive(Debug, PartialEq)]
enum Segment {
    Key(String),
    /// Each element of an array value; a single value counts as a one-element array.
    Each,
}

impl FieldPath {
    fn parse(text: &str) -> Result<Self, String> {
        let mut segments = Vec::new();
        for part in text.split('.') {
            let (key, each) = match part.strip_suffix("[]") {
                Some(key) => (key, true),
                None => (part, false),
            };
            if !is_identifier(key) {
                return Err(format!("field `{text}` is not like `items[].price`"));
            }
            segments.push(Segment::Key(key.to_owned()));
            if each {
                segments.push(Segment::Each);
            }
        }
        Ok(Self(segments))
    }

    fn place(&self, params: &mut Map, value: Dynamic) {
        place(params, &self.0, value);
    }
}

fn place(target: &mut Map, path: &[Segment], value: Dynamic) {
    let [Segment::Key(key), rest @ ..] = path else {
        return;
    };
    match rest {
        [] => {
            target.insert(key.into(), value);
        }
        [Segment::Each, inner @ ..] => {
            let items = each_of(value)
                .into_iter()
                .map(|item| wrap(inner, item))
                .collect();
            target.insert(key.into(), Dynamic::from_array(items));
        }
        inner => {
            let entry = target
                .entry(key.into())
                .or_insert_with(|| Map::new().into());
            if let Some(mut map) = entry.write_lock::<Map>() {
                place(&mut map, inner, value);
            }
        }
    }
}

fn each_of(value: Dynamic) -> rhai::Array {
    match value.try_cast_result::<rhai::Array>() {
        Ok(items) => items,
        Err(single) => vec![single],
    }
}

/// Puts `item` at `path` in a new map, unless it already is a map of its own fields.
fn wrap(path: &[Segment], item: Dynamic) -> Dynamic {
    if path.is_empty() || item.is_map() {
        return item;
    }
    let mut map = Map::new();
    place(&mut map, path, item);
    map.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(script: &str) -> Vec<Dynamic> {
        rhai::Engine::new().eval::<rhai::Array>(script).unwrap()
    }

    #[test]
    fn built_in_calls_are_valid() {
        for (name, spec) in built_in_calls() {
            spec.validate(&name).unwrap();
        }
    }

    #[test]
    fn subscription_price_becomes_the_first_item() {
        let spec = &built_in_calls()["create_subscription"];
        let call = spec.prepare("create_subscription", &args(r#"["cus_1", "price_a"]"#));
        let call = call.unwrap();
        let params = rhai::Engine::new()
            .eval::<Map>(r#"#{customer: "cus_1", items: [#{price: "price_a"}]}"#);
        assert_eq!(
            format!("{:?}", call.params),
            format!("{:?}", params.unwrap())
        );
        assert_eq!(call.context["price_id"].to_string(), "price_a");
    }

    #[test]
    fn several_subscription_items_are_accepted() {
        let spec = &built_in_calls()["create_subscription"];
        let values = args(r#"["cus_1", ["price_a", #{price: "price_b", quantity: 2}]]"#);
        let call = spec.prepare("create_subscription", &values).unwrap();
        let body = crate::form::encode(&call.params).unwrap();
        assert_eq!(
            body,
            "customer=cus_1&items[0][price]=price_a&items[1][price]=price_b&items[1][quantity]=2"
        );
    }

    #[test]
    fn extra_parameters_are_merged() {
        let spec = &built_in_calls()["create_payment_intent"];
        let values = args(r#"[2000, "usd", "cus_1", #{ metadata: #{ order: "42" } }]"#);
        let call = spec.prepare("create_payment_intent", &values).unwrap();
        let body = crate::form::encode(&call.params).unwrap();
        assert_eq!(
            body,
            "amount=2000&currency=usd&customer=cus_1&metadata[order]=42"
        );
        assert_eq!(call.context["original_amount"].as_int(), Ok(2000));
    }

    #[test]
    fn float_and_negative_amounts_are_refused() {
        let spec = &built_in_calls()["create_payment_intent"];
        let float = spec.prepare("create_payment_intent", &args(r#"[20.5, "usd", "c"]"#));
        assert!(float.unwrap_err().contains("not the float 20.5"));
        let negative = spec.prepare("create_payment_intent", &args(r#"[-5, "usd", "c"]"#));
        assert!(negative
            .unwrap_err()
            .contains("must not be negative, got -5"));
    }

    #[test]
    fn path_parameters_fill_the_path() {
        let spec = &built_in_calls()["confirm_payment_intent"];
        let values = args(r#"["pi_123", "pm_card_visa"]"#);
        let call = spec.prepare("confirm_payment_intent", &values).unwrap();
        assert_eq!(call.path, "payment_intents/pi_123/confirm");
        assert_eq!(
            crate::form::encode(&call.params).unwrap(),
            "payment_method=pm_card_visa"
        );
    }

    #[test]
    fn a_path_parameter_cannot_leave_the_endpoint() {
        let spec = &built_in_calls()["retrieve_payment_intent"];
        let error = spec.prepare("retrieve_payment_intent", &args(r#"["../../x"]"#));
        assert!(error.unwrap_err().contains("must be an id"));
    }

    #[test]
    fn paths_outside_the_endpoint_are_refused() {
        for path in [
            "https://evil.test/v1",
            "//evil.test",
            "a/../b",
            "/v1/x",
            "a?b=1",
            "",
        ] {
            assert!(check_path(path).is_err(), "{path}");
        }
        assert!(check_path("test_helpers/customers/{id}/fund").is_ok());
    }
}
