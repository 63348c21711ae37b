//! Typed access to decoded parameters, with Stripe's errors for unknown, missing and
//! mistyped ones.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// The decoded parameters of one request, or a nested hash of them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    map: Map<String, Value>,
    /// The name of this hash as the client wrote it, e.g. `items[0]`; empty at the top.
    prefix: String,
}

impl Params {
    pub(crate) fn new(map: Map<String, Value>) -> Self {
        Self {
            map,
            prefix: String::new(),
        }
    }

    pub(crate) fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The parameter's name as the client wrote it, for the `param` field of errors.
    pub(crate) fn name(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}[{key}]", self.prefix)
        }
    }

    /// Refuses the first parameter that is not in `allowed`; `expand` is always allowed.
    pub(crate) fn allow_only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        let unknown = self
            .map
            .keys()
            .find(|key| *key != "expand" && !allowed.contains(&key.as_str()));
        match unknown {
            Some(key) => Err(ApiError::parameter_unknown(&self.name(key))),
            None => Ok(()),
        }
    }

    /// A string parameter; an empty string counts as absent, as it does at Stripe.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.invalid(key, "Invalid string")),
        }
    }

    pub(crate) fn required_string(&self, key: &str) -> Result<String, ApiError> {
        self.string(key)?
            .ok_or_else(|| ApiError::parameter_missing(&self.name(key)))
    }

    pub(crate) fn integer(&self, key: &str) -> Result<Option<i64>, ApiError> {
        let Some(text) = self.string(key)? else {
            return Ok(None);
        };
        text.parse().map(Some).map_err(|_| {
            ApiError::invalid_request(format!("Invalid integer: {text}"))
                .with_code("parameter_invalid_integer")
                .with_param(self.name(key))
        })
    }

    /// An integer of at least 1, such as an amount in cents or a quantity.
    pub(crate) fn positive_integer(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.integer(key)? {
            Some(value) if value < 1 => Err(ApiError::invalid_request(
                "This value must be greater than or equal to 1.",
            )
            .with_code("parameter_invalid_integer")
            .with_param(self.name(key))),
            other => Ok(other),
        }
    }

    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.string(key)?.as_deref() {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(self.invalid(key, &format!("Invalid boolean: {other}"))),
        }
    }

    /// The `metadata` hash: string values only; an empty value drops its key.
    pub(crate) fn metadata(&self) -> Result<Map<String, Value>, ApiError> {
        let Some(hash) = self.hash("metadata")? else {
            return Ok(Map::new());
        };
        let mut metadata = Map::new();
        for key in hash.map.keys() {
            if let Some(value) = hash.string(key)? {
                metadata.insert(key.clone(), Value::String(value));
            }
        }
        Ok(metadata)
    }

    /// A nested hash such as `invoice_settings[...]`; an empty string counts as absent.
    pub(crate) fn hash(&self, key: &str) -> Result<Option<Params>, ApiError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Params {
                map: map.clone(),
                prefix: self.name(key),
            })),
            Some(_) => Err(self.invalid(key, "Invalid hash")),
        }
    }

    /// A list of hashes such as `items[0][price]`, in index order.
    pub(crate) fn list_of_hashes(&self, key: &str) -> Result<Option<Vec<Params>>, ApiError> {
        let items = match self.map.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(_) => return Err(self.invalid(key, "Invalid array")),
        };
        let hashes = items.iter().enumerate().map(|(index, item)| match item {
            Value::Object(map) => Ok(Params {
                map: map.clone(),
                prefix: format!("{}[{index}]", self.name(key)),
            }),
            _ => Err(self.invalid(key, "Invalid array")),
        });
        hashes.collect::<Result<Vec<_>, _>>().map(Some)
    }

    /// A list of strings such as `payment_method_types[]`.
    pub(crate) fn list_of_strings(&self, key: &str) -> Result<Option<Vec<String>>, ApiError> {
        let items = match self.map.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(_) => return Err(self.invalid(key, "Invalid array")),
        };
        let strings = items.iter().map(|item| match item {
            Value::String(text) => Ok(text.clone()),
            _ => Err(self.invalid(key, "Invalid array")),
        });
        strings.collect::<Result<Vec<_>, _>>().map(Some)
    }

    fn invalid(&self, key: &str, message: &str) -> ApiError {
        ApiError::invalid_request(message).with_param(self.name(key))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn params(value: Value) -> Params {
        match value {
            Value::Object(map) => Params::new(map),
            _ => Params::default(),
        }
    }

    #[test]
    fn unknown_nested_parameters_are_named_as_sent() {
        let items = params(json!({"items": [{"price": "p", "colour": "red"}]}));
        let first = &items.list_of_hashes("items").unwrap().unwrap()[0];
        let error = first.allow_only(&["price"]).unwrap_err();
        assert_eq!(error.body()["param"], "items[0][colour]");
    }

    #[test]
    fn empty_metadata_values_drop_their_keys() {
        let metadata = params(json!({"metadata": {"a": "1", "b": ""}}))
            .metadata()
            .unwrap();
        assert_eq!(Value::Object(metadata), json!({"a": "1"}));
    }

    #[test]
    fn zero_is_not_a_positive_integer() {
        let error = params(json!({"amount": "0"}))
            .positive_integer("amount")
            .unwrap_err();
        assert_eq!(error.body()["param"], "amount");
    }
}
