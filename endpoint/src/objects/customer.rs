//! Customers: `POST /v1/customers` and `GET /v1/customers/{id}`.

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::ids::now;
use crate::params::Params;
use crate::store::Store;

const PARAMS: &[&str] = &[
    "description",
    "email",
    "invoice_settings",
    "metadata",
    "name",
    "payment_method",
    "phone",
];

/// The fields a customer is made from, whether sent by a client or seeded.
#[derive(Debug, Default)]
pub(crate) struct NewCustomer {
    pub(crate) email: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) metadata: Map<String, Value>,
    pub(crate) default_payment_method: Option<String>,
}

pub(crate) fn create(store: &mut Store, params: &Params) -> Result<Value, ApiError> {
    params.allow_only(PARAMS)?;
    if let Some(payment_method) = params.string("payment_method")? {
        store.card(&payment_method, "payment_method")?;
    }
    let fields = NewCustomer {
        email: params.string("email")?,
        name: params.string("name")?,
        description: params.string("description")?,
        phone: params.string("phone")?,
        metadata: params.metadata()?,
        default_payment_method: default_payment_method(store, params)?,
    };
    let id = store.new_id("cus_");
    Ok(store.customers.put(object(&id, fields)))
}

pub(crate) fn retrieve(store: &mut Store, id: &str, params: &Params) -> Result<Value, ApiError> {
    super::retrieve_params(params)?;
    store.customers.get(id, "id").cloned()
}

fn default_payment_method(store: &Store, params: &Params) -> Result<Option<String>, ApiError> {
    let Some(settings) = params.hash("invoice_settings")? else {
        return Ok(None);
    };
    settings.allow_only(&["default_payment_method"])?;
    let payment_method = settings.string("default_payment_method")?;
    if let Some(id) = &payment_method {
        store.card(id, &settings.name("default_payment_method"))?;
    }
    Ok(payment_method)
}

/// The customer as Stripe shows it.
pub(crate) fn object(id: &str, fields: NewCustomer) -> Value {
    json!({
        "id": id,
        "object": "customer",
        "address": null,
        "balance": 0,
        "created": now(),
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": fields.description,
        "email": fields.email,
        "invoice_settings": {
            "custom_fields": null,
            "default_payment_method": fields.default_payment_method,
            "footer": null,
            "rendering_options": null,
        },
        "livemode": false,
        "metadata": fields.metadata,
        "name": fields.name,
        "phone": fields.phone,
        "preferred_locales": [],
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": null,
    })
}
