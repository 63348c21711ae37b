//! Subscriptions: `POST /v1/subscriptions` and `GET /v1/subscriptions/{id}`.
//!
//! Subscriptions start `active` without charging anyone, so flows can subscribe a customer
//! that has no card; see the README's limitations.

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::ids::now;
use crate::params::Params;
use crate::store::Store;

const PARAMS: &[&str] = &["customer", "description", "items", "metadata"];

const ITEM_PARAMS: &[&str] = &["metadata", "price", "quantity"];

const DAY: i64 = 24 * 60 * 60;

pub(crate) fn create(store: &mut Store, params: &Params) -> Result<Value, ApiError> {
    params.allow_only(PARAMS)?;
    let customer = params.required_string("customer")?;
    store.customers.get(&customer, "customer")?;
    let items = params
        .list_of_hashes("items")?
        .filter(|items| !items.is_empty())
        .ok_or_else(|| ApiError::parameter_missing("items"))?;

    let id = store.new_id("sub_");
    let items = items
        .iter()
        .map(|item| new_item(store, &id, item))
        .collect::<Result<Vec<_>, _>>()?;
    let mut subscription = object(&id, &customer, items, params.metadata()?);
    subscription["description"] = json!(params.string("description")?);
    Ok(store.subscriptions.put(subscription))
}

pub(crate) fn retrieve(store: &mut Store, id: &str, params: &Params) -> Result<Value, ApiError> {
    super::retrieve_params(params)?;
    store.subscriptions.get(id, "id").cloned()
}

fn new_item(store: &mut Store, subscription: &str, item: &Params) -> Result<Value, ApiError> {
    item.allow_only(ITEM_PARAMS)?;
    let price_param = item.name("price");
    let price_id = item
        .string("price")?
        .ok_or_else(|| ApiError::parameter_missing(&price_param))?;
    let price = store.prices.get(&price_id, &price_param)?.clone();
    let quantity = item.positive_integer("quantity")?.unwrap_or(1);
    Ok(json!({
        "id": store.new_id("si_"),
        "object": "subscription_item",
        "created": now(),
        "metadata": item.metadata()?,
        "price": price,
        "quantity": quantity,
        "subscription": subscription,
    }))
}

/// The length of one billing period of the first item's price, roughly as a calendar has it.
fn period_seconds(items: &[Value]) -> i64 {
    let interval = items
        .first()
        .map(|item| &item["price"]["recurring"]["interval"]);
    match interval.and_then(Value::as_str) {
        Some("day") => DAY,
        Some("week") => 7 * DAY,
        Some("year") => 365 * DAY,
        _ => 30 * DAY,
    }
}

fn object(id: &str, customer: &str, items: Vec<Value>, metadata: Map<String, Value>) -> Value {
    let created = now();
    let currency = items.first().map(|item| item["price"]["currency"].clone());
    json!({
        "id": id,
        "object": "subscription",
        "billing_cycle_anchor": created,
        "cancel_at": null,
        "cancel_at_period_end": false,
        "canceled_at": null,
        "collection_method": "charge_automatically",
        "created": created,
        "currency": currency,
        "current_period_end": created + period_seconds(&items),
        "current_period_start": created,
        "customer": customer,
        "default_payment_method": null,
        "description": null,
        "ended_at": null,
        "items": {
            "object": "list",
            "data": items,
            "has_more": false,
            "total_count": items.len(),
            "url": format!("/v1/subscription_items?subscription={id}"),
        },
        "latest_invoice": null,
        "livemode": false,
        "metadata": metadata,
        "start_date": created,
        "status": "active",
        "trial_end": null,
        "trial_start": null,
    })
}
