//! The runtime a host holds: it owns the engine, the flow set and the event listeners.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::task::Waker;

use rhai::{Engine, Map, AST};

use crate::call::built_in_calls;
use crate::event::{Event, EventId, EventKind, OutputStream};
use crate::places::Places;
use crate::reads::Reads;
use crate::response::Fields;
use crate::{contain, platform, Config, Error, FlowSet, Idle, ScriptError, Transport};

type Listener = Rc<dyn Fn(&Event)>;

/// Runs a flow set's scripts and dispatches the events their calls fire.
///
/// A runtime is single-threaded: scripts run on the thread that owns it, and requests run
/// as tasks on that thread's executor (`spawn_local` in the browser, a tokio `LocalSet`
/// natively). Cloning a runtime gives another handle to the same one.
///
/// # Examples
///
/// ```
/// use rhai_flow::{Config, FlowSet, MemoryTransport, Response, Runtime};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(
/// # tokio::task::LocalSet::new().run_until(async {
/// let flows = FlowSet::new()
///     .with_script("main.rhai", r#"create_product("Book", "A good one");"#)
///     .with_script("created.rhai", r#"print(`created ${id} for ${context_product_name}`);"#)
///     .with_event("product_created", "created.rhai");
/// let transport = MemoryTransport::new(|_| Ok(Response::json(200, r#"{"id":"prod_1"}"#)));
/// let runtime = Runtime::new(Config::default(), flows, transport)?;
///
/// let printed = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
/// let sink = printed.clone();
/// runtime.subscribe(move |event| {
///     if let rhai_flow::EventKind::Output { text, .. } = &event.kind {
///         sink.borrow_mut().push(text.clone());
///     }
/// });
/// runtime.run_main()?;
/// runtime.idle().await;
/// assert_eq!(printed.borrow().as_slice(), ["created prod_1 for Book"]);
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// # })).unwrap();
/// ```
#[derive(Clone)]
pub struct Runtime {
    shared: Rc<Shared>,
}

/// A handle to a listener, for [`Runtime::unsubscribe`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscription(usize);

pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) engine: Engine,
    pub(crate) flows: RefCell<FlowSet>,
    pub(crate) transport: Rc<dyn Transport>,
    /// Places for requests on the wire, `config.max_in_flight` of them.
    pub(crate) places: Places,
    pub(crate) state: RefCell<State>,
    cache: RefCell<HashMap<String, Compiled>>,
    listeners: RefCell<Vec<(usize, Listener)>>,
    epoch_ms: f64,
}

#[derive(Default)]
pub(crate) struct State {
    next_id: EventId,
    next_listener: usize,
    /// Requests awaiting an answer and flows running, including the main script.
    pub(crate) in_flight: usize,
    /// Bumped by a stop; work started under an older generation is cancelled.
    pub(crate) generation: u64,
    /// The flows running now, innermost last.
    pub(crate) frames: Vec<Frame>,
    idle_wakers: Vec<Waker>,
    pub(crate) stop_wakers: HashMap<EventId, Waker>,
    key_prefix: String,
    key_counter: u64,
    /// The limit a call refused for, so the flow's failure can name it.
    pub(crate) refused_limit: Option<&'static str>,
}

/// A piece of work in flight: a main script, or a request and its flow.
pub(crate) struct Task(Rc<Shared>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.end_task();
    }
}

/// A flow that is running: the place its calls attach to, and the context they inherit.
#[derive(Clone)]
pub(crate) struct Frame {
    pub(crate) id: EventId,
    pub(crate) context: Map,
    pub(crate) depth: u32,
    pub(crate) error_streak: u32,
    /// Calls this flow has made so far.
    pub(crate) calls: u32,
    /// Calls the whole run has made so far, shared by every flow down the chain.
    pub(crate) run_calls: Rc<Cell<u32>>,
}

/// A script compiled from one version of its source.
struct Compiled {
    source: Rc<str>,
    flow: Result<Rc<Flow>, ScriptError>,
}

/// A compiled script, with the variables it could read.
pub(crate) struct Flow {
    pub(crate) ast: AST,
    pub(crate) reads: Rc<Reads>,
}

impl Runtime {
    /// A runtime for `flows`, sending its requests through `transport`.
    ///
    /// The engine is built once, here, with the built-in calls and the calls the flow set
    /// declares; scripts are compiled the first time they run.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the endpoint is not an `http` or `https` URL.
    pub fn new(
        config: Config,
        flows: FlowSet,
        transport: impl Transport + 'static,
    ) -> Result<Self, Error> {
        config.validate()?;
        // A flow set built in code or from a share link may not have passed through a loader.
        flows.manifest().validate()?;
        let mut calls = built_in_calls();
        calls.extend(flows.manifest().calls.clone());
        let key_prefix = format!("rf_{:012x}", platform::random_bits());
        let places = Places::new(config.max_in_flight as usize);
        let shared = Rc::new_cyclic(|weak| Shared {
            engine: crate::engine::build(weak, &config.limits, &calls),
            config,
            flows: RefCell::new(flows),
            transport: Rc::new(transport),
            places,
            state: RefCell::new(State {
                key_prefix,
                ..State::default()
            }),
            cache: RefCell::default(),
            listeners: RefCell::default(),
            epoch_ms: platform::now_ms(),
        });
        Ok(Self { shared })
    }

    /// Calls `listener` with every event from now on, in the order they happen.
    pub fn subscribe(&self, listener: impl Fn(&Event) + 'static) -> Subscription {
        let mut state = self.shared.state.borrow_mut();
        state.next_listener += 1;
        let id = state.next_listener;
        self.shared
            .listeners
            .borrow_mut()
            .push((id, Rc::new(listener)));
        Subscription(id)
    }

    /// Stops calling a listener.
    pub fn unsubscribe(&self, subscription: Subscription) {
        self.shared
            .listeners
            .borrow_mut()
            .retain(|(id, _)| *id != subscription.0);
    }

    /// Runs the flow set's main script. Calls it makes go on after this returns.
    ///
    /// # Errors
    ///
    /// The main script's error, if it failed; it is reported as an event as well.
    pub fn run_main(&self) -> Result<(), ScriptError> {
        let main = self.shared.flows.borrow().manifest().main.clone();
        let fields = Fields::default();
        self.shared.run_root("main", &main, fields, Map::new())
    }

    /// Dispatches `event` as if a response had fired it: the mapped flow runs with
    /// `fields` and `context` in its scope. Useful for events from elsewhere, such as
    /// webhooks.
    ///
    /// # Errors
    ///
    /// The flow's error, if it failed; it is reported as an event as well.
    pub fn dispatch(&self, event: &str, fields: Map, context: Map) -> Result<(), ScriptError> {
        self.dispatch_fields(event, fields.into(), context)
    }

    /// Dispatches `event` with the fields of `body`, a JSON object, in the flow's scope, as
    /// an answer with that body would: only the fields the flow can read become Rhai values,
    /// which spares a host that receives JSON, such as a webhook's, most of the conversion.
    ///
    /// # Errors
    ///
    /// The flow's error, if it failed; it is reported as an event as well. When `body` is
    /// not a JSON object, an error of kind [`ScriptErrorKind::Runtime`] that says why,
    /// without a line, and the flow does not run.
    ///
    /// [`ScriptErrorKind::Runtime`]: crate::ScriptErrorKind::Runtime
    pub fn dispatch_json(&self, event: &str, body: &str, context: Map) -> Result<(), ScriptError> {
        let reads = self.shared.reads_for(event);
        let fields = Fields::of_object(body, reads.as_ref()).map_err(|error| {
            let message = format!("the fields for `{event}` are not a JSON object: {error}");
            ScriptError::unplaced(message)
        })?;
        self.dispatch_fields(event, fields, context)
    }

    fn dispatch_fields(
        &self,
        event: &str,
        fields: Fields,
        context: Map,
    ) -> Result<(), ScriptError> {
        let script = self
            .shared
            .flows
            .borrow()
            .script_for(event)
            .map(str::to_owned);
        match script {
            Some(script) => self.shared.run_root(event, &script, fields, context),
            None => {
                self.shared.report_unhandled(event, None, None);
                Ok(())
            }
        }
    }

    /// Compiles `source` with this runtime's engine and limits, without running it: the
    /// check an editor needs to mark a syntax error while a person types.
    ///
    /// # Errors
    ///
    /// The syntax error, or the expression-depth limit, with its line and column.
    pub fn check_script(&self, source: &str) -> Result<(), ScriptError> {
        let ast = self.shared.engine.compile(source);
        ast.map(drop)
            .map_err(|error| ScriptError::from_parse(&error))
    }

    /// Resolves when no request is in flight and no flow is waiting to run.
    pub fn idle(&self) -> Idle {
        Idle {
            shared: Rc::clone(&self.shared),
        }
    }

    /// Whether nothing is in flight.
    pub fn is_idle(&self) -> bool {
        self.shared.state.borrow().in_flight == 0
    }

    /// Cancels every request in flight; their flows do not run, and each is reported as
    /// [`EventKind::Cancelled`]. Scripts started afterwards run as usual.
    pub fn stop(&self) {
        let wakers: Vec<Waker> = {
            let mut state = self.shared.state.borrow_mut();
            state.generation += 1;
            state.stop_wakers.drain().map(|(_, waker)| waker).collect()
        };
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Adds or replaces a script; the next flow that uses it compiles the new source.
    pub fn set_script(&self, name: impl Into<String>, source: impl Into<String>) {
        self.shared.flows.borrow_mut().set_script(name, source);
    }

    /// Removes a script; events mapped to it then report it missing.
    pub fn remove_script(&self, name: &str) -> bool {
        self.shared.flows.borrow_mut().remove_script(name)
    }

    /// Maps `event` to the script `script`.
    pub fn map_event(&self, event: impl Into<String>, script: impl Into<String>) {
        self.shared.flows.borrow_mut().map_event(event, script);
    }

    /// A copy of the flow set as it is now.
    pub fn flows(&self) -> FlowSet {
        self.shared.flows.borrow().clone()
    }

    /// The configuration the runtime was built with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }
}

impl Shared {
    /// Reports an event to every listener and returns its id. The event is only built when
    /// someone listens: a runtime without listeners pays for ids and nothing else.
    pub(crate) fn emit(
        &self,
        parent: Option<EventId>,
        kind: impl FnOnce() -> EventKind,
    ) -> EventId {
        let id = {
            let mut state = self.state.borrow_mut();
            state.next_id += 1;
            state.next_id
        };
        // Listeners may call back into the runtime, so none of its state is borrowed here.
        let listeners: Vec<Listener> = self
            .listeners
            .borrow()
            .iter()
            .map(|(_, listener)| Rc::clone(listener))
            .collect();
        if listeners.is_empty() {
            return id;
        }
        let event = Event {
            id,
            parent,
            at_ms: platform::now_ms() - self.epoch_ms,
            kind: kind(),
        };
        // A listener is the host's code: its panic is the host's bug, logged, and it must
        // not cut the runtime's own work short (waking those awaiting idle, reporting a
        // request) nor keep the event from the listeners after it.
        for listener in listeners {
            if let Err(message) = contain::catch(|| listener(&event)) {
                log::error!("a listener panicked on event {id}: {message}");
            }
        }
        id
    }

    pub(crate) fn output(&self, stream: OutputStream, text: &str, line: Option<usize>) {
        let parent = self.current_frame().map(|frame| frame.id);
        self.emit(parent, || EventKind::Output {
            stream,
            text: text.to_owned(),
            line,
        });
    }

    pub(crate) fn current_frame(&self) -> Option<Frame> {
        self.state.borrow().frames.last().cloned()
    }

    pub(crate) fn set_context(&self, key: &str, value: rhai::Dynamic) {
        if let Some(frame) = self.state.borrow_mut().frames.last_mut() {
            frame.context.insert(key.into(), value);
        }
    }

    /// The compiled script `name`, compiling it if its source changed; `None` if the flow
    /// set has no such script.
    pub(crate) fn compiled(&self, name: &str) -> Option<Result<Rc<Flow>, ScriptError>> {
        let source = self.flows.borrow().shared_source(name)?;
        if let Some(compiled) = self.cache.borrow().get(name) {
            if Rc::ptr_eq(&compiled.source, &source) {
                return Some(compiled.flow.clone());
            }
        }
        let flow = self.engine.compile(&*source).map(|ast| {
            let reads = Rc::new(Reads::of(&source));
            Rc::new(Flow { ast, reads })
        });
        let flow = flow.map_err(|error| ScriptError::from_parse(&error));
        let compiled = Compiled {
            source,
            flow: flow.clone(),
        };
        self.cache.borrow_mut().insert(name.to_owned(), compiled);
        Some(flow)
    }

    /// What the flow for `event` could read; `None` when no script of it compiles.
    pub(crate) fn reads_for(&self, event: &str) -> Option<Rc<Reads>> {
        let flows = self.flows.borrow();
        let flow = self.compiled(flows.script_for(event)?)?.ok()?;
        Some(Rc::clone(&flow.reads))
    }

    pub(crate) fn next_idempotency_key(&self) -> String {
        let mut state = self.state.borrow_mut();
        state.key_counter += 1;
        format!("{}_{}", state.key_prefix, state.key_counter)
    }

    /// Starts a piece of work; it ends when the returned guard is dropped, however the work
    /// ends, so that a panicking listener cannot leave the runtime busy forever.
    pub(crate) fn begin_task(self: &Rc<Self>) -> Task {
        self.state.borrow_mut().in_flight += 1;
        Task(Rc::clone(self))
    }

    /// Ends one piece of work; the last one reports idle and wakes those awaiting it.
    fn end_task(&self) {
        let wakers = {
            let mut state = self.state.borrow_mut();
            state.in_flight -= 1;
            if state.in_flight > 0 {
                return;
            }
            std::mem::take(&mut state.idle_wakers)
        };
        // While a panic unwinds, listeners are not called again: one may be the cause.
        if !std::thread::panicking() {
            self.emit(None, || EventKind::Idle {});
        }
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Whether the runtime is idle; if not, `waker` is woken when it becomes idle.
    pub(crate) fn wait_idle(&self, waker: &Waker) -> bool {
        let mut state = self.state.borrow_mut();
        if state.in_flight == 0 {
            return true;
        }
        if !state.idle_wakers.iter().any(|known| known.will_wake(waker)) {
            state.idle_wakers.push(waker.clone());
        }
        false
    }
}
