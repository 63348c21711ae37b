//! `FlowRuntime`, the class a page holds.

use std::panic::{AssertUnwindSafe, RefUnwindSafe, UnwindSafe};
use std::rc::Rc;

use js_sys::{Function, Promise};
use rhai_flow::{Event, FetchTransport, Runtime};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::runs::Runs;
use crate::{convert, Error};

#[wasm_bindgen]
extern "C" {
    /// `FlowConfig` in TypeScript.
    #[wasm_bindgen(typescript_type = "FlowConfig | undefined")]
    pub type FlowConfigArg;

    /// `FlowSet` in TypeScript.
    #[wasm_bindgen(typescript_type = "FlowSet")]
    pub type FlowSetArg;

    /// `FlowEventListener` in TypeScript.
    #[wasm_bindgen(typescript_type = "FlowEventListener")]
    pub type FlowEventListenerArg;

    /// `FlowJsonListener` in TypeScript.
    #[wasm_bindgen(typescript_type = "FlowJsonListener")]
    pub type FlowJsonListenerArg;

    /// A plain object of values for a script's scope, in TypeScript.
    #[wasm_bindgen(typescript_type = "Record<string, unknown>")]
    pub type ScopeArg;
}

/// Runs a flow set's Rhai scripts in the page: each API call a script makes becomes a
/// `fetch` to your endpoint, and each answer runs the flow mapped to the call's success or
/// error event.
///
/// ```js
/// const runtime = new FlowRuntime(
///   { endpoint: "http://127.0.0.1:12111/v1", apiKey: "sk_test_rhai_flow" },
///   { scripts: { "main.rhai": 'create_product("Book", "A good one");',
///                "created.rhai": "print(`created ${id}`);" },
///     events: { product_created: "created.rhai" } },
/// );
/// const off = runtime.subscribe((event) => console.log(event.kind, event));
/// await runtime.run();
/// off();
/// ```
#[wasm_bindgen]
pub struct FlowRuntime {
    runtime: Runtime,
    runs: Rc<Runs>,
}

// A panic inside the runtime costs the flow or the task it happened in: every piece of
// state it touches is released as the panic unwinds (see `rhai_flow::Runtime`), and a page
// goes on calling methods afterwards.
impl UnwindSafe for FlowRuntime {}
impl RefUnwindSafe for FlowRuntime {}

#[wasm_bindgen]
impl FlowRuntime {
    /// Creates a runtime from a config (endpoint, API key, limits; every field optional)
    /// and a flow set (`{ scripts, main, events, calls }`, such as a parsed `flows.json`
    /// with a `scripts` map added).
    ///
    /// Throws a `FlowError` of kind `config` naming the field at fault (an unknown field, a
    /// value of the wrong type, an endpoint that is not an http(s) URL, a live secret key),
    /// or of kind `flows` when the flow set cannot be used.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &FlowConfigArg, flows: &FlowSetArg) -> Result<FlowRuntime, JsValue> {
        let config = convert::config(config)?;
        let flows = convert::flow_set(flows)?;
        let runtime = Runtime::new(config, flows, FetchTransport).map_err(Error::from)?;

        let runs = Rc::new(Runs::default());
        let observer = Rc::clone(&runs);
        runtime.subscribe(move |event| observer.observe(event));
        Ok(Self { runtime, runs })
    }

    /// Calls `listener` with every event from now on, in the order they happen; returns a
    /// function that stops it.
    ///
    /// Each event is a plain object with `kind`, `id`, `parent` (the id of the event that
    /// caused it) and `atMs`, and the details of its kind, as `JSON.parse` reads the event's
    /// JSON: an integer beyond 2^53 arrives rounded, as any JavaScript number does
    /// (`subscribeJson` gives the exact text). An exception thrown by the listener does not
    /// stop the run: it is reported as an unhandled promise rejection.
    #[wasm_bindgen(unchecked_return_type = "Unsubscribe")]
    pub fn subscribe(&self, listener: FlowEventListenerArg) -> Result<Function, JsValue> {
        self.listen(listener.into(), convert::plain)
    }

    /// Calls `listener` with every event from now on, as its JSON text; returns a function
    /// that stops it. For passing events on unchanged: to a worker's page, to storage, to a
    /// server. The text keeps every integer exact.
    #[wasm_bindgen(js_name = subscribeJson, unchecked_return_type = "Unsubscribe")]
    pub fn subscribe_json(&self, listener: FlowJsonListenerArg) -> Result<Function, JsValue> {
        self.listen(listener.into(), |event| {
            convert::json(event).map(|text| JsValue::from_str(&text))
        })
    }

    /// Runs the main script, then resolves once the run is over: every request answered
    /// and every flow it led to finished.
    ///
    /// Rejects with a `FlowError` (kind `syntax`, `runtime` or `limit`, with `event`,
    /// `script`, `line` and `column`) if a flow of this run failed, once the rest of the
    /// run is over; network failures are not failures of the run: they dispatch the call's
    /// error event. Rejects with kind `flows` if the flow set has no main script.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn run(&self) -> Promise {
        let runtime = self.runtime.clone();
        self.settle(move || {
            let flows = runtime.flows();
            let main = &flows.manifest().main;
            if flows.script(main).is_none() {
                return Err(Error::MainMissing {
                    script: main.clone(),
                });
            }
            // A failure is kept by the run's observer and rejects once the run is over.
            let _ = runtime.run_main();
            Ok(())
        })
    }

    /// Dispatches `event` as if a response had fired it, such as an event from a webhook:
    /// the flow mapped to it runs with `fields` and `context` in scope. Resolves and rejects
    /// as `run` does.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn dispatch(
        &self,
        event: String,
        fields: Option<ScopeArg>,
        context: Option<ScopeArg>,
    ) -> Promise {
        let runtime = self.runtime.clone();
        let fields = convert::scope_map(fields.as_deref(), "fields");
        let context = convert::scope_map(context.as_deref(), "context");
        self.settle(move || {
            let _ = runtime.dispatch(&event, fields?, context?);
            Ok(())
        })
    }

    /// Runs the main script and returns when it ends; the requests it made go on.
    /// Await `idle()` for the end of the run.
    ///
    /// Throws a `FlowError` if the main script failed (it is reported as a `flow_failed`
    /// event as well).
    #[wasm_bindgen(js_name = runMain)]
    pub fn run_main(&self) -> Result<(), JsValue> {
        let main = self.runtime.flows().manifest().main.clone();
        self.runtime.run_main().map_err(|error| {
            let script = main.clone();
            let event = "main".to_owned();
            Error::Script {
                event,
                script,
                error,
                failures: 1,
            }
            .into()
        })
    }

    /// Resolves when no request is in flight and no flow is waiting to run; at once if
    /// the runtime is idle already.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn idle(&self) -> Promise {
        let idle = self.runtime.idle();
        future_to_promise(AssertUnwindSafe(async move {
            idle.await;
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Whether no request is in flight.
    #[wasm_bindgen(getter, js_name = isIdle)]
    pub fn is_idle(&self) -> bool {
        self.runtime.is_idle()
    }

    /// Cancels every request in flight: their flows do not run, each is reported as a
    /// `cancelled` event, and pending `run()` promises resolve. Later runs work as usual.
    pub fn stop(&self) {
        self.runtime.stop();
    }

    /// Adds or replaces a script; the next flow that uses it compiles the new source.
    #[wasm_bindgen(js_name = setScript)]
    pub fn set_script(&self, name: String, source: String) {
        self.runtime.set_script(name, source);
    }

    /// Removes a script; returns whether there was one. Events mapped to it are then
    /// reported as `unhandled`.
    #[wasm_bindgen(js_name = removeScript)]
    pub fn remove_script(&self, name: &str) -> bool {
        self.runtime.remove_script(name)
    }

    /// Compiles `source` with this runtime's engine and limits, without running it: what an
    /// editor needs to mark a syntax error while a person types. Returns `null` when the
    /// script compiles, or else the syntax error (or the expression-depth limit) with its
    /// line and column, in the shape of a `flow_failed` event's `error`.
    ///
    /// Throws a `FlowError` of kind `argument` when `source` is not a string.
    #[wasm_bindgen(js_name = checkScript, unchecked_return_type = "ScriptErrorDetails | null")]
    pub fn check_script(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
    ) -> Result<JsValue, JsValue> {
        let source = source.as_string().ok_or(Error::Argument {
            name: "source",
            message: "expected a string of Rhai source".to_owned(),
        })?;
        match self.runtime.check_script(&source) {
            Ok(()) => Ok(JsValue::NULL),
            Err(error) => convert::plain(&error),
        }
    }

    /// Maps `event` to the script `script`, replacing any earlier mapping.
    #[wasm_bindgen(js_name = mapEvent)]
    pub fn map_event(&self, event: String, script: String) {
        self.runtime.map_event(event, script);
    }
}

impl FlowRuntime {
    /// Subscribes `listener` to every event, each handed over as `form` makes it.
    fn listen(
        &self,
        listener: JsValue,
        form: impl Fn(&Event) -> Result<JsValue, JsValue> + 'static,
    ) -> Result<Function, JsValue> {
        let listener: Function = listener.dyn_into().map_err(|_| Error::Argument {
            name: "listener",
            message: "expected a function".to_owned(),
        })?;
        let subscription = self.runtime.subscribe(move |event| {
            let outcome = form(event).and_then(|event| listener.call1(&JsValue::NULL, &event));
            if let Err(error) = outcome {
                // Like a DOM event listener's exception: reported, without stopping the
                // dispatch.
                let _ = Promise::reject(&error);
            }
        });
        let runtime = self.runtime.clone();
        let unsubscribe = Closure::<dyn Fn()>::own_assert_unwind_safe(move || {
            runtime.unsubscribe(subscription);
        });
        Ok(unsubscribe.into_js_value().unchecked_into())
    }

    /// Starts a run with `start`, and returns a promise of its end.
    fn settle(&self, start: impl FnOnce() -> Result<(), Error>) -> Promise {
        let run = self.runs.open();
        if let Err(error) = self.runs.starting(run, start) {
            let _ = self.runs.close(run);
            return Promise::reject(&error.into());
        }
        let idle = self.runtime.idle();
        let runs = Rc::clone(&self.runs);
        future_to_promise(AssertUnwindSafe(async move {
            idle.await;
            // Failures are read once the run is over: a flow may fail at any point of it.
            runs.close(run)?;
            Ok(JsValue::UNDEFINED)
        }))
    }
}
