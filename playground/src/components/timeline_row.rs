//! One line of the timeline: a flow, a request, its answer, a printed line or an event that
//! ran no flow, indented under what caused it.

use std::rc::Rc;

use rhai_flow::{Event, EventId, EventKind, UnhandledReason};
use yew::prelude::*;

use crate::format::{duration, millis};

#[derive(Properties)]
pub(crate) struct TimelineRowProps {
    pub(crate) event: Rc<Event>,
    /// The event that ended this flow or request, once it has ended.
    pub(crate) closing: Option<Rc<Event>>,
    pub(crate) depth: u16,
    pub(crate) selected: bool,
    pub(crate) on_select: Callback<EventId>,
}

impl PartialEq for TimelineRowProps {
    fn eq(&self, other: &Self) -> bool {
        let same_closing = match (&self.closing, &other.closing) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        Rc::ptr_eq(&self.event, &other.event)
            && same_closing
            && self.depth == other.depth
            && self.selected == other.selected
            && self.on_select == other.on_select
    }
}

/// What a line shows: a mark, a label, a detail, a status and how long it took.
struct Line {
    mark: &'static str,
    label: String,
    detail: String,
    status: Option<(&'static str, String)>,
    took: Option<f64>,
}

/// The deepest indent the timeline draws.
const MAX_INDENT: u16 = 8;

#[function_component]
pub(crate) fn TimelineRow(props: &TimelineRowProps) -> Html {
    let event = &props.event;
    let line = describe(event, props.closing.as_deref());
    let onclick = {
        let (on_select, id) = (props.on_select.clone(), event.id);
        Callback::from(move |_| on_select.emit(id))
    };
    // Past eight levels the labels would run out of room: deeper rows keep the last
    // indent, and say their level.
    let indent = format!("--depth: {}", props.depth.min(MAX_INDENT));
    let level = (props.depth > MAX_INDENT).then(|| format!("↳{} ", props.depth));
    let kind_class = format!("row-{}", event.kind.name());
    let (status_class, status_text) = line.status.unwrap_or(("", String::new()));
    html! {
        <li
            class={classes!("row", kind_class, props.selected.then_some("selected"))}
            data-kind={event.kind.name()}
            data-status={status_class}
            data-id={event.id.to_string()}
            {onclick}
            role="treeitem"
            aria-selected={props.selected.to_string()}
        >
            <span class="row-at">{ millis(event.at_ms) }</span>
            <span class="row-main" style={indent}>
                if let Some(level) = level {
                    <span class="row-level" title="Depth in the tree">{ level }</span>
                }
                <span class="row-mark" aria-hidden="true">{ line.mark }</span>
                <span class="row-label">{ line.label }</span>
                <span class="row-detail">{ line.detail }</span>
            </span>
            <span class={classes!("row-status", status_class)}>{ status_text }</span>
            <span class="row-took">{ line.took.map(duration).unwrap_or_default() }</span>
        </li>
    }
}

fn describe(started: &Event, closing: Option<&Event>) -> Line {
    match &started.kind {
        EventKind::FlowStarted { event, script, .. } => flow_line(event, script, started, closing),
        EventKind::RequestSent {
            call, method, path, ..
        } => request_line(call, method, path, closing),
        EventKind::ResponseReceived {
            status,
            event,
            elapsed_ms,
            ..
        } => Line {
            mark: "←",
            label: status.to_string(),
            detail: format!("→ {event}"),
            status: None,
            took: Some(*elapsed_ms),
        },
        EventKind::RequestFailed {
            error,
            event,
            elapsed_ms,
            ..
        } => Line {
            mark: "✕",
            label: "no answer".to_owned(),
            detail: format!("→ {event}: {error}"),
            status: None,
            took: Some(*elapsed_ms),
        },
        EventKind::Cancelled { event } => plain("⊘", "cancelled", format!("{event} will not run")),
        EventKind::Output { text, .. } => plain("›", "", text.clone()),
        EventKind::Unhandled { event, reason } => plain("∅", "unhandled", unhandled(event, reason)),
        EventKind::RequestRetrying {
            attempt,
            delay_ms,
            reason,
        } => {
            let detail = format!(
                "attempt {attempt}: {reason}; again in {}",
                duration(f64::from(*delay_ms))
            );
            plain("↻", "retry", detail)
        }
        EventKind::GuardTripped {
            event,
            guard,
            limit,
        } => plain(
            "⛔",
            "stopped",
            format!("{event} not dispatched: {guard} is {limit}"),
        ),
        other => plain("·", other.name(), String::new()),
    }
}

fn plain(mark: &'static str, label: &str, detail: String) -> Line {
    Line {
        mark,
        label: label.to_owned(),
        detail,
        status: None,
        took: None,
    }
}

fn unhandled(event: &str, reason: &UnhandledReason) -> String {
    match reason {
        UnhandledReason::ScriptMissing { script } => format!("{event}: script {script} is missing"),
        _ => format!("{event}: no script is mapped to it"),
    }
}

fn flow_line(event: &str, script: &str, started: &Event, closing: Option<&Event>) -> Line {
    let (status, took) = match closing.map(|closing| (&closing.kind, closing.at_ms)) {
        Some((EventKind::FlowFinished { elapsed_ms, .. }, _)) => {
            (("ok", "done".to_owned()), Some(*elapsed_ms))
        }
        Some((EventKind::FlowFailed { error, .. }, at_ms)) => {
            (("failed", failure(error)), Some(at_ms - started.at_ms))
        }
        _ => (("running", "running".to_owned()), None),
    };
    Line {
        mark: "ƒ",
        label: event.to_owned(),
        detail: script.to_owned(),
        status: Some(status),
        took,
    }
}

fn failure(error: &rhai_flow::ScriptError) -> String {
    match error.line {
        Some(line) => format!("failed at line {line}"),
        None => "failed".to_owned(),
    }
}

fn request_line(call: &str, method: &str, path: &str, closing: Option<&Event>) -> Line {
    let (status, took) = match closing.map(|closing| &closing.kind) {
        Some(EventKind::ResponseReceived {
            status, elapsed_ms, ..
        }) => {
            let class = if (200..300).contains(status) {
                "ok"
            } else {
                "failed"
            };
            ((class, status.to_string()), Some(*elapsed_ms))
        }
        Some(EventKind::RequestFailed {
            elapsed_ms,
            timed_out,
            ..
        }) => {
            let text = if *timed_out { "timed out" } else { "no answer" };
            (("failed", text.to_owned()), Some(*elapsed_ms))
        }
        Some(EventKind::Cancelled { .. }) => (("cancelled", "cancelled".to_owned()), None),
        _ => (("running", "in flight".to_owned()), None),
    };
    Line {
        mark: "→",
        label: format!("{method} /{path}"),
        detail: call.to_owned(),
        status: Some(status),
        took,
    }
}
