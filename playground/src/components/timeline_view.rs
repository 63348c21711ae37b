//! The run's events as a causal tree, drawing only the lines in view so that runs of
//! thousands of events keep the page fluid.

use std::rc::Rc;

use rhai_flow::EventId;
use yew::prelude::*;

use crate::components::timeline_row::TimelineRow;
use crate::timeline::Timeline;

/// Every line has this height in pixels; the stylesheet sets the same.
const ROW_HEIGHT: f64 = 24.0;

/// Lines drawn above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 12;

#[derive(Properties)]
pub(crate) struct TimelineViewProps {
    pub(crate) timeline: Rc<Timeline>,
    pub(crate) run: u64,
    pub(crate) selected: Option<EventId>,
    pub(crate) on_select: Callback<EventId>,
}

impl PartialEq for TimelineViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline)
            && self.run == other.run
            && self.selected == other.selected
            && self.on_select == other.on_select
    }
}

/// The scrolled part of the list: its top and height in pixels.
#[derive(Clone, Copy, PartialEq)]
struct Viewport {
    top: f64,
    height: f64,
}

#[function_component]
pub(crate) fn TimelineView(props: &TimelineViewProps) -> Html {
    let scroller = use_node_ref();
    let viewport = use_state(|| Viewport {
        top: 0.0,
        height: 800.0,
    });
    let rows = {
        let timeline = props.timeline.clone();
        use_memo((props.run, props.timeline.len()), move |_| timeline.rows())
    };
    let onscroll = {
        let (scroller, viewport) = (scroller.clone(), viewport.clone());
        Callback::from(move |_: Event| {
            if let Some(element) = scroller.cast::<web_sys::Element>() {
                let height = f64::from(element.client_height());
                viewport.set(Viewport {
                    top: f64::from(element.scroll_top()),
                    height,
                });
            }
        })
    };
    if props.timeline.is_empty() {
        return html! {
            <div class="timeline-empty" data-testid="timeline">
                { "Press Run (Ctrl/⌘-Enter) to run the main script. Every request, response \
                   and flow shows up here as it happens." }
            </div>
        };
    }
    let first = ((viewport.top / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
    let shown = (viewport.height / ROW_HEIGHT) as usize + 2 * OVERSCAN;
    let last = (first + shown).min(rows.len());
    let total = format!("height: {}px", rows.len() as f64 * ROW_HEIGHT);
    let offset = format!("transform: translateY({}px)", first as f64 * ROW_HEIGHT);
    let lines = rows[first.min(last)..last].iter().map(|row| {
        let event = props.timeline.get(row.event).clone();
        let closing = props.timeline.closing(row.event).cloned();
        let (id, selected) = (event.id, props.selected == Some(event.id));
        html! {
            <TimelineRow
                key={id}
                {event}
                {closing}
                depth={row.depth}
                {selected}
                on_select={props.on_select.clone()}
            />
        }
    });
    html! {
        <div
            class="timeline"
            ref={scroller}
            {onscroll}
            data-testid="timeline"
            data-rows={rows.len().to_string()}
        >
            <div class="timeline-space" style={total}>
                <ul class="timeline-rows" style={offset} role="tree" aria-label="Events of the run">
                    { for lines }
                </ul>
            </div>
        </div>
    }
}
