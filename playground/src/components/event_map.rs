//! Which event runs which script: change a mapping, remove it, or add one.

use yew::prelude::*;

use crate::flowdoc::{event_name, FlowDoc};

#[derive(Properties, PartialEq)]
pub(crate) struct EventMapProps {
    pub(crate) doc: FlowDoc,
    pub(crate) on_map: Callback<(String, String)>,
    pub(crate) on_unmap: Callback<String>,
}

#[function_component]
pub(crate) fn EventMap(props: &EventMapProps) -> Html {
    let new_event = use_node_ref();
    let new_script = use_node_ref();
    let rows = props
        .doc
        .events
        .iter()
        .map(|(event, script)| mapping(props, event, script));
    let on_add = {
        let (new_event, new_script, on_map) =
            (new_event.clone(), new_script.clone(), props.on_map.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some(input), Some(select)) = (
                new_event.cast::<web_sys::HtmlInputElement>(),
                new_script.cast::<web_sys::HtmlSelectElement>(),
            ) else {
                return;
            };
            if let Some(name) = event_name(&input.value()) {
                on_map.emit((name, select.value()));
                input.set_value("");
            }
        })
    };
    html! {
        <section class="panel events" aria-label="Event mapping">
            <header class="panel-head"><h2>{ "Events" }</h2></header>
            <ul class="event-list" data-testid="events">{ for rows }</ul>
            <form class="event-add" onsubmit={on_add}>
                <input
                    ref={new_event}
                    placeholder="event_name"
                    aria-label="Event name"
                    pattern="[A-Za-z_][A-Za-z0-9_]*"
                />
                { script_select(&props.doc, None, new_script, Callback::noop()) }
                <button class="small" type="submit">{ "Map" }</button>
            </form>
        </section>
    }
}

fn mapping(props: &EventMapProps, event: &str, script: &str) -> Html {
    let on_change = {
        let (on_map, event) = (props.on_map.clone(), event.to_owned());
        Callback::from(move |change: Event| {
            let select: web_sys::HtmlSelectElement = change.target_unchecked_into();
            on_map.emit((event.clone(), select.value()));
        })
    };
    let on_remove = {
        let (on_unmap, event) = (props.on_unmap.clone(), event.to_owned());
        Callback::from(move |_: MouseEvent| on_unmap.emit(event.clone()))
    };
    let missing = !props.doc.scripts.contains_key(script);
    html! {
        <li class={classes!("event", missing.then_some("missing"))} data-event={event.to_owned()}>
            <span class="event-name" title={event.to_owned()}>{ event }</span>
            { script_select(&props.doc, Some(script), NodeRef::default(), on_change) }
            <button
                class="small danger"
                title="Remove this mapping"
                aria-label={format!("Unmap {event}")}
                onclick={on_remove}
            >
                { "×" }
            </button>
        </li>
    }
}

fn script_select(
    doc: &FlowDoc,
    current: Option<&str>,
    node: NodeRef,
    onchange: Callback<Event>,
) -> Html {
    let missing = current.filter(|script| !doc.scripts.contains_key(*script));
    html! {
        <select ref={node} {onchange} aria-label="Script">
            if let Some(script) = missing {
                <option
                    value={script.to_owned()}
                    selected=true
                >
                    { format!("{script} (missing)") }
                </option>
            }
            { for doc.scripts.keys().map(|name| html! {
                <option
                    value={name.clone()}
                    selected={current == Some(name.as_str())}
                >
                    { name }
                </option>
            }) }
        </select>
    }
}
