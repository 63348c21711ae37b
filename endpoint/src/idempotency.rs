//! Idempotent replays of `POST` requests, as Stripe keeps them.
//!
//! A key is scoped by API key. The first request with a key runs; a later one with the same
//! parameters gets the first reply again, one with other parameters gets a 400, and one that
//! arrives while the first is still running gets a 409.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// A reply kept to be replayed byte for byte.
#[derive(Debug, Clone)]
pub(crate) struct StoredReply {
    pub(crate) status: StatusCode,
    pub(crate) body: Bytes,
    pub(crate) request_id: String,
}

#[derive(Debug)]
enum Entry {
    Running {
        fingerprint: String,
    },
    Done {
        fingerprint: String,
        reply: StoredReply,
    },
}

/// What to do with a request that carries an idempotency key.
#[derive(Debug)]
pub(crate) enum Begin {
    Run,
    Replay(StoredReply),
    Refuse(ApiError),
}

/// Identifies a request: method, path and its parameters in a canonical order.
pub(crate) fn fingerprint(method: &str, path: &str, params: &Map<String, Value>) -> String {
    let mut text = format!("{method} {path} ");
    canonical(&Value::Object(params.clone()), &mut text);
    text
}

/// Writes `value` with object keys sorted, whatever order the map keeps them in.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for key in keys {
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical(&map[key], out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Keys seen so far, by API key and idempotency key.
#[derive(Debug, Default)]
pub(crate) struct Idempotency {
    entries: HashMap<(String, String), Entry>,
}

impl Idempotency {
    pub(crate) fn begin(&mut self, api_key: &str, key: &str, fingerprint: String) -> Begin {
        let slot = (api_key.to_owned(), key.to_owned());
        let (seen, reply) = match self.entries.get(&slot) {
            None => {
                self.entries.insert(slot, Entry::Running { fingerprint });
                return Begin::Run;
            }
            Some(Entry::Running { fingerprint: seen }) => (seen, None),
            Some(Entry::Done {
                fingerprint: seen,
                reply,
            }) => (seen, Some(reply)),
        };
        if *seen != fingerprint {
            return Begin::Refuse(mismatch(key));
        }
        match reply {
            Some(reply) => Begin::Replay(reply.clone()),
            None => Begin::Refuse(in_use()),
        }
    }

    /// Keeps the reply for replays, or forgets the key when there is nothing to keep.
    pub(crate) fn finish(&mut self, api_key: &str, key: &str, reply: Option<StoredReply>) {
        let slot = (api_key.to_owned(), key.to_owned());
        match (reply, self.entries.remove(&slot)) {
            (Some(reply), Some(Entry::Running { fingerprint })) => {
                self.entries
                    .insert(slot, Entry::Done { fingerprint, reply });
            }
            (_, Some(done @ Entry::Done { .. })) => {
                self.entries.insert(slot, done);
            }
            _ => {}
        }
    }
}

/// Stripe keeps no result when a request failed validation, so the key can be used again.
pub(crate) fn is_kept(status: StatusCode) -> bool {
    !matches!(status.as_u16(), 400 | 401 | 409 | 413 | 429)
}

fn mismatch(key: &str) -> ApiError {
    let message = format!(
        "Keys for idempotent requests can only be used with the same parameters they were \
         first used with. Try using a key other than '{key}' if you meant to execute a \
         different request."
    );
    ApiError::idempotency(StatusCode::BAD_REQUEST, message)
}

fn in_use() -> ApiError {
    let message = "There is currently another in-progress request using this idempotency key \
                   (that probably means you submitted twice, and the other request is still \
                   going through). Please try again later.";
    ApiError::idempotency(StatusCode::CONFLICT, message.to_owned())
        .with_code("idempotency_key_in_use")
        .with_header("stripe-should-retry", "true".to_owned())
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;

    use super::*;

    fn reply() -> StoredReply {
        StoredReply {
            status: StatusCode::OK,
            body: Bytes::from_static(b"{}"),
            request_id: "req_1".to_owned(),
        }
    }

    #[test]
    fn a_key_still_running_is_refused_with_409() {
        let mut keys = Idempotency::default();
        assert!(matches!(keys.begin("sk", "k", "a".into()), Begin::Run));
        let Begin::Refuse(error) = keys.begin("sk", "k", "a".into()) else {
            panic!("a running key must be refused");
        };
        assert_eq!(error.into_response().status(), StatusCode::CONFLICT);
    }

    #[test]
    fn a_finished_key_replays_and_refuses_other_parameters() {
        let mut keys = Idempotency::default();
        keys.begin("sk", "k", "a".into());
        keys.finish("sk", "k", Some(reply()));
        assert!(matches!(
            keys.begin("sk", "k", "a".into()),
            Begin::Replay(_)
        ));
        assert!(matches!(
            keys.begin("sk", "k", "b".into()),
            Begin::Refuse(_)
        ));
    }

    #[test]
    fn keys_are_scoped_by_api_key() {
        let mut keys = Idempotency::default();
        keys.begin("sk_one", "k", "a".into());
        assert!(matches!(keys.begin("sk_two", "k", "a".into()), Begin::Run));
    }

    #[test]
    fn a_key_without_a_kept_reply_can_be_used_again() {
        let mut keys = Idempotency::default();
        keys.begin("sk", "k", "a".into());
        keys.finish("sk", "k", None);
        assert!(matches!(keys.begin("sk", "k", "b".into()), Begin::Run));
    }
}
