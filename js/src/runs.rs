//! Which run each event belongs to, so that a run's promise rejects for the flows that
//! failed in that run and in no other.
//!
//! A run starts with a root flow (the main script, or a dispatched event) whose event has no
//! parent; every later event of the run descends from it through `parent`.

use std::cell::RefCell;
use std::collections::HashMap;

use rhai_flow::{Event, EventId, EventKind};

use crate::Error;

/// Identifies one `run` or `dispatch` call of a runtime.
pub(crate) type RunId = u64;

/// The runs of one runtime that have not settled yet.
#[derive(Default)]
pub(crate) struct Runs {
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    next_run: RunId,
    /// The run whose root flow is starting now, if any.
    starting: Option<RunId>,
    /// The run of each event since the runtime was last idle.
    owners: HashMap<EventId, RunId>,
    /// What each unsettled run has come to so far.
    outcomes: HashMap<RunId, Outcome>,
}

/// The first flow of a run that failed, and how many failed.
#[derive(Default)]
struct Outcome {
    first: Option<Error>,
    failed: usize,
}

impl Runs {
    /// Opens a run; its root flow must start inside [`Runs::starting`].
    pub(crate) fn open(&self) -> RunId {
        let mut inner = self.inner.borrow_mut();
        inner.next_run += 1;
        let run = inner.next_run;
        inner.outcomes.insert(run, Outcome::default());
        run
    }

    /// Calls `start` with events without a parent attributed to `run`.
    ///
    /// `start` runs scripts, and their listeners may start runs of their own, so the run
    /// starting before is put back afterwards and no borrow is held meanwhile.
    pub(crate) fn starting<T>(&self, run: RunId, start: impl FnOnce() -> T) -> T {
        let before = self.inner.borrow_mut().starting.replace(run);
        let result = start();
        self.inner.borrow_mut().starting = before;
        result
    }

    /// Notes which run `event` belongs to, and keeps a failed flow's error.
    pub(crate) fn observe(&self, event: &Event) {
        let mut inner = self.inner.borrow_mut();
        if let EventKind::Idle {} = event.kind {
            // Nothing is in flight, so no later event can descend from the ones known.
            inner.owners.clear();
            return;
        }
        let owner = match event.parent {
            None => inner.starting,
            Some(parent) => inner.owners.get(&parent).copied(),
        };
        let Some(run) = owner else { return };
        inner.owners.insert(event.id, run);
        let EventKind::FlowFailed {
            event,
            script,
            error,
        } = &event.kind
        else {
            return;
        };
        let Some(outcome) = inner.outcomes.get_mut(&run) else {
            return;
        };
        outcome.failed += 1;
        outcome.first.get_or_insert_with(|| Error::Script {
            event: event.clone(),
            script: script.clone(),
            error: error.clone(),
            failures: 1,
        });
    }

    /// Closes `run`: its first failure, if a flow of it failed, counting the others.
    pub(crate) fn close(&self, run: RunId) -> Result<(), Error> {
        let outcome = self
            .inner
            .borrow_mut()
            .outcomes
            .remove(&run)
            .unwrap_or_default();
        match outcome.first {
            Some(mut first) => {
                if let Error::Script { failures, .. } = &mut first {
                    *failures = outcome.failed;
                }
                Err(first)
            }
            None => Ok(()),
        }
    }
}
