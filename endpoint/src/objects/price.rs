//! Prices: `POST /v1/prices` and `GET /v1/prices/{id}`.

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::ids::now;
use crate::params::Params;
use crate::store::Store;

const PARAMS: &[&str] = &[
    "active",
    "currency",
    "metadata",
    "nickname",
    "product",
    "recurring",
    "unit_amount",
];

const INTERVALS: &[&str] = &["day", "week", "month", "year"];

/// The fields a price is made from, whether sent by a client or seeded.
#[derive(Debug)]
pub(crate) struct NewPrice {
    pub(crate) product: String,
    pub(crate) unit_amount: i64,
    pub(crate) currency: String,
    pub(crate) interval: Option<String>,
    pub(crate) nickname: Option<String>,
    pub(crate) metadata: Map<String, Value>,
}

pub(crate) fn create(store: &mut Store, params: &Params) -> Result<Value, ApiError> {
    params.allow_only(PARAMS)?;
    let product = params.required_string("product")?;
    store.products.get(&product, "product")?;
    let fields = NewPrice {
        product,
        unit_amount: unit_amount(params)?,
        currency: params.required_string("currency")?.to_lowercase(),
        interval: interval(params)?,
        nickname: params.string("nickname")?,
        metadata: params.metadata()?,
    };
    let id = store.new_id("price_");
    let mut price = object(&id, fields);
    price["active"] = json!(params.boolean("active")?.unwrap_or(true));
    Ok(store.prices.put(price))
}

pub(crate) fn retrieve(store: &mut Store, id: &str, params: &Params) -> Result<Value, ApiError> {
    super::retrieve_params(params)?;
    store.prices.get(id, "id").cloned()
}

/// Free prices exist at Stripe, so zero is allowed here; negative amounts are not.
fn unit_amount(params: &Params) -> Result<i64, ApiError> {
    match params.integer("unit_amount")? {
        Some(amount) if amount >= 0 => Ok(amount),
        Some(_) => Err(
            ApiError::invalid_request("This value must be greater than or equal to 0.")
                .with_code("parameter_invalid_integer")
                .with_param("unit_amount"),
        ),
        None => Err(ApiError::parameter_missing("unit_amount")),
    }
}

fn interval(params: &Params) -> Result<Option<String>, ApiError> {
    let Some(recurring) = params.hash("recurring")? else {
        return Ok(None);
    };
    recurring.allow_only(&["interval"])?;
    let interval = recurring.required_string("interval")?;
    if !INTERVALS.contains(&interval.as_str()) {
        let message = format!("Invalid recurring[interval]: must be one of {INTERVALS:?}");
        return Err(ApiError::invalid_request(message).with_param("recurring[interval]"));
    }
    Ok(Some(interval))
}

/// The price as Stripe shows it.
pub(crate) fn object(id: &str, fields: NewPrice) -> Value {
    let recurring = fields.interval.as_ref().map(|interval| {
        json!({
            "aggregate_usage": null,
            "interval": interval,
            "interval_count": 1,
            "meter": null,
            "trial_period_days": null,
            "usage_type": "licensed",
        })
    });
    let kind = if recurring.is_some() {
        "recurring"
    } else {
        "one_time"
    };
    json!({
        "id": id,
        "object": "price",
        "active": true,
        "billing_scheme": "per_unit",
        "created": now(),
        "currency": fields.currency,
        "custom_unit_amount": null,
        "livemode": false,
        "lookup_key": null,
        "metadata": fields.metadata,
        "nickname": fields.nickname,
        "product": fields.product,
        "recurring": recurring,
        "tax_behavior": "unspecified",
        "tiers_mode": null,
        "transform_quantity": null,
        "type": kind,
        "unit_amount": fields.unit_amount,
        "unit_amount_decimal": fields.unit_amount.to_string(),
    })
}
