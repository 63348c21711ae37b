//! The events of one run, kept in arrival order, with what the timeline needs to draw them
//! as a causal tree: each flow and request linked to the event that closes it, and counters.
//!
//! Cloning a timeline copies pointers and plain numbers only, so the reducer can append a
//! burst of events to a copy many times a second without copying the events themselves.

use std::collections::HashMap;
use std::rc::Rc;

use rhai_flow::{Event, EventId, EventKind};

/// The requests of a run, by how they stand.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Counters {
    pub(crate) in_flight: usize,
    pub(crate) succeeded: usize,
    pub(crate) failed: usize,
    pub(crate) cancelled: usize,
    pub(crate) flows_failed: usize,
}

/// Every event of a run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timeline {
    events: Vec<Rc<Event>>,
    index: HashMap<EventId, u32>,
    /// For flows and requests, the event that ended them: finished, failed, answered.
    closed_by: Vec<Option<u32>>,
    pub(crate) counters: Counters,
}

/// One line of the drawn tree.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Row {
    pub(crate) event: u32,
    pub(crate) depth: u16,
}

impl Timeline {
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub(crate) fn get(&self, position: u32) -> &Rc<Event> {
        &self.events[position as usize]
    }

    pub(crate) fn position(&self, id: EventId) -> Option<u32> {
        self.index.get(&id).copied()
    }

    pub(crate) fn last(&self) -> Option<&Rc<Event>> {
        self.events.last()
    }

    pub(crate) fn find(&self, id: EventId) -> Option<&Rc<Event>> {
        self.position(id).map(|position| self.get(position))
    }

    /// The event that ended the flow or request at `position`, once it has ended.
    pub(crate) fn closing(&self, position: u32) -> Option<&Rc<Event>> {
        self.closed_by[position as usize].map(|closing| self.get(closing))
    }

    /// The events caused by `id`, in the order they happened.
    pub(crate) fn children(&self, id: EventId) -> impl Iterator<Item = &Rc<Event>> {
        let start = self
            .position(id)
            .map_or(self.events.len(), |p| p as usize + 1);
        self.events[start..]
            .iter()
            .filter(move |event| event.parent == Some(id))
    }

    pub(crate) fn push(&mut self, event: Rc<Event>) {
        let position = self.events.len() as u32;
        self.count(&event.kind);
        if closes(&event.kind) {
            let parent = event.parent.and_then(|parent| self.position(parent));
            if let Some(parent) = parent {
                self.closed_by[parent as usize] = Some(position);
            }
        }
        self.index.insert(event.id, position);
        self.closed_by.push(None);
        self.events.push(event);
    }

    fn count(&mut self, kind: &EventKind) {
        let counters = &mut self.counters;
        match kind {
            EventKind::RequestSent { .. } => counters.in_flight += 1,
            EventKind::ResponseReceived { status, .. } if (200..300).contains(status) => {
                counters.in_flight = counters.in_flight.saturating_sub(1);
                counters.succeeded += 1;
            }
            EventKind::ResponseReceived { .. } | EventKind::RequestFailed { .. } => {
                counters.in_flight = counters.in_flight.saturating_sub(1);
                counters.failed += 1;
            }
            EventKind::Cancelled { .. } => {
                counters.in_flight = counters.in_flight.saturating_sub(1);
                counters.cancelled += 1;
            }
            EventKind::FlowFailed { .. } => counters.flows_failed += 1,
            _ => {}
        }
    }

    /// The tree in drawing order: each event followed by what it caused, depth first.
    pub(crate) fn rows(&self) -> Vec<Row> {
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); self.events.len()];
        let mut roots = Vec::new();
        for (position, event) in self.events.iter().enumerate() {
            if !drawn(&event.kind) {
                continue;
            }
            match event.parent.and_then(|parent| self.position(parent)) {
                Some(parent) => children[parent as usize].push(position as u32),
                None => roots.push(position as u32),
            }
        }
        let mut rows = Vec::with_capacity(self.events.len());
        let mut stack: Vec<Row> = roots
            .iter()
            .rev()
            .map(|&event| Row { event, depth: 0 })
            .collect();
        while let Some(row) = stack.pop() {
            rows.push(row);
            let below = children[row.event as usize].iter().rev();
            stack.extend(below.map(|&event| Row {
                event,
                depth: row.depth.saturating_add(1),
            }));
        }
        rows
    }
}

/// Events that end a flow or a request, and so are shown on its line instead of their own.
fn closes(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::FlowFinished { .. }
            | EventKind::FlowFailed { .. }
            | EventKind::ResponseReceived { .. }
            | EventKind::RequestFailed { .. }
            | EventKind::Cancelled { .. }
    )
}

/// Events with a line of their own in the tree.
fn drawn(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::FlowFinished { .. } | EventKind::FlowFailed { .. } | EventKind::Idle {}
    )
}
