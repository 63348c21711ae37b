//! Messages: a resource that keeps whatever it is sent, standing in for the welcome emails,
//! error notifications and enterprise set-ups that the example flows send.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::ids::now;
use crate::params::Params;
use crate::store::Store;

/// Fields the server sets; parameters of the same name are ignored.
const RESERVED: &[&str] = &["id", "object", "created", "livemode", "status"];

pub(crate) fn create(store: &mut Store, params: &Params) -> Result<Value, ApiError> {
    let mut message = json!({
        "id": store.new_id("msg_"),
        "object": "message",
        "created": now(),
        "livemode": false,
        "metadata": {},
        "status": "stored",
    });
    for (key, value) in params.as_map() {
        let keeps_metadata_a_map = key != "metadata" || value.is_object();
        if !RESERVED.contains(&key.as_str()) && keeps_metadata_a_map {
            message[key] = value.clone();
        }
    }
    Ok(store.messages.put(message))
}

pub(crate) fn retrieve(store: &mut Store, id: &str, params: &Params) -> Result<Value, ApiError> {
    super::retrieve_params(params)?;
    store.messages.get(id, "id").cloned()
}

/// All messages, newest first as Stripe lists objects; `limit` caps how many are returned.
pub(crate) fn list(store: &mut Store, params: &Params) -> Result<Value, ApiError> {
    params.allow_only(&["limit"])?;
    let limit = params.positive_integer("limit")?;
    let limit = limit.map_or(usize::MAX, |limit| {
        usize::try_from(limit).unwrap_or(usize::MAX)
    });
    let all: Vec<&Value> = store.messages.newest_first().collect();
    let data: Vec<&Value> = all.iter().take(limit).copied().collect();
    Ok(json!({
        "object": "list",
        "data": data,
        "has_more": all.len() > data.len(),
        "url": "/v1/messages",
    }))
}
