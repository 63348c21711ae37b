//! Stripe's form encoding: nested maps and arrays flattened into bracketed keys.
//!
//! `#{ metadata: #{ order: "42" }, items: [#{ price: "p" }] }` becomes
//! `items[0][price]=p&metadata[order]=42`. Keys and values are percent-encoded, so spaces,
//! `&`, `#`, `+`, `=` and non-ASCII text arrive as they were written. `()` values are left out.

use std::fmt::Write;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rhai::{Dynamic, Map};

/// Everything but the characters RFC 3986 calls unreserved.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The content type of an encoded body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Encodes parameters as an `application/x-www-form-urlencoded` body, Stripe's way.
///
/// # Errors
///
/// Returns a message naming the parameter when a value cannot be sent as text, such as a
/// function pointer.
pub fn encode(params: &Map) -> Result<String, String> {
    let mut body = String::new();
    for (key, value) in params {
        let key = encode_part(key);
        encode_value(&mut body, &key, value)?;
    }
    Ok(body)
}

fn encode_value(body: &mut String, key: &str, value: &Dynamic) -> Result<(), String> {
    if value.is_unit() {
        return Ok(());
    }
    if let Some(map) = value.read_lock::<Map>() {
        for (name, inner) in map.iter() {
            encode_value(body, &format!("{key}[{}]", encode_part(name)), inner)?;
        }
        return Ok(());
    }
    if let Some(array) = value.read_lock::<rhai::Array>() {
        for (index, inner) in array.iter().enumerate() {
            encode_value(body, &format!("{key}[{index}]"), inner)?;
        }
        return Ok(());
    }
    let text = scalar_text(value).ok_or_else(|| {
        let name = decode_key(key);
        format!(
            "parameter `{name}` is a {}, which cannot be sent",
            value.type_name()
        )
    })?;
    if !body.is_empty() {
        body.push('&');
    }
    let _ = write!(body, "{key}={}", encode_part(&text));
    Ok(())
}

fn scalar_text(value: &Dynamic) -> Option<String> {
    if value.is_string() || value.is_char() || value.is_bool() || value.is_int() {
        return Some(value.to_string());
    }
    if let Ok(float) = value.as_float() {
        return Some(float.to_string());
    }
    None
}

fn encode_part(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

fn decode_key(key: &str) -> String {
    percent_encoding::percent_decode_str(key)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(script: &str) -> Map {
        rhai::Engine::new().eval::<Map>(script).unwrap()
    }

    #[test]
    fn nested_maps_and_arrays_become_bracketed_keys() {
        let params = map(r#"#{ customer: "cus_1", metadata: #{ order: "42" },
            items: [#{ price: "p1" }, #{ price: "p2", quantity: 3 }] }"#);
        let body = encode(&params).unwrap();
        assert_eq!(
            body,
            "customer=cus_1&items[0][price]=p1&items[1][price]=p2&items[1][quantity]=3\
             &metadata[order]=42"
        );
    }

    #[test]
    fn special_characters_are_percent_encoded_in_keys_and_values() {
        let params = map(r#"#{ "a b&c": "x y&z#1+2=3", note: "café ☕" }"#);
        let body = encode(&params).unwrap();
        assert_eq!(
            body,
            "a%20b%26c=x%20y%26z%231%2B2%3D3&note=caf%C3%A9%20%E2%98%95"
        );
    }

    #[test]
    fn unit_values_are_left_out() {
        let params = map(r#"#{ a: (), b: 1, c: #{ d: () } }"#);
        assert_eq!(encode(&params).unwrap(), "b=1");
    }

    #[test]
    fn booleans_and_floats_are_written_as_text() {
        let params = map(r#"#{ confirm: true, rate: 1.5 }"#);
        assert_eq!(encode(&params).unwrap(), "confirm=true&rate=1.5");
    }

    #[test]
    fn a_value_that_is_not_data_is_refused_by_name() {
        let params = map(r#"fn shout() {} #{ meta: #{ f: Fn("shout") } }"#);
        let error = encode(&params).unwrap_err();
        assert!(error.contains("meta[f]"), "{error}");
    }
}
