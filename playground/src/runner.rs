//! Runs a flow set in the page and feeds its events to the state in batches.
//!
//! A run can fire thousands of events within a few frames. Dispatching each one would
//! copy the timeline once per event, so the listener collects them and one dispatch per
//! frame appends the whole batch.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use rhai_flow::{Config, Event, FetchTransport, Runtime};
use yew::UseReducerDispatcher;

use crate::flowdoc::FlowDoc;
use crate::state::{Action, Settings, State};

/// How long events gather before they reach the page, in milliseconds: about a frame.
const BATCH_MS: u32 = 16;

/// The runtime of the current run, if any, and the number of the next run.
#[derive(Default)]
pub(crate) struct Runner {
    runtime: Option<Runtime>,
    runs: u64,
}

/// Events waiting to be appended, and the timer that will append them.
struct Batch {
    run: u64,
    events: Vec<Rc<Event>>,
    timer: Option<Timeout>,
    dispatcher: UseReducerDispatcher<State>,
}

impl Runner {
    /// Stops any run in progress and starts `doc`'s main script with `settings`.
    pub(crate) fn start(
        &mut self,
        doc: &FlowDoc,
        settings: &Settings,
        dispatcher: UseReducerDispatcher<State>,
    ) {
        self.stop();
        self.runs += 1;
        let run = self.runs;
        let config = Config {
            endpoint: settings.endpoint.trim().to_owned(),
            api_key: settings.api_key.clone(),
            ..Config::default()
        };
        let runtime = match Runtime::new(config, doc.to_flow_set(), FetchTransport) {
            Ok(runtime) => runtime,
            Err(error) => {
                let reason = error.to_string();
                dispatcher.dispatch(Action::RefuseRun {
                    number: run,
                    reason,
                });
                return;
            }
        };
        dispatcher.dispatch(Action::StartRun(run));
        subscribe(&runtime, run, dispatcher);
        self.runtime = Some(runtime.clone());
        // A failing main script is reported as an event; nothing more to do with it here.
        let _ = runtime.run_main();
    }

    /// Cancels the requests in flight; the runtime reports each and then goes idle.
    pub(crate) fn stop(&self) {
        if let Some(runtime) = &self.runtime {
            runtime.stop();
        }
    }
}

fn subscribe(runtime: &Runtime, run: u64, dispatcher: UseReducerDispatcher<State>) {
    let batch = Rc::new(RefCell::new(Batch {
        run,
        events: Vec::new(),
        timer: None,
        dispatcher,
    }));
    runtime.subscribe(move |event| {
        let mut pending = batch.borrow_mut();
        pending.events.push(Rc::new(event.clone()));
        if pending.timer.is_none() {
            let batch = Rc::clone(&batch);
            pending.timer = Some(Timeout::new(BATCH_MS, move || flush(&batch)));
        }
    });
}

fn flush(batch: &RefCell<Batch>) {
    let (run, events, dispatcher) = {
        let mut pending = batch.borrow_mut();
        pending.timer = None;
        let events = std::mem::take(&mut pending.events);
        (pending.run, events, pending.dispatcher.clone())
    };
    // Dispatched outside the borrow, so an event emitted meanwhile still finds the batch free.
    dispatcher.dispatch(Action::AppendEvents { run, events });
}
