//! Decoding of Stripe's nested form parameters into a JSON value.
//!
//! Stripe clients send `metadata[plan]=gold`, `items[0][price]=price_x` and `expand[]=customer`
//! as `application/x-www-form-urlencoded`. This decoder turns such a body into
//! `{"metadata": {"plan": "gold"}, "items": [{"price": "price_x"}], "expand": ["customer"]}`.
//! Every leaf stays a string: the resource decides what type a parameter has.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Deeper nesting than this is refused, so a hostile key cannot make the decoder recurse far.
const MAX_DEPTH: usize = 8;

/// One step of a parameter name: `items[0][price]` is `items`, `0`, `price`.
#[derive(Debug, PartialEq)]
enum Segment {
    Key(String),
    Push,
}

/// Decodes a form body (or a query string) into a JSON object of strings, arrays and objects.
///
/// Objects whose keys are exactly `0..n` become arrays, except under `metadata`, whose keys
/// are the user's own.
pub(crate) fn decode(input: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let mut root = Value::Object(Map::new());
    for pair in input
        .split(|&byte| byte == b'&')
        .filter(|pair| !pair.is_empty())
    {
        let (raw_name, raw_value) = split_pair(pair);
        let name = percent_decode(raw_name)?;
        let value = percent_decode(raw_value)?;
        let segments = parse_name(&name)?;
        insert(&mut root, &segments, value, &name)?;
    }
    let root = arrays_from_indices(root, false);
    match root {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

fn split_pair(pair: &[u8]) -> (&[u8], &[u8]) {
    match pair.iter().position(|&byte| byte == b'=') {
        Some(at) => (&pair[..at], &pair[at + 1..]),
        None => (pair, &[]),
    }
}

/// Decodes `%XX` escapes and `+` (a space in forms); the result must be UTF-8.
fn percent_decode(raw: &[u8]) -> Result<String, ApiError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => match escaped_byte(rest) {
                Some(decoded) => {
                    bytes.push(decoded);
                    rest = &rest[2..];
                }
                // A lone `%` is kept as it is, as browsers and Rack do.
                None => bytes.push(b'%'),
            },
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).map_err(|_| {
        ApiError::invalid_request("Invalid request body: parameters must be UTF-8 text.")
    })
}

fn escaped_byte(rest: &[u8]) -> Option<u8> {
    let high = (*rest.first()? as char).to_digit(16)?;
    let low = (*rest.get(1)? as char).to_digit(16)?;
    u8::try_from(high * 16 + low).ok()
}

fn parse_name(name: &str) -> Result<Vec<Segment>, ApiError> {
    let invalid = || ApiError::invalid_request(format!("Invalid parameter name: {name}"));
    let (head, mut rest) = name.split_at(name.find('[').unwrap_or(name.len()));
    if head.is_empty() || head.contains(']') {
        return Err(invalid());
    }
    let mut segments = vec![Segment::Key(head.to_owned())];
    while !rest.is_empty() {
        let inner_end = rest
            .find(']')
            .filter(|_| rest.starts_with('['))
            .ok_or_else(invalid)?;
        let inner = &rest[1..inner_end];
        rest = &rest[inner_end + 1..];
        segments.push(match inner {
            // `[]` appends, so it only makes sense as the last step.
            "" if rest.is_empty() => Segment::Push,
            "" => return Err(invalid()),
            key => Segment::Key(key.to_owned()),
        });
    }
    if segments.len() > MAX_DEPTH {
        return Err(invalid());
    }
    Ok(segments)
}

fn insert(
    node: &mut Value,
    segments: &[Segment],
    value: String,
    name: &str,
) -> Result<(), ApiError> {
    let Some((first, rest)) = segments.split_first() else {
        *node = Value::String(value);
        return Ok(());
    };
    let conflict = || {
        ApiError::invalid_request(format!(
            "Invalid parameter {name}: it is given both as a value and as a nested hash or array."
        ))
    };
    match first {
        Segment::Push => match node {
            Value::Array(items) => {
                items.push(Value::String(value));
                Ok(())
            }
            Value::Null => {
                *node = Value::Array(vec![Value::String(value)]);
                Ok(())
            }
            _ => Err(conflict()),
        },
        Segment::Key(key) => {
            if node.is_null() {
                *node = Value::Object(Map::new());
            }
            let Value::Object(map) = node else {
                return Err(conflict());
            };
            let child = map.entry(key.clone()).or_insert(Value::Null);
            if rest.is_empty() && (child.is_object() || child.is_array()) {
                return Err(conflict());
            }
            insert(child, rest, value, name)
        }
    }
}

/// Turns `{"0": a, "1": b}` into `[a, b]`, leaving metadata maps alone.
fn arrays_from_indices(value: Value, is_metadata: bool) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let map: Map<String, Value> = map
        .into_iter()
        .map(|(key, child)| {
            let child = arrays_from_indices(child, key == "metadata");
            (key, child)
        })
        .collect();
    if is_metadata || !keys_are_indices(&map) {
        return Value::Object(map);
    }
    let mut entries: Vec<(usize, Value)> = map
        .into_iter()
        .filter_map(|(key, child)| key.parse().ok().map(|index| (index, child)))
        .collect();
    entries.sort_by_key(|(index, _)| *index);
    Value::Array(entries.into_iter().map(|(_, child)| child).collect())
}

fn keys_are_indices(map: &Map<String, Value>) -> bool {
    let mut indices: Vec<usize> = Vec::with_capacity(map.len());
    for key in map.keys() {
        let canonical = key
            .parse::<usize>()
            .ok()
            .filter(|index| index.to_string() == *key);
        match canonical {
            Some(index) => indices.push(index),
            None => return false,
        }
    }
    indices.sort_unstable();
    !indices.is_empty() && indices.iter().enumerate().all(|(at, index)| at == *index)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn decoded(input: &str) -> Value {
        Value::Object(decode(input.as_bytes()).expect("the body decodes"))
    }

    #[test]
    fn flat_parameters_become_strings() {
        assert_eq!(
            decoded("amount=2000&currency=usd"),
            json!({"amount": "2000", "currency": "usd"})
        );
    }

    #[test]
    fn metadata_keys_become_a_nested_object() {
        let value = decoded("metadata[plan]=gold&metadata[seats]=3");
        assert_eq!(value, json!({"metadata": {"plan": "gold", "seats": "3"}}));
    }

    #[test]
    fn indexed_items_become_an_array_of_objects() {
        let value = decoded("items[1][price]=b&items[0][price]=a&items[0][quantity]=2");
        let expected = json!({"items": [{"price": "a", "quantity": "2"}, {"price": "b"}]});
        assert_eq!(value, expected);
    }

    #[test]
    fn empty_brackets_append_to_an_array() {
        let value = decoded("expand[]=customer&expand[]=latest_charge");
        assert_eq!(value, json!({"expand": ["customer", "latest_charge"]}));
    }

    #[test]
    fn plus_and_percent_twenty_both_mean_a_space() {
        let value = decoded("name=Jane+Doe&description=gold%20plan");
        assert_eq!(
            value,
            json!({"name": "Jane Doe", "description": "gold plan"})
        );
    }

    #[test]
    fn percent_escapes_decode_in_names_and_values() {
        let value = decoded("metadata%5Bnote%5D=a%26b%3Dc%2B%C3%A9");
        assert_eq!(value, json!({"metadata": {"note": "a&b=c+é"}}));
    }

    #[test]
    fn numeric_metadata_keys_stay_a_map() {
        assert_eq!(
            decoded("metadata[0]=zero"),
            json!({"metadata": {"0": "zero"}})
        );
    }

    #[test]
    fn gaps_in_indices_keep_an_object() {
        assert_eq!(
            decoded("items[2][price]=a"),
            json!({"items": {"2": {"price": "a"}}})
        );
    }

    #[test]
    fn a_name_without_value_is_an_empty_string() {
        assert_eq!(
            decoded("description&x="),
            json!({"description": "", "x": ""})
        );
    }

    #[test]
    fn non_utf8_bytes_are_refused() {
        assert!(decode(b"name=%FF%FE").is_err());
    }

    #[test]
    fn a_value_and_a_hash_under_one_name_are_refused() {
        assert!(decode(b"metadata=x&metadata[a]=b").is_err());
        assert!(decode(b"metadata[a]=b&metadata=x").is_err());
    }

    #[test]
    fn malformed_names_are_refused() {
        for body in ["[a]=1", "a[b=1", "a[]b=1", "a[][b]=1", "a]=1"] {
            assert!(decode(body.as_bytes()).is_err(), "{body} should be refused");
        }
    }

    #[test]
    fn very_deep_nesting_is_refused() {
        assert!(decode(b"a[b][c][d][e][f][g][h][i]=1").is_err());
    }

    #[test]
    fn a_lone_percent_sign_is_kept() {
        assert_eq!(decoded("description=100%"), json!({"description": "100%"}));
    }
}
