//! Values crossing the boundary: plain JavaScript objects in, plain objects out.
//!
//! Inputs go through JSON text and `serde_json::Value` first, so that a deserialization
//! error can name the field it happened at (`limits.maxOperations`), which a direct
//! conversion cannot. `JSON.stringify` also refuses what has no JSON form (a cycle, a
//! `BigInt`) with an exception instead of recursing without end, leaves out `undefined`
//! fields as not given, and serde_json caps the nesting.

use rhai_flow::{Config, FlowSet, Manifest};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

use crate::Error;

/// The config from a plain object; `undefined` and `null` give the defaults.
pub(crate) fn config(js: &JsValue) -> Result<Config, Error> {
    let value = if js.is_undefined() || js.is_null() {
        Value::Object(Map::new())
    } else {
        from_js(js).map_err(|message| Error::Config {
            field: "config".to_owned(),
            message,
        })?
    };
    let config: Config = by_path(value).map_err(config_error)?;
    if rhai_flow::is_live_key(&config.api_key) {
        return Err(Error::LiveKey);
    }
    Ok(config)
}

/// The flow set from `{ scripts, main, events, calls, description }`.
pub(crate) fn flow_set(js: &JsValue) -> Result<FlowSet, Error> {
    let flows = |message: String| Error::Flows { message };
    let Value::Object(mut object) = from_js(js).map_err(flows)? else {
        return Err(flows(
            "expected an object such as { scripts: { \"main.rhai\": \"...\" } }".into(),
        ));
    };
    let scripts = object
        .remove("scripts")
        .ok_or_else(|| flows("`scripts` is missing".into()))?;
    let Value::Object(scripts) = scripts else {
        return Err(flows(
            "`scripts` must be an object of script names to Rhai source".into(),
        ));
    };
    let manifest = manifest(Value::Object(object))?;

    let mut set = FlowSet::from_manifest(manifest);
    for (name, source) in scripts {
        let Value::String(source) = source else {
            return Err(flows(format!(
                "script `{name}` must be a string of Rhai source"
            )));
        };
        set.set_script(name, source);
    }
    Ok(set)
}

/// The manifest part of a flow set, checked as `flows.json` would be.
fn manifest(value: Value) -> Result<Manifest, Error> {
    let flows = |message: String| Error::Flows { message };
    // A first pass for an error message that names the field at fault.
    let _: Manifest = by_path(value.clone())
        .map_err(|(path, message)| flows(format!("{}{message}", field_prefix(&path))))?;
    // The runtime's own reading, which also checks each declared call.
    Ok(Manifest::from_value(value, "of the flow set")?)
}

/// A plain object of values for a script's scope, such as the fields of `dispatch`.
pub(crate) fn scope_map(
    js: Option<&JsValue>,
    name: &'static str,
) -> Result<rhai_flow::rhai::Map, Error> {
    let Some(js) = js.filter(|js| !js.is_undefined() && !js.is_null()) else {
        return Ok(rhai_flow::rhai::Map::new());
    };
    let argument = |message: String| Error::Argument { name, message };
    let Value::Object(object) = from_js(js).map_err(argument)? else {
        return Err(argument("expected a plain object".into()));
    };
    rhai_flow::rhai::serde::to_dynamic(object)
        .map_err(|error| argument(error.to_string()))?
        .try_cast()
        .ok_or_else(|| argument("expected a plain object".into()))
}

/// A value, such as an event, as the plain object `JSON.parse` makes of its JSON: maps
/// become objects (a `__proto__` key among them stays an own key), and integers beyond 2^53
/// are rounded rather than refused.
pub(crate) fn plain<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&json(value)?)
}

/// A value's JSON text. The runtime's values always have one (a float that is not a number
/// is written as `null`); the error is there for the sake of the signature.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|error| {
        let message = format!("a value could not be written as JSON: {error}");
        js_sys::Error::new(&message).into()
    })
}

fn from_js(js: &JsValue) -> Result<Value, String> {
    let text = js_sys::JSON::stringify(js).map_err(|error| {
        let reason = js_sys::Error::from(error).message();
        format!("not a plain JSON-like value ({reason})")
    })?;
    let text = text
        .as_string()
        .ok_or("not a plain JSON-like value (a function or a symbol)")?;
    serde_json::from_str(&text).map_err(|error| error.to_string())
}

/// Deserializes `value`, or gives the path of the field at fault and the message.
fn by_path<T: DeserializeOwned>(value: Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        (path, error.into_inner().to_string())
    })
}

/// A config error naming the field; for an unknown field, its path ends with that field.
fn config_error((path, message): (String, String)) -> Error {
    let field = match path.as_str() {
        "." => "config".to_owned(),
        _ => path,
    };
    Error::Config { field, message }
}

fn field_prefix(path: &str) -> String {
    match path {
        "." => String::new(),
        path => format!("field `{path}`: "),
    }
}
