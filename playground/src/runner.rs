//! Runs a flow set in a worker and feeds its events to the state.
//!
//! The worker (`flow-worker.js`) holds the npm package's build of the runtime, whose panics
//! unwind: a bug in the runtime costs a flow or a request there, never this page. What no
//! build can catch, such as a script that overflows the stack, ends the worker; the run then
//! ends with an error and the next run gets a new worker.
//!
//! A run can fire thousands of events within a few frames, so the worker sends them in
//! batches of about a frame, and each batch is one dispatch to the state.
//!
//! The worker also checks the script being edited, with the engine and limits of a run, so
//! that the page marks syntax errors while a person types.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::UseReducerDispatcher;

use crate::flowdoc::FlowDoc;
use crate::state::{Action, Settings, State, Syntax};

/// Where the build puts the worker, beside the runtime it loads.
const WORKER_URL: &str = "flow-worker/flow-worker.js";

/// The worker of the current or last run, if any, and the numbers of the last run and check.
#[derive(Default)]
pub(crate) struct Runner {
    worker: Option<FlowWorker>,
    runs: u64,
    checks: u64,
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
    /// Compiles a script without running it.
    Check { id: u64, source: Rc<str> },
}

/// What the worker reports.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Report {
    /// Events of a run, as a JSON array.
    Events { run: u64, events: String },
    /// The config or the flow set could not be used; nothing ran.
    Refused { run: u64, reason: String },
    /// The outcome of a check: the script's error as JSON, if it has one.
    Checked { id: u64, error: Option<String> },
    /// The runtime stopped for good; the worker is of no more use.
    Crashed { reason: String },
}

/// A worker, the handlers it reports to, and whether it is still of use.
struct FlowWorker {
    worker: Worker,
    alive: Rc<Cell<bool>>,
    /// The number of the run the worker was last asked for.
    run: Rc<Cell<u64>>,
    /// The last check asked for, whose answer is the one worth showing.
    check: Rc<RefCell<Option<(u64, Syntax)>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
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
        let worker = match self.worker(&dispatcher) {
            Ok(worker) => worker,
            Err(reason) => {
                dispatcher.dispatch(Action::RefuseRun {
                    number: run,
                    reason: format!("The flow runtime could not start: {reason}"),
                });
                return;
            }
        };
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

    /// Checks `source`, the script `name` as the editor holds it; the outcome reaches the
    /// state as [`Action::Checked`].
    pub(crate) fn check(
        &mut self,
        name: String,
        source: Rc<str>,
        dispatcher: &UseReducerDispatcher<State>,
    ) {
        self.checks += 1;
        let id = self.checks;
        // With no worker, nothing is marked; the next run says why it cannot start.
        let Ok(worker) = self.worker(dispatcher) else {
            return;
        };
        let syntax = Syntax { name, error: None };
        *worker.check.borrow_mut() = Some((id, syntax));
        let order = Order::Check { id, source };
        worker.send(&order);
    }

    /// The live worker, started anew if there is none or the last one stopped.
    fn worker(&mut self, dispatcher: &UseReducerDispatcher<State>) -> Result<&FlowWorker, String> {
        if !self.worker.as_ref().is_some_and(FlowWorker::is_alive) {
            self.worker = None;
            self.worker = Some(FlowWorker::spawn(dispatcher.clone())?);
        }
        Ok(self.worker.as_ref().expect("a worker was just started"))
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
        let check = Rc::new(RefCell::new(None));

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
            let check = Rc::clone(&check);
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                match serde_wasm_bindgen::from_value::<Report>(message.data()) {
                    Ok(Report::Events { run, events }) => append(&dispatcher, run, &events),
                    Ok(Report::Refused { run, reason }) => {
                        dispatcher.dispatch(Action::RefuseRun {
                            number: run,
                            reason,
                        });
                    }
                    Ok(Report::Checked { id, error }) => checked(&dispatcher, &check, id, error),
                    Ok(Report::Crashed { reason }) => crash(reason),
                    Err(error) => crash(format!(
                        "the worker sent a report the page cannot read: {error}"
                    )),
                }
            })
        };
        // A worker that fails to load reports a plain `Event`, with no message.
        let on_error = Closure::<dyn FnMut(Event)>::new(move |error: Event| {
            let reason = error
                .dyn_ref::<ErrorEvent>()
                .map(ErrorEvent::message)
                .filter(|message| !message.is_empty())
                .unwrap_or_else(|| format!("the flow worker at {WORKER_URL} could not load"));
            crash(reason);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            alive,
            run,
            check,
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

/// Hands the outcome of check `id` to the state, unless a later check was asked for since.
fn checked(
    dispatcher: &UseReducerDispatcher<State>,
    asked: &RefCell<Option<(u64, Syntax)>>,
    id: u64,
    error: Option<String>,
) {
    let Some((_, mut syntax)) = asked.borrow_mut().take_if(|(last, _)| *last == id) else {
        return;
    };
    syntax.error = match error.as_deref().map(serde_json::from_str) {
        None => None,
        Some(Ok(error)) => Some(error),
        Some(Err(error)) => Some(rhai_flow::ScriptError {
            kind: rhai_flow::ScriptErrorKind::Runtime,
            limit: None,
            message: format!("the check's answer cannot be read: {error}"),
            line: None,
            column: None,
        }),
    };
    dispatcher.dispatch(Action::Checked(syntax));
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
