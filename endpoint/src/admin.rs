//! The admin API under `/__admin/`: health, fault control, the request log and reset.
//! It needs no API key and is never subject to faults.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::app::App;
use crate::error::ApiError;
use crate::faults::FaultConfig;
use crate::log::LogEntry;

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/__admin/health", get(health))
        .route(
            "/__admin/faults",
            get(faults).post(set_faults).delete(clear_faults),
        )
        .route("/__admin/requests", get(requests).delete(clear_requests))
        .route("/__admin/reset", post(reset))
}

async fn health() -> Json<Value> {
    Json(json!({"ok": true}))
}

async fn faults(State(app): State<App>) -> Json<FaultConfig> {
    Json(app.fault_config())
}

/// Replaces the whole configuration: fields left out are off.
async fn set_faults(State(app): State<App>, body: Bytes) -> Result<Json<FaultConfig>, ApiError> {
    let config = if body.trim_ascii().is_empty() {
        FaultConfig::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            ApiError::invalid_request(format!("Invalid fault configuration: {error}"))
        })?
    };
    config
        .validate()
        .map_err(|error| ApiError::invalid_request(error.to_string()))?;
    app.set_faults(config.clone());
    Ok(Json(config))
}

async fn clear_faults(State(app): State<App>) -> Json<FaultConfig> {
    app.set_faults(FaultConfig::default());
    Json(FaultConfig::default())
}

async fn requests(State(app): State<App>) -> Json<Vec<LogEntry>> {
    Json(app.logged_requests())
}

async fn clear_requests(State(app): State<App>) -> Json<Value> {
    app.clear_log();
    Json(json!({"ok": true}))
}

async fn reset(State(app): State<App>) -> Json<Value> {
    app.reset();
    Json(json!({"ok": true}))
}
