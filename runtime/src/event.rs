//! The typed stream a runtime reports everything through.
//!
//! Every event has an id and the id of the event that caused it, so a host can draw the
//! chain: main flow → request → response → flow → request ...

use std::rc::Rc;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{LimitName, ScriptError};

/// Identifies one event within a runtime; ids grow in the order events happen.
pub type EventId = u64;

/// Something that happened in a runtime.
///
/// Serialized with camelCase field names and a `kind` tag in snake_case, so that a
/// `request_sent` event reads `{"id": 3, "parent": 1, "atMs": 0.4, "kind": "request_sent",
/// "idempotencyKey": "...", ...}`. It reads back from the same form, so a stream can be
/// sent to another thread or saved, and replayed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// This event's id.
    pub id: EventId,
    /// The event that caused this one; `None` for a main flow and for idle.
    pub parent: Option<EventId>,
    /// Milliseconds since the runtime was created.
    pub at_ms: f64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened, with its details.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum EventKind {
    /// A script began to run: the main script, or the flow mapped to an event.
    FlowStarted {
        /// The event that started the flow; `main` for the main script.
        event: String,
        /// The script that runs.
        script: String,
        /// The context the flow sees, as the `context` map and `context_<key>` variables.
        #[serde(serialize_with = "serialize_map", deserialize_with = "deserialize_map")]
        context: rhai::Map,
        /// The names of the response fields in the flow's scope.
        fields: Vec<String>,
        /// How many flows led to this one; the main script is 0.
        depth: u32,
    },
    /// A script ran to its end.
    FlowFinished {
        /// The event that started the flow.
        event: String,
        /// The script that ran.
        script: String,
        /// How long it ran, in milliseconds.
        elapsed_ms: f64,
    },
    /// A script stopped with an error; the rest of the run goes on.
    FlowFailed {
        /// The event that started the flow.
        event: String,
        /// The script that failed.
        script: String,
        /// What went wrong, and where.
        error: ScriptError,
    },
    /// A script printed a line with `print` or `debug`.
    Output {
        /// Which function printed it.
        stream: OutputStream,
        /// The text printed.
        text: String,
        /// The line of the `debug` call, where known.
        line: Option<usize>,
    },
    /// A call of a script became an HTTP request.
    RequestSent {
        /// The script function that was called.
        call: String,
        /// The HTTP method.
        method: String,
        /// The path below the endpoint.
        path: String,
        /// The parameters, before form encoding.
        #[serde(serialize_with = "serialize_map", deserialize_with = "deserialize_map")]
        params: rhai::Map,
        /// The key that lets the endpoint recognise a retry of this request.
        idempotency_key: Option<String>,
        /// The context the response's flow will see.
        #[serde(serialize_with = "serialize_map", deserialize_with = "deserialize_map")]
        context: rhai::Map,
        /// The event dispatched when the request succeeds.
        success_event: String,
        /// The event dispatched when it fails.
        error_event: String,
    },
    /// The endpoint answered.
    ResponseReceived {
        /// The HTTP status.
        status: u16,
        /// The body as received.
        body: Rc<str>,
        /// Why the body could not be read as JSON, with a snippet of it, if it could not.
        parse_error: Option<String>,
        /// Milliseconds from sending the request to receiving the whole answer.
        elapsed_ms: f64,
        /// How many times the request was sent; more than 1 after retries.
        attempts: u32,
        /// The event this response dispatches.
        event: String,
    },
    /// A request ended with no answer: the connection failed, or it timed out.
    RequestFailed {
        /// What went wrong, and what may have caused it.
        error: String,
        /// Whether the request timed out.
        timed_out: bool,
        /// Milliseconds from sending the request to giving up.
        elapsed_ms: f64,
        /// How many times the request was sent.
        attempts: u32,
        /// The event this failure dispatches.
        event: String,
    },
    /// An event was dispatched, but no flow ran for it.
    Unhandled {
        /// The event.
        event: String,
        /// Why nothing ran.
        #[serde(flatten)]
        reason: UnhandledReason,
    },
    /// An attempt failed in a way worth retrying; the same request goes again after a wait.
    RequestRetrying {
        /// The attempt that failed, counted from 1.
        attempt: u32,
        /// How long the runtime waits before the next attempt, in milliseconds.
        delay_ms: u32,
        /// What went wrong with the attempt.
        reason: String,
    },
    /// A guard stopped a chain: the event was not dispatched.
    GuardTripped {
        /// The event that was not dispatched.
        event: String,
        /// The limit that tripped, such as `max_error_chain`.
        #[serde(deserialize_with = "crate::error::deserialize_limit_name")]
        guard: LimitName,
        /// The limit's value.
        limit: u32,
    },
    /// A request was cancelled by a stop before its flow could run.
    Cancelled {
        /// The event its flow would have handled.
        event: String,
    },
    /// No request is in flight and no flow is waiting to run.
    Idle {},
}

/// The Rhai function that printed a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputStream {
    /// `print(...)`.
    Print,
    /// `debug(...)`.
    Debug,
}

/// Why an event ran no flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum UnhandledReason {
    /// The flow set maps no script to the event.
    NoScript,
    /// The flow set maps a script to the event, but has no script of that name.
    ScriptMissing {
        /// The name of the missing script.
        script: String,
    },
}

impl EventKind {
    /// The kind's name as it appears in the serialized event, such as `flow_started`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::FlowStarted { .. } => "flow_started",
            Self::FlowFinished { .. } => "flow_finished",
            Self::FlowFailed { .. } => "flow_failed",
            Self::Output { .. } => "output",
            Self::RequestSent { .. } => "request_sent",
            Self::ResponseReceived { .. } => "response_received",
            Self::RequestFailed { .. } => "request_failed",
            Self::Unhandled { .. } => "unhandled",
            Self::RequestRetrying { .. } => "request_retrying",
            Self::GuardTripped { .. } => "guard_tripped",
            Self::Cancelled { .. } => "cancelled",
            Self::Idle {} => "idle",
        }
    }
}

/// Writes a Rhai map as a plain map of strings to values.
fn serialize_map<S: Serializer>(map: &rhai::Map, serializer: S) -> Result<S::Ok, S::Error> {
    let mut out = serializer.serialize_map(Some(map.len()))?;
    for (key, value) in map {
        out.serialize_entry(key.as_str(), value)?;
    }
    out.end()
}

/// Reads a plain map back as a Rhai map, its values as Rhai reads JSON.
fn deserialize_map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<rhai::Map, D::Error> {
    rhai::Dynamic::deserialize(deserializer)?
        .try_cast::<rhai::Map>()
        .ok_or_else(|| serde::de::Error::custom("expected a map"))
}
