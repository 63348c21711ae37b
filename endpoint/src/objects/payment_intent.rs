//! Payment intents: create, retrieve and confirm, charging Stripe's test cards.
//!
//! A payment intent that names a seeded demo customer and no payment method is charged at
//! once with that customer's card, so `create_payment_intent(amount, "usd", customer)` alone
//! shows a decline or a success.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::ids::now;
use crate::objects::card::{self, Card};
use crate::params::Params;
use crate::store::Store;

const CREATE_PARAMS: &[&str] = &[
    "amount",
    "confirm",
    "currency",
    "customer",
    "description",
    "metadata",
    "payment_method",
    "payment_method_data",
    "payment_method_types",
    "receipt_email",
];

const CONFIRM_PARAMS: &[&str] = &[
    "payment_method",
    "payment_method_data",
    "receipt_email",
    "return_url",
    "off_session",
];

/// Statuses from which a payment intent may be confirmed.
const CONFIRMABLE: &[&str] = &["requires_payment_method", "requires_confirmation"];

pub(crate) fn create(store: &mut Store, params: &Params) -> Result<Value, ApiError> {
    params.allow_only(CREATE_PARAMS)?;
    let amount = params
        .positive_integer("amount")?
        .ok_or_else(|| ApiError::parameter_missing("amount"))?;
    let currency = params.required_string("currency")?.to_lowercase();
    let customer = params.string("customer")?;
    if let Some(id) = &customer {
        store.customers.get(id, "customer")?;
    }
    let explicit = payment_method(store, params)?;
    let default = customer.as_deref().and_then(|id| store.default_card(id));
    let charge_default = explicit.is_none() && default.is_some();
    let payment_method = explicit.or(default.map(str::to_owned));
    let confirm = params.boolean("confirm")?;

    let id = store.new_id("pi_");
    let mut intent = object(store, &id, amount, &currency);
    intent["customer"] = json!(customer);
    intent["description"] = json!(params.string("description")?);
    intent["metadata"] = json!(params.metadata()?);
    intent["receipt_email"] = json!(params.string("receipt_email")?);
    intent["payment_method"] = json!(payment_method);
    if let Some(types) = params.list_of_strings("payment_method_types")? {
        intent["payment_method_types"] = json!(types);
    }
    // A demo customer's card is charged unless the client explicitly asked not to confirm.
    match (confirm, charge_default) {
        (Some(true), _) | (None, true) => confirm_now(store, intent),
        _ => {
            intent["status"] = json!(initial_status(&intent));
            Ok(store.payment_intents.put(intent))
        }
    }
}

pub(crate) fn retrieve(store: &mut Store, id: &str, params: &Params) -> Result<Value, ApiError> {
    super::retrieve_params(params)?;
    store.payment_intents.get(id, "id").cloned()
}

pub(crate) fn confirm(store: &mut Store, id: &str, params: &Params) -> Result<Value, ApiError> {
    params.allow_only(CONFIRM_PARAMS)?;
    let mut intent = store.payment_intents.get(id, "intent")?.clone();
    let status = intent["status"].as_str().unwrap_or_default().to_owned();
    if !CONFIRMABLE.contains(&status.as_str()) {
        return Err(unexpected_state(&intent, &status));
    }
    if let Some(payment_method) = payment_method(store, params)? {
        intent["payment_method"] = json!(payment_method);
    }
    if intent["payment_method"].is_null() {
        let customer = intent["customer"].as_str().unwrap_or_default();
        intent["payment_method"] = json!(store.default_card(customer));
    }
    if let Some(email) = params.string("receipt_email")? {
        intent["receipt_email"] = json!(email);
    }
    confirm_now(store, intent)
}

/// The payment method named by `payment_method` or made from `payment_method_data`.
fn payment_method(store: &mut Store, params: &Params) -> Result<Option<String>, ApiError> {
    if let Some(id) = params.string("payment_method")? {
        store.card(&id, "payment_method")?;
        return Ok(Some(id));
    }
    let Some(data) = params.hash("payment_method_data")? else {
        return Ok(None);
    };
    data.allow_only(&["type", "card", "billing_details"])?;
    let details = data
        .hash("card")?
        .ok_or_else(|| ApiError::parameter_missing(&data.name("card")))?;
    details.allow_only(&["number", "exp_month", "exp_year", "cvc"])?;
    let number_param = details.name("number");
    let number = details.required_string("number")?;
    let card = Card::from_number(&number).ok_or_else(|| card::incorrect_number(&number_param))?;
    Ok(Some(store.add_payment_method(card)))
}

fn initial_status(intent: &Value) -> &'static str {
    if intent["payment_method"].is_null() {
        "requires_payment_method"
    } else {
        "requires_confirmation"
    }
}

/// Charges the intent's payment method, stores the outcome and returns the reply.
fn confirm_now(store: &mut Store, mut intent: Value) -> Result<Value, ApiError> {
    let Some(payment_method) = intent["payment_method"].as_str().map(str::to_owned) else {
        return Err(missing_payment_method(&intent));
    };
    let card = store.card(&payment_method, "payment_method")?;
    let amount = intent["amount"].as_i64().unwrap_or_default();
    match card.charge(amount) {
        Ok(()) => {
            intent["status"] = json!("succeeded");
            intent["amount_received"] = json!(amount);
            intent["latest_charge"] = json!(store.new_id("ch_"));
            intent["last_payment_error"] = Value::Null;
            Ok(store.payment_intents.put(intent))
        }
        Err(decline) => {
            let error = decline.error();
            let mut last_error = error.body();
            last_error["payment_method"] =
                json!({"id": payment_method, "object": "payment_method", "type": "card"});
            // Stripe detaches a declined payment method so that the client must supply another.
            intent["status"] = json!("requires_payment_method");
            intent["payment_method"] = Value::Null;
            intent["last_payment_error"] = last_error;
            let intent = store.payment_intents.put(intent);
            Err(error.with_field("payment_intent", intent))
        }
    }
}

fn missing_payment_method(intent: &Value) -> ApiError {
    let message = "You cannot confirm this PaymentIntent because it's missing a payment method. \
                   Update the PaymentIntent with a payment method and then confirm it again.";
    ApiError::invalid_request(message)
        .with_code("payment_intent_unexpected_state")
        .with_field("payment_intent", intent.clone())
}

fn unexpected_state(intent: &Value, status: &str) -> ApiError {
    let message = format!(
        "You cannot confirm this PaymentIntent because it has a status of {status}. Only a \
         PaymentIntent with one of the following statuses may be confirmed: {}.",
        CONFIRMABLE.join(", ")
    );
    ApiError::invalid_request(message)
        .with_code("payment_intent_unexpected_state")
        .with_field("payment_intent", intent.clone())
}

/// A fresh payment intent as Stripe shows it, before its status is known.
fn object(store: &mut Store, id: &str, amount: i64, currency: &str) -> Value {
    let secret = store.new_id("secret_");
    json!({
        "id": id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": 0,
        "automatic_payment_methods": null,
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": "automatic",
        "client_secret": format!("{id}_{secret}"),
        "confirmation_method": "automatic",
        "created": now(),
        "currency": currency,
        "customer": null,
        "description": null,
        "last_payment_error": null,
        "latest_charge": null,
        "livemode": false,
        "metadata": {},
        "next_action": null,
        "payment_method": null,
        "payment_method_types": ["card"],
        "receipt_email": null,
        "status": "requires_payment_method",
    })
}
