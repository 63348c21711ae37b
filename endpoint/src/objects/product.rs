//! Products: `POST /v1/products` and `GET /v1/products/{id}`.

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::ids::now;
use crate::params::Params;
use crate::store::Store;

const PARAMS: &[&str] = &["active", "description", "id", "metadata", "name"];

pub(crate) fn create(store: &mut Store, params: &Params) -> Result<Value, ApiError> {
    params.allow_only(PARAMS)?;
    let name = params.required_string("name")?;
    let id = match params.string("id")? {
        Some(id) if store.products.contains(&id) => return Err(already_exists(&id)),
        Some(id) => id,
        None => store.new_id("prod_"),
    };
    let mut product = object(&id, &name, params.metadata()?);
    product["description"] = json!(params.string("description")?);
    product["active"] = json!(params.boolean("active")?.unwrap_or(true));
    Ok(store.products.put(product))
}

pub(crate) fn retrieve(store: &mut Store, id: &str, params: &Params) -> Result<Value, ApiError> {
    super::retrieve_params(params)?;
    store.products.get(id, "id").cloned()
}

fn already_exists(id: &str) -> ApiError {
    ApiError::invalid_request(format!("Product already exists: '{id}'."))
        .with_code("resource_already_exists")
        .with_param("id")
}

/// An active product as Stripe shows it.
pub(crate) fn object(id: &str, name: &str, metadata: Map<String, Value>) -> Value {
    let created = now();
    json!({
        "id": id,
        "object": "product",
        "active": true,
        "created": created,
        "default_price": null,
        "description": null,
        "images": [],
        "livemode": false,
        "marketing_features": [],
        "metadata": metadata,
        "name": name,
        "package_dimensions": null,
        "shippable": null,
        "statement_descriptor": null,
        "tax_code": null,
        "type": "service",
        "unit_label": null,
        "updated": created,
        "url": null,
    })
}
