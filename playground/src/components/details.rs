//! What one event of the timeline holds: a request's parameters and idempotency key, a
//! response's status and body, a flow's context, fields, output and error.
//!
//! Everything a script printed or a response contained is shown as text nodes, never parsed
//! as HTML.

use std::rc::Rc;

use rhai_flow::{Event, EventKind, ScriptError};
use serde_json::Value;
use yew::prelude::*;

use crate::format::{duration, millis, pretty, pretty_body};
use crate::timeline::Timeline;

#[derive(Properties)]
pub(crate) struct DetailsProps {
    pub(crate) timeline: Rc<Timeline>,
    pub(crate) event: Rc<Event>,
    /// Opens a script in the editor, for a flow's error.
    pub(crate) on_open_script: Callback<String>,
}

impl PartialEq for DetailsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline)
            && Rc::ptr_eq(&self.event, &other.event)
            && self.on_open_script == other.on_open_script
    }
}

#[function_component]
pub(crate) fn Details(props: &DetailsProps) -> Html {
    let event = &props.event;
    let json = serde_json::to_value(&**event).unwrap_or(Value::Null);
    let body = match &event.kind {
        EventKind::FlowStarted { .. } => flow(props, &json),
        EventKind::RequestSent { .. } => request(props, &json),
        EventKind::ResponseReceived {
            status,
            body,
            parse_error,
            elapsed_ms,
            attempts,
            event: fired,
        } => html! {
            <>
                { field("Status", status.to_string()) }
                { field("Took", duration(*elapsed_ms)) }
                { field("Attempts", attempts.to_string()) }
                { field("Dispatches", fired.clone()) }
                if let Some(problem) = parse_error { { field("Body problem", problem.clone()) } }
                { block("Body", pretty_body(body)) }
            </>
        },
        _ => block("Event", pretty(&json)),
    };
    html! {
        <section class="details" data-testid="details" aria-label="Event details">
            <header class="details-head">
                <span class="details-kind">{ event.kind.name() }</span>
                <span
                    class="details-at"
                >
                    { format!("#{} at {}", event.id, millis(event.at_ms)) }
                </span>
            </header>
            <div class="details-body">{ body }</div>
        </section>
    }
}

fn field(name: &str, value: String) -> Html {
    html! {
        <div
            class="field"
        >
            <span class="field-name">{ name }</span><span class="field-value">{ value }</span>
        </div>
    }
}

fn block(name: &str, text: String) -> Html {
    html! {
        <div class="block">
            <div class="field-name">{ name }</div>
            <pre class="code">{ text }</pre>
        </div>
    }
}

fn request(props: &DetailsProps, json: &Value) -> Html {
    let EventKind::RequestSent {
        call,
        method,
        path,
        idempotency_key,
        success_event,
        error_event,
        ..
    } = &props.event.kind
    else {
        return Html::default();
    };
    let key = idempotency_key
        .clone()
        .unwrap_or_else(|| "none (not a POST)".to_owned());
    let answer = props
        .timeline
        .children(props.event.id)
        .next()
        .map(|answer| answer.kind.name());
    html! {
        <>
            { field("Call", call.clone()) }
            { field("Request", format!("{method} /{path}")) }
            { field("Idempotency key", key) }
            { field("Events", format!("{success_event} on success, {error_event} on error")) }
            { field("Answer", answer.unwrap_or("in flight").to_owned()) }
            { block("Parameters", pretty(&json["params"])) }
            { block("Context", pretty(&json["context"])) }
        </>
    }
}

fn flow(props: &DetailsProps, json: &Value) -> Html {
    let EventKind::FlowStarted {
        event,
        script,
        fields,
        depth,
        ..
    } = &props.event.kind
    else {
        return Html::default();
    };
    let timeline = &props.timeline;
    let response = props.event.parent.and_then(|parent| timeline.find(parent));
    let printed: Vec<String> = timeline
        .children(props.event.id)
        .filter_map(|child| match &child.kind {
            EventKind::Output { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let failed = timeline
        .children(props.event.id)
        .find_map(|child| match &child.kind {
            EventKind::FlowFailed { error, .. } => Some(error.clone()),
            _ => None,
        });
    html! {
        <>
            { field("Event", event.clone()) }
            { field("Script", script.clone()) }
            { field("Chain depth", depth.to_string()) }
            if let Some(error) = failed { { error_block(&error, script, &props.on_open_script) } }
            { block("Context", pretty(&json["context"])) }
            { field("Fields", or_none(fields.join(", "), "none")) }
            if let Some(body) = response.and_then(|response| response_body(response)) {
                { block("Response the fields came from", pretty_body(&body)) }
            }
            { block("Printed", or_none(printed.join("\n"), "nothing")) }
        </>
    }
}

/// `text`, or `none` in its place when it is empty.
fn or_none(text: String, none: &str) -> String {
    if text.is_empty() {
        none.to_owned()
    } else {
        text
    }
}

fn response_body(event: &Event) -> Option<Rc<str>> {
    match &event.kind {
        EventKind::ResponseReceived { body, .. } => Some(body.clone()),
        _ => None,
    }
}

fn error_block(error: &ScriptError, script: &str, on_open_script: &Callback<String>) -> Html {
    let place = match (error.line, error.column) {
        (Some(line), Some(column)) => format!("{script}, line {line}, column {column}"),
        (Some(line), None) => format!("{script}, line {line}"),
        _ => script.to_owned(),
    };
    let onclick = {
        let (on_open_script, script) = (on_open_script.clone(), script.to_owned());
        Callback::from(move |_| on_open_script.emit(script.clone()))
    };
    html! {
        <div class="error-block" data-testid="flow-error">
            <div class="error-message">{ error.message.clone() }</div>
            <button class="link" {onclick}>{ format!("Show {place}") }</button>
        </div>
    }
}
