//! How the run's requests stand: in flight, succeeded, failed.

use yew::prelude::*;

use crate::timeline::Counters as Counts;

#[derive(Properties, PartialEq)]
pub(crate) struct CountersProps {
    pub(crate) counts: Counts,
    pub(crate) running: bool,
    pub(crate) events: usize,
}

#[function_component]
pub(crate) fn Counters(props: &CountersProps) -> Html {
    let counts = props.counts;
    let state = if props.running { "running" } else { "idle" };
    let counter = |name: &'static str, class: &'static str, value: usize| {
        html! {
            <span
                class={classes!("counter", class)}
                data-testid={format!("count-{class}")}
                data-value={value.to_string()}
            >
                <span class="counter-value">{ value }</span>
                <span class="counter-name">{ name }</span>
            </span>
        }
    };
    html! {
        <div class="counters" aria-live="polite">
            <span class={classes!("run-state", state)} data-testid="run-state">{ state }</span>
            { counter("in flight", "in-flight", counts.in_flight) }
            { counter("succeeded", "succeeded", counts.succeeded) }
            { counter("failed", "failed", counts.failed) }
            if counts.cancelled > 0 { { counter("cancelled", "cancelled", counts.cancelled) } }
            if counts.flows_failed > 0 {
                { counter("flows failed", "flows-failed", counts.flows_failed) }
            }
            <span class="counter-events">{ format!("{} events", props.events) }</span>
        </div>
    }
}
