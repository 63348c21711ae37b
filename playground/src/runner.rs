//! Runs flow sets, and checks scripts, in workers, and feeds what they report to the state.
//!
//! A worker (the npm package's `flow_worker.js`) holds the package's build of the runtime,
//! whose panics unwind: a bug in the runtime costs a flow or a request there, never this
//! page. What no build can catch, such as a script that overflows the stack, ends the
//! worker.
//!
//! Each run gets a worker of its own, so a failure belongs to the run it happened in, and a
//! new run replaces the last one whatever state it is in. A run can fire thousands of events
//! within a few frames, so the worker sends them in batches of about a frame, each one
//! dispatch to the state. A second worker checks the script being edited, with the engine
//! and limits of a run, so that the page marks syntax errors while a person types.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rhai_flow::{Event as FlowEvent, ScriptError};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::UseReducerDispatcher;

use crate::flowdoc::FlowDoc;
use crate::state::{Action, Settings, State, Syntax};

/// How deep values in events may nest: the page's JSON reader stops at 128 levels, and a
/// script can nest thousands.
const MAX_EVENT_DEPTH: u32 = 64;

/// Where the build puts the worker, beside the runtime it loads.
const WORKER_URL: &str = "flow-worker/flow_worker.js";

/// The workers of the last run and of the checks, and the numbers of the last of each.
#[derive(Default)]
pub(crate) struct Runner {
    run: Option<FlowWorker>,
    checker: Option<FlowWorker>,
    runs: u64,
    checks: u64,
    /// The last check asked for: only its answer is worth showing.
    asked: Rc<RefCell<Option<(u64, Syntax)>>>,
}

/// What the page asks of a worker.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Order {
    /// Starts a run. The config and the flow set go as JSON text; values in events nested
    /// deeper than `max_depth` come back as a note.
    Run {
        config: String,
        flows: String,
        #[serde(rename = "maxDepth")]
        max_depth: u32,
    },
    /// Cancels the run's requests in flight.
    Stop,
    /// Compiles a script without running it.
    Check { id: u64, source: Rc<str> },
}

/// What a worker reports.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Report {
    /// Events of the run, each as its JSON text.
    Events { events: Vec<String> },
    /// The run is over, with the failure `FlowRuntime.run` rejected with, if any.
    Ended { error: Option<Failure> },
    /// The config or the flow set could not be used; nothing ran.
    Refused { reason: String },
    /// The outcome of a check: the script's error as JSON, if it has one.
    Checked { id: u64, error: Option<String> },
    /// The runtime stopped for good; the worker is of no more use.
    Crashed { reason: String },
}

/// Why a run failed, as the worker reports it.
#[derive(Deserialize)]
struct Failure {
    /// `flows` when the run could not start; a script error's kind otherwise.
    kind: String,
    message: String,
}

/// A worker, the handlers it reports to, and whether it is still of use.
struct FlowWorker {
    worker: Worker,
    alive: Rc<Cell<bool>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Runner {
    /// Replaces any run in progress (its worker goes, and its requests with it) and starts
    /// `doc`'s main script with `settings` in a new worker.
    pub(crate) fn start(
        &mut self,
        doc: &FlowDoc,
        settings: &Settings,
        dispatcher: UseReducerDispatcher<State>,
    ) {
        self.runs += 1;
        let run = self.runs;
        self.run = None;
        let stopped = {
            let dispatcher = dispatcher.clone();
            move |reason| {
                dispatcher.dispatch(Action::CrashRun {
                    number: run,
                    reason,
                })
            }
        };
        let worker = match FlowWorker::spawn(run_reports(run, dispatcher.clone()), stopped) {
            Ok(worker) => worker,
            Err(reason) => {
                let reason = format!("The flow runtime could not start: {reason}");
                dispatcher.dispatch(Action::RefuseRun {
                    number: run,
                    reason,
                });
                return;
            }
        };

        let config = serde_json::json!({
            "endpoint": settings.endpoint.trim(),
            "apiKey": settings.api_key,
        });
        let order = Order::Run {
            config: config.to_string(),
            flows: serde_json::to_string(doc).unwrap_or_default(),
            max_depth: MAX_EVENT_DEPTH,
        };
        dispatcher.dispatch(Action::StartRun(run));
        worker.send(&order);
        self.run = Some(worker);
    }

    /// Cancels the requests in flight; the runtime reports each and then goes idle.
    pub(crate) fn stop(&self) {
        if let Some(worker) = self.run.as_ref().filter(|worker| worker.alive.get()) {
            worker.send(&Order::Stop);
        }
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
        if !self
            .checker
            .as_ref()
            .is_some_and(|worker| worker.alive.get())
        {
            // With no worker, nothing is marked; the next run says why it cannot start.
            self.checker = self.spawn_checker(dispatcher).ok();
        }
        let Some(checker) = &self.checker else { return };
        *self.asked.borrow_mut() = Some((id, Syntax { name, error: None }));
        checker.send(&Order::Check { id, source });
    }

    fn spawn_checker(
        &self,
        dispatcher: &UseReducerDispatcher<State>,
    ) -> Result<FlowWorker, String> {
        let heard = {
            let (dispatcher, asked) = (dispatcher.clone(), Rc::clone(&self.asked));
            move |report| match report {
                Report::Checked { id, error } => {
                    checked(&dispatcher, &asked, id, error);
                    Ok(())
                }
                _ => Ok(()),
            }
        };
        // The check in progress, if any, fails with the reason; the next check starts a new
        // worker.
        let stopped = {
            let (dispatcher, asked) = (dispatcher.clone(), Rc::clone(&self.asked));
            move |reason| {
                if let Some((_, mut syntax)) = asked.borrow_mut().take() {
                    syntax.error = Some(ScriptError::unplaced(format!(
                        "the check stopped: {reason}"
                    )));
                    dispatcher.dispatch(Action::Checked(syntax));
                }
            }
        };
        FlowWorker::spawn(heard, stopped)
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
    let error = error.as_deref().map(serde_json::from_str).transpose();
    syntax.error = error.unwrap_or_else(|error| {
        Some(ScriptError::unplaced(format!(
            "the check's answer cannot be read: {error}"
        )))
    });
    dispatcher.dispatch(Action::Checked(syntax));
}

/// What becomes of the reports of the worker of run `run`.
fn run_reports(
    run: u64,
    dispatcher: UseReducerDispatcher<State>,
) -> impl Fn(Report) -> Result<(), String> {
    move |report| match report {
        Report::Events { events } => {
            let events = events
                .iter()
                .map(|text| serde_json::from_str::<FlowEvent>(text).map(Rc::new))
                .collect::<Result<_, _>>()
                .map_err(|error| format!("the worker sent events the page cannot read: {error}"))?;
            dispatcher.dispatch(Action::AppendEvents { run, events });
            Ok(())
        }
        Report::Refused { reason } => {
            dispatcher.dispatch(Action::RefuseRun {
                number: run,
                reason,
            });
            Ok(())
        }
        Report::Ended { error } => {
            // A flow that failed is on the timeline already; a run that could not start
            // (no main script) has nothing there to say so.
            let refusal = error.filter(|failure| failure.kind == "flows");
            let refusal = refusal.map(|failure| failure.message);
            dispatcher.dispatch(Action::EndRun {
                number: run,
                refusal,
            });
            Ok(())
        }
        Report::Checked { .. } | Report::Crashed { .. } => Ok(()),
    }
}

impl FlowWorker {
    /// Starts a worker. `heard` gets each report but a crash; an error it returns ends the
    /// worker as a crash does. `stopped` gets the reason the worker ended, once.
    fn spawn(
        heard: impl Fn(Report) -> Result<(), String> + 'static,
        stopped: impl Fn(String) + 'static,
    ) -> Result<Self, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_URL, &options)
            .map_err(|error| error.as_string().unwrap_or_else(|| format!("{error:?}")))?;
        let alive = Rc::new(Cell::new(true));

        // The first failure ends the worker; whatever it says after is moot.
        let end = Rc::new({
            let (worker, alive) = (worker.clone(), Rc::clone(&alive));
            move |reason: String| {
                if alive.replace(false) {
                    worker.terminate();
                    stopped(reason);
                }
            }
        });
        let on_message = {
            let end = Rc::clone(&end);
            let alive = Rc::clone(&alive);
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                if !alive.get() {
                    return;
                }
                let outcome = match serde_wasm_bindgen::from_value::<Report>(message.data()) {
                    Ok(Report::Crashed { reason }) => Err(reason),
                    Ok(report) => heard(report),
                    Err(error) => Err(format!(
                        "the worker sent a report the page cannot read: {error}"
                    )),
                };
                if let Err(reason) = outcome {
                    end(reason);
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
            end(reason);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            alive,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    fn send(&self, order: &Order) {
        let message = serde_wasm_bindgen::to_value(order).unwrap_or(JsValue::NULL);
        // Posting plain data to a live worker does not fail; a dead one reports through
        // `onerror`.
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
