//! Runs a flow set in a worker and feeds its events to the state.
//!
//! The worker (`flow-worker.js`) holds the npm package's build of the runtime, whose panics
//! unwind: a bug in the runtime costs a flow or a request there, never this page. What no
//! build can catch, such as a script that overflows the stack, ends the worker; the run then
//! ends with an error and the next run gets a new worker.
//!
//! A run can fire thousands of events within a few frames, so the worker sends them in
//! batches of about a frame, and each batch is one dispatch to the state.

use std::cell::Cell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::UseReducerDispatcher;

use crate::flowdoc::FlowDoc;
use crate::state::{Action, Settings, State};

/// Where the build puts the worker, beside the runtime it loads.
const WORKER_URL: &str = "flow-worker/flow-worker.js";

/// The worker of the current or last run, if any, and the number of the next run.
#[derive(Default)]
pub(crate) struct Runner {
    worker: Option<FlowWorker>,
    runs: u64,
}

/// What the page asks of the worker.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Order {
    /// Starts a run, replacing the one before. The config and the flow set go as JSON text.
    Run {
        run: u64,
        config: String,
        flows: String,
    },
    /// Cancels the run's requests in flight.
    Stop { run: u64 },
}

/// What the worker reports.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Report {
    /// Events of a run, as a JSON array.
    Events { run: u64, events: String },
    /// The config or the flow set could not be used; nothing ran.
    Refused { run: u64, reason: String },
    /// The runtime stopped for good; the worker is of no more use.
    Crashed { reason: String },
}

/// A worker, the handlers it reports to, and whether it is still of use.
struct FlowWorker {
    worker: Worker,
    alive: Rc<Cell<bool>>,
    /// The number of the run the worker was last asked for.
    run: Rc<Cell<u64>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Runner {
    /// Stops any run in progress and starts `doc`'s main script with `settings`.
    pub(crate) fn start(
        &mut self,
        doc: &FlowDoc,
        settings: &Settings,
        dispatcher: UseReducerDispatcher<State>,
    ) {
        self.runs += 1;
        let run = self.runs;
        if !self.worker.as_ref().is_some_and(FlowWorker::is_alive) {
            self.worker = None;
            match FlowWorker::spawn(dispatcher.clone()) {
                Ok(worker) => self.worker = Some(worker),
                Err(reason) => {
                    dispatcher.dispatch(Action::RefuseRun {
                        number: run,
                        reason: format!("The flow runtime could not start: {reason}"),
                    });
                    return;
                }
            }
        }
        let Some(worker) = &self.worker else { return };
        let config = serde_json::json!({
            "endpoint": settings.endpoint.trim(),
            "apiKey": settings.api_key,
        });
        let order = Order::Run {
            run,
            config: config.to_string(),
            flows: serde_json::to_string(doc).unwrap_or_default(),
        };
        dispatcher.dispatch(Action::StartRun(run));
        worker.send(&order);
    }

    /// Cancels the requests in flight; the runtime reports each and then goes idle.
    pub(crate) fn stop(&self) {
        if let Some(worker) = self.worker.as_ref().filter(|worker| worker.is_alive()) {
            worker.send(&Order::Stop {
                run: worker.run.get(),
            });
        }
    }
}

impl FlowWorker {
    fn spawn(dispatcher: UseReducerDispatcher<State>) -> Result<Self, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_URL, &options)
            .map_err(|error| error.as_string().unwrap_or_else(|| format!("{error:?}")))?;
        let alive = Rc::new(Cell::new(true));
        let run = Rc::new(Cell::new(0));

        // The first report of a crash ends the run; whatever the worker says after is moot.
        let crash = {
            let (worker, alive, run) = (worker.clone(), Rc::clone(&alive), Rc::clone(&run));
            let dispatcher = dispatcher.clone();
            move |reason: String| {
                if alive.replace(false) {
                    worker.terminate();
                    dispatcher.dispatch(Action::CrashRun {
                        number: run.get(),
                        reason,
                    });
                }
            }
        };
        let on_message = {
            let crash = crash.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                match serde_wasm_bindgen::from_value::<Report>(message.data()) {
                    Ok(Report::Events { run, events }) => append(&dispatcher, run, &events),
                    Ok(Report::Refused { run, reason }) => {
                        dispatcher.dispatch(Action::RefuseRun {
                            number: run,
                            reason,
                        });
                    }
                    Ok(Report::Crashed { reason }) => crash(reason),
                    Err(error) => crash(format!(
                        "the worker sent a report the page cannot read: {error}"
                    )),
                }
            })
        };
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |error: ErrorEvent| {
            crash(error.message());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            alive,
            run,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    fn is_alive(&self) -> bool {
        self.alive.get()
    }

    fn send(&self, order: &Order) {
        if let Order::Run { run, .. } = order {
            self.run.set(*run);
        }
        let message = serde_wasm_bindgen::to_value(order).unwrap_or(JsValue::NULL);
        // Posting plain data to a live worker does not fail; a dead one reports through
        // `onerror`, which ends the run.
        let _ = self.worker.post_message(&message);
    }
}

impl Drop for FlowWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Appends a batch of events, read from the worker's JSON, to run `run`.
fn append(dispatcher: &UseReducerDispatcher<State>, run: u64, events: &str) {
    match serde_json::from_str::<Vec<rhai_flow::Event>>(events) {
        Ok(events) => dispatcher.dispatch(Action::AppendEvents {
            run,
            events: events.into_iter().map(Rc::new).collect(),
        }),
        Err(error) => dispatcher.dispatch(Action::CrashRun {
            number: run,
            reason: format!("the worker sent events the page cannot read: {error}"),
        }),
    }
}
