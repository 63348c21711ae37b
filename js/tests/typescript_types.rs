//! The hand-written TypeScript event types against what the runtime serializes: every kind
//! of event, serialized, must have exactly the fields its interface in `types.d.ts` lists.

use std::collections::BTreeSet;
use std::rc::Rc;

use rhai_flow::{Event, EventKind, OutputStream, ScriptError, ScriptErrorKind, UnhandledReason};

const TYPES: &str = include_str!("../src/types.d.ts");

/// One event of each kind, with every optional part filled in.
fn samples() -> Vec<EventKind> {
    let text = |value: &str| value.to_owned();
    let error = ScriptError {
        kind: ScriptErrorKind::Limit,
        limit: Some("max_operations"),
        message: text("too many operations"),
        line: Some(1),
        column: Some(2),
    };
    vec![
        EventKind::FlowStarted {
            event: text("main"),
            script: text("main.rhai"),
            context: rhai_flow::rhai::Map::new(),
            fields: vec![text("id")],
            depth: 0,
        },
        EventKind::FlowFinished {
            event: text("main"),
            script: text("main.rhai"),
            elapsed_ms: 1.0,
        },
        EventKind::FlowFailed {
            event: text("main"),
            script: text("main.rhai"),
            error,
        },
        EventKind::Output {
            stream: OutputStream::Debug,
            text: text("hi"),
            line: Some(3),
        },
        EventKind::RequestSent {
            call: text("create_product"),
            method: text("POST"),
            path: text("products"),
            params: rhai_flow::rhai::Map::new(),
            idempotency_key: Some(text("key")),
            context: rhai_flow::rhai::Map::new(),
            success_event: text("product_created"),
            error_event: text("product_failed"),
        },
        EventKind::ResponseReceived {
            status: 200,
            body: Rc::from("{}"),
            parse_error: None,
            elapsed_ms: 1.0,
            attempts: 1,
            event: text("product_created"),
        },
        EventKind::RequestFailed {
            error: text("refused"),
            timed_out: false,
            elapsed_ms: 1.0,
            attempts: 3,
            event: text("product_failed"),
        },
        EventKind::RequestRetrying {
            attempt: 1,
            delay_ms: 500,
            reason: text("status 503"),
        },
        EventKind::GuardTripped {
            event: text("a"),
            guard: "max_error_chain",
            limit: 3,
        },
        EventKind::Unhandled {
            event: text("a"),
            reason: UnhandledReason::NoScript,
        },
        EventKind::Unhandled {
            event: text("a"),
            reason: UnhandledReason::ScriptMissing {
                script: text("a.rhai"),
            },
        },
        EventKind::Cancelled { event: text("a") },
        EventKind::Idle {},
    ]
}

/// The fields each serialized event has, keyed by its interface's discriminants.
fn serialized_fields(kind: EventKind) -> (String, BTreeSet<String>) {
    let event = Event {
        id: 2,
        parent: Some(1),
        at_ms: 0.5,
        kind,
    };
    let serde_json::Value::Object(object) = serde_json::to_value(&event).unwrap() else {
        panic!("an event serializes as an object");
    };
    let kind = object["kind"].as_str().unwrap().to_owned();
    // The two shapes of `unhandled` are told apart by their `reason`.
    let reason = object.get("reason").and_then(|reason| reason.as_str());
    let key = match reason {
        Some(reason) if kind == "unhandled" => format!("{kind}/{reason}"),
        _ => kind.clone(),
    };
    (key, object.keys().cloned().collect())
}

/// The fields each event interface of `types.d.ts` declares, its base's included.
fn declared_fields() -> Vec<(String, BTreeSet<String>)> {
    let base = interface_fields("FlowEventBase");
    let mut declared = Vec::new();
    for block in TYPES.split("export interface ").skip(1) {
        let body = &block[..block.find("\n}").unwrap()];
        let is_event = body.split_whitespace().next().unwrap().ends_with("Event");
        let Some(kind) = quoted_after(body, "  kind: \"").filter(|_| is_event) else {
            continue;
        };
        let key =
            quoted_after(body, "  reason: \"").map_or(kind.clone(), |r| format!("{kind}/{r}"));
        let mut fields = field_names(body);
        fields.extend(base.iter().cloned());
        declared.push((key, fields));
    }
    declared
}

fn interface_fields(name: &str) -> BTreeSet<String> {
    let start = TYPES.find(&format!("export interface {name} {{")).unwrap();
    let body = &TYPES[start..];
    field_names(&body[..body.find("\n}").unwrap()])
}

/// The names of the fields declared at the first level of an interface body.
fn field_names(body: &str) -> BTreeSet<String> {
    body.lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.trim().split_once(':'))
        .map(|(name, _)| name.trim_end_matches('?').to_owned())
        .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect()
}

fn quoted_after(body: &str, prefix: &str) -> Option<String> {
    let rest = &body[body.find(prefix)? + prefix.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

#[test]
fn every_event_interface_lists_exactly_the_serialized_fields() {
    let declared = declared_fields();
    for kind in samples() {
        let (key, fields) = serialized_fields(kind);
        let found = declared.iter().find(|(name, _)| *name == key);
        let (_, declared) = found.unwrap_or_else(|| panic!("types.d.ts has no event `{key}`"));
        assert_eq!(&fields, declared, "fields of `{key}`");
    }
}

#[test]
fn the_event_union_names_every_event_interface() {
    let union = &TYPES[TYPES.find("export type FlowEvent =").unwrap()..];
    let union = &union[..union.find(';').unwrap()];
    for block in TYPES.split("export interface ").skip(1) {
        let name = block.split_whitespace().next().unwrap();
        if name.ends_with("Event") && name != "FlowEventBase" {
            assert!(
                union.contains(&format!("| {name}")),
                "FlowEvent lacks {name}"
            );
        }
    }
    assert_eq!(declared_fields().len(), samples().len());
}
