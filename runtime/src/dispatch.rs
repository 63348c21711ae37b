//! The dispatcher: calls become requests, answers become events, events run flows.
//!
//! Everything happens on one thread. A call spawns a task for its request and returns at
//! once; when the answer arrives, the task runs the flow mapped to the success or error
//! event. Each request ends in exactly one dispatched event, or in a cancellation.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use rhai::{Dynamic, Map, Scope};

use crate::call::{check_path, CallSpec, PreparedCall};
use crate::event::{EventId, EventKind, UnhandledReason};
use crate::places::Place;
use crate::response::{self, Fields, Outcome};
use crate::retry::{self, Attempt};
use crate::runtime::{Flow, Frame, Shared};
use crate::transport::{Request, Response, ResponseFuture, TransportError, TransportErrorKind};
use crate::{contain, form, platform, ScriptError};

/// A flow about to run: the event that starts it and what its scope holds.
struct FlowInput {
    event: String,
    parent: Option<EventId>,
    fields: Fields,
    context: Map,
    depth: u32,
    /// Error events in a row that led to this flow.
    error_streak: u32,
    /// Calls the run has made so far.
    run_calls: Rc<Cell<u32>>,
}

/// A request in flight, with what its answer's flow needs.
struct Pending {
    request_id: EventId,
    generation: u64,
    request: Request,
    success: String,
    error: String,
    context: Map,
    depth: u32,
    error_streak: u32,
    run_calls: Rc<Cell<u32>>,
}

/// A request on the wire, with the place it holds.
type Sent = (Place, ResponseFuture);

/// What woke a task that waits for an answer, a timer, or a stop.
enum Wake {
    Answer(Result<Response, TransportError>),
    Timer,
    Stop,
}

/// The arguments of `api_call(method, path, params, success_event, error_event)`.
pub(crate) struct GenericCall<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) params: Map,
    pub(crate) success: &'a str,
    pub(crate) error: &'a str,
}

impl Shared {
    /// Runs a script that no request led to: the main script, or an event from the host.
    pub(crate) fn run_root(
        self: &Rc<Self>,
        event: &str,
        script: &str,
        fields: Fields,
        context: Map,
    ) -> Result<(), ScriptError> {
        let _task = self.begin_task();
        let input = FlowInput {
            event: event.to_owned(),
            parent: None,
            fields,
            context,
            depth: 0,
            error_streak: 0,
            run_calls: Rc::default(),
        };
        self.run_script(script, input)
    }

    fn run_flow(self: &Rc<Self>, input: FlowInput) {
        let script = self
            .flows
            .borrow()
            .script_for(&input.event)
            .map(str::to_owned);
        match script {
            Some(script) => {
                // A failure is reported as an event; the run goes on.
                let _ = self.run_script(&script, input);
            }
            None => self.report_unhandled(&input.event, input.parent, None),
        }
    }

    pub(crate) fn report_unhandled(
        &self,
        event: &str,
        parent: Option<EventId>,
        script: Option<&str>,
    ) {
        let reason = match script {
            Some(script) => UnhandledReason::ScriptMissing {
                script: script.to_owned(),
            },
            None => UnhandledReason::NoScript,
        };
        self.emit(parent, || EventKind::Unhandled {
            event: event.to_owned(),
            reason,
        });
    }

    fn run_script(self: &Rc<Self>, script: &str, input: FlowInput) -> Result<(), ScriptError> {
        let Some(compiled) = self.compiled(script) else {
            self.report_unhandled(&input.event, input.parent, Some(script));
            return Ok(());
        };
        let started = platform::now_ms();
        let id = self.emit(input.parent, || EventKind::FlowStarted {
            event: input.event.clone(),
            script: script.to_owned(),
            context: input.context.clone(),
            fields: input.fields.names(),
            depth: input.depth,
        });
        let event = input.event.clone();
        let result = compiled.and_then(|flow| self.evaluate(&flow, id, input));
        let script = script.to_owned();
        let kind = match &result {
            Ok(()) => {
                let elapsed_ms = platform::now_ms() - started;
                EventKind::FlowFinished {
                    event,
                    script,
                    elapsed_ms,
                }
            }
            Err(error) => EventKind::FlowFailed {
                event,
                script,
                error: error.clone(),
            },
        };
        self.emit(Some(id), || kind);
        result
    }

    /// Runs `flow` in a fresh scope holding the response's fields, the event's name and
    /// the context, both as a `context` map and as `context_<key>` variables.
    fn evaluate(&self, flow: &Flow, id: EventId, input: FlowInput) -> Result<(), ScriptError> {
        let fields = input.fields.into_values(&flow.reads);
        let mut scope = Scope::with_capacity(fields.len() + input.context.len() + 2);
        for (key, value) in fields {
            scope.push_dynamic(key, value);
        }
        scope.push("event", input.event);
        for (key, value) in &input.context {
            scope.push_dynamic(format!("context_{key}"), value.clone());
        }
        scope.push("context", input.context.clone());

        let frame = Frame {
            id,
            context: input.context,
            depth: input.depth,
            error_streak: input.error_streak,
            calls: 0,
            run_calls: input.run_calls,
        };
        self.state.borrow_mut().frames.push(frame);
        let result = contain_panic(|| self.engine.run_ast_with_scope(&mut scope, &flow.ast));
        let refused = {
            let mut state = self.state.borrow_mut();
            state.frames.pop();
            state.refused_limit.take()
        };
        result.map_err(|error| {
            let mut error = ScriptError::from_eval(error);
            if let Some(limit) = refused {
                error.kind = crate::ScriptErrorKind::Limit;
                error.limit = Some(limit);
            }
            error
        })
    }

    /// A call of a declared function: checks its arguments and sends its request.
    pub(crate) fn fire_call(
        self: &Rc<Self>,
        name: &str,
        spec: &CallSpec,
        args: &[Dynamic],
    ) -> Result<(), String> {
        let prepared = spec.prepare(name, args)?;
        self.fire(name, &spec.method, prepared, &spec.success, &spec.error)
    }

    /// `api_call`: any path below the endpoint, with events the script names.
    pub(crate) fn fire_generic(self: &Rc<Self>, call: GenericCall<'_>) -> Result<(), String> {
        let method = call.method.to_ascii_uppercase();
        if !matches!(method.as_str(), "GET" | "POST" | "DELETE") {
            return Err(format!(
                "api_call: method `{}` is not GET, POST or DELETE",
                call.method
            ));
        }
        check_path(call.path).map_err(|message| format!("api_call: {message}"))?;
        if call.path.contains(['{', '}']) {
            return Err(format!(
                "api_call: path `{}` has a `{{placeholder}}`",
                call.path
            ));
        }
        if call.success.is_empty() || call.error.is_empty() {
            return Err("api_call: the success and error events must have names".to_owned());
        }
        let path = call.path.to_owned();
        let prepared = PreparedCall {
            path,
            params: call.params,
            context: Map::new(),
        };
        self.fire("api_call", &method, prepared, call.success, call.error)
    }

    fn fire(
        self: &Rc<Self>,
        call: &str,
        method: &str,
        prepared: PreparedCall,
        success: &str,
        error: &str,
    ) -> Result<(), String> {
        let frame = self
            .current_frame()
            .ok_or("calls can only be made while a flow runs")?;
        let max_depth = self.config.limits.max_chain_depth;
        if frame.depth >= max_depth {
            self.state.borrow_mut().refused_limit = Some("max_chain_depth");
            return Err(format!(
                "{call}: this flow is {} flows deep, and chains may be at most {max_depth} deep",
                frame.depth
            ));
        }
        self.count_call(call)?;
        let body =
            form::encode(&prepared.params).map_err(|message| format!("{call}: {message}"))?;
        let key = (method == "POST").then(|| self.next_idempotency_key());
        let request = self.request(method, &prepared.path, body, key.as_deref());
        // Read before any listener hears of the request: a `stop` from one cancels it.
        let generation = self.state.borrow().generation;
        // The first attempt leaves now, while the script goes on, if a place is free; else it
        // waits its turn in the task, as retries do.
        let first = self.places.try_take();
        let first = first.map(|place| (place, self.transport.send(request.clone())));

        let mut context = frame.context;
        context.extend(prepared.context);
        let request_id = self.emit(Some(frame.id), || EventKind::RequestSent {
            call: call.to_owned(),
            method: method.to_owned(),
            path: prepared.path,
            params: prepared.params,
            idempotency_key: key,
            context: context.clone(),
            success_event: success.to_owned(),
            error_event: error.to_owned(),
        });
        let task = self.begin_task();
        let pending = Pending {
            request_id,
            generation,
            request,
            success: success.to_owned(),
            error: error.to_owned(),
            context,
            depth: frame.depth + 1,
            error_streak: frame.error_streak,
            run_calls: frame.run_calls,
        };
        let shared = Rc::clone(self);
        let event = error.to_owned();
        // The task's guard lives as long as the task, and when the task panics, until the
        // panic is reported: idle comes after the report.
        let on_panic = move |message: String| {
            shared.report_bug(request_id, event, &message);
            drop(task);
        };
        platform::spawn(Rc::clone(self).await_answer(first, pending), on_panic);
        Ok(())
    }

    /// Reports a request whose task stopped on a panic, as a failure of the flow its error
    /// event maps to: whatever the answer was, its flow did not run to its end.
    fn report_bug(&self, request_id: EventId, event: String, detail: &str) {
        let script = self
            .flows
            .borrow()
            .script_for(&event)
            .unwrap_or_default()
            .to_owned();
        let message = format!("the request stopped on a bug in the runtime ({detail})");
        self.emit(Some(request_id), || EventKind::FlowFailed {
            event,
            script,
            error: ScriptError::unplaced(message),
        });
    }

    /// Counts a call of the running flow against `max_calls_per_flow`, and of its run
    /// against `max_calls_per_run`.
    fn count_call(&self, call: &str) -> Result<(), String> {
        let limits = &self.config.limits;
        let mut state = self.state.borrow_mut();
        let frame = state
            .frames
            .last_mut()
            .ok_or("calls can only be made while a flow runs")?;
        frame.calls += 1;
        frame.run_calls.set(frame.run_calls.get() + 1);
        let (limit, name, whose) = match () {
            () if frame.calls > limits.max_calls_per_flow => {
                (limits.max_calls_per_flow, "max_calls_per_flow", "one flow")
            }
            () if frame.run_calls.get() > limits.max_calls_per_run => (
                limits.max_calls_per_run,
                "max_calls_per_run",
                "one run, all its flows together",
            ),
            () => return Ok(()),
        };
        state.refused_limit = Some(name);
        Err(format!(
            "{call}: {limit} calls have been made, as many as {whose} may make"
        ))
    }

    fn request(&self, method: &str, path: &str, body: String, key: Option<&str>) -> Request {
        let base = self.config.endpoint.trim_end_matches('/');
        let mut headers = vec![(
            "Authorization".to_owned(),
            format!("Bearer {}", self.config.api_key),
        )];
        if let Some(key) = key {
            headers.push(("Idempotency-Key".to_owned(), key.to_owned()));
        }
        let (url, body) = match (method, body.is_empty()) {
            ("POST", _) => {
                headers.push(("Content-Type".to_owned(), form::CONTENT_TYPE.to_owned()));
                (format!("{base}/{path}"), Some(body))
            }
            (_, true) => (format!("{base}/{path}"), None),
            (_, false) => (format!("{base}/{path}?{body}"), None),
        };
        Request {
            method: method.to_owned(),
            url,
            headers,
            body,
        }
    }

    async fn await_answer(self: Rc<Self>, first: Option<Sent>, pending: Pending) {
        let started = platform::now_ms();
        let (attempt, attempts) = self.attempts(first, &pending).await;
        let elapsed_ms = platform::now_ms() - started;
        let stopped = self.state.borrow().generation != pending.generation;
        let Pending {
            request_id,
            success,
            error,
            context,
            depth,
            error_streak,
            run_calls,
            ..
        } = pending;
        let (event, id, outcome) = match attempt {
            _ if stopped => {
                self.emit(Some(request_id), || EventKind::Cancelled { event: success });
                return;
            }
            Attempt::Cancelled => unreachable!("a cancellation always follows a stop"),
            Attempt::Answered(Ok(answer)) => {
                // Only a success's fields are chosen by what its flow reads.
                let reads = response::is_success(answer.status)
                    .then(|| self.reads_for(&success))
                    .flatten();
                let outcome = response::from_response(&answer, reads.as_ref());
                let event = if outcome.success { success } else { error };
                let timing = (elapsed_ms, attempts);
                let id = self.report_response(request_id, answer, &outcome, &event, timing);
                (event, id, outcome)
            }
            Attempt::Answered(Err(failure)) => {
                self.report_failure(request_id, failure, error, (elapsed_ms, attempts))
            }
            Attempt::TimedOut => {
                let message = format!("no answer within {} ms", self.config.request_timeout_ms);
                let failure = TransportError {
                    kind: TransportErrorKind::Timeout,
                    message,
                };
                self.report_failure(request_id, failure, error, (elapsed_ms, attempts))
            }
        };
        let error_streak = if outcome.success { 0 } else { error_streak + 1 };
        let input = FlowInput {
            event,
            parent: Some(id),
            fields: outcome.fields,
            context,
            depth,
            error_streak,
            run_calls,
        };
        self.run_guarded(input);
    }

    /// Runs the flow for an answer, unless it would be one error flow too many in a row.
    fn run_guarded(self: &Rc<Self>, input: FlowInput) {
        let limit = self.config.limits.max_error_chain;
        if input.error_streak > limit {
            let event = input.event;
            let guard = "max_error_chain";
            self.emit(input.parent, || EventKind::GuardTripped {
                event,
                guard,
                limit,
            });
            return;
        }
        self.run_flow(input);
    }

    /// Sends the request until an attempt's outcome stands, and returns it with the number
    /// of attempts made. Every attempt carries the same idempotency key.
    async fn attempts(&self, mut first: Option<Sent>, pending: &Pending) -> (Attempt, u32) {
        let policy = &self.config.retry;
        let mut made = 1;
        loop {
            let (place, mut answer) = match first.take() {
                Some(sent) => sent,
                None => match self.send_in_turn(pending).await {
                    Some(sent) => sent,
                    None => return (Attempt::Cancelled, made),
                },
            };
            let timeout = self.config.request_timeout_ms;
            let attempt = match self.first_of(pending, Some(&mut answer), timeout).await {
                Wake::Answer(result) => Attempt::Answered(result),
                Wake::Timer => Attempt::TimedOut,
                Wake::Stop => Attempt::Cancelled,
            };
            // The place is free again while this call waits to retry.
            drop((answer, place));
            let Some(reason) = retry::reason(&attempt).filter(|_| made <= policy.max_retries)
            else {
                return (attempt, made);
            };
            let Some(delay_ms) = retry::delay_ms(policy, made, &attempt) else {
                return (attempt, made);
            };
            let retrying = EventKind::RequestRetrying {
                attempt: made,
                delay_ms,
                reason,
            };
            self.emit(Some(pending.request_id), || retrying);
            if let Wake::Stop = self.first_of(pending, None, delay_ms).await {
                return (Attempt::Cancelled, made);
            }
            made += 1;
        }
    }

    /// Waits for a place on the wire, then sends the request; `None` if the run is stopped
    /// first. The request's timeout starts only once it is sent.
    async fn send_in_turn(&self, pending: &Pending) -> Option<Sent> {
        let mut take = self.places.take();
        let place = self
            .until_stopped(pending, |cx| Pin::new(&mut take).poll(cx))
            .await?;
        Some((place, self.transport.send(pending.request.clone())))
    }

    fn report_response(
        &self,
        request_id: EventId,
        answer: Response,
        outcome: &Outcome,
        event: &str,
        (elapsed_ms, attempts): (f64, u32),
    ) -> EventId {
        let kind = EventKind::ResponseReceived {
            status: answer.status,
            body: answer.body.into(),
            parse_error: outcome.parse_error.clone(),
            elapsed_ms,
            attempts,
            event: event.to_owned(),
        };
        self.emit(Some(request_id), || kind)
    }

    fn report_failure(
        &self,
        request_id: EventId,
        failure: TransportError,
        event: String,
        (elapsed_ms, attempts): (f64, u32),
    ) -> (String, EventId, Outcome) {
        let outcome = response::from_failure(&failure);
        let kind = EventKind::RequestFailed {
            error: failure.message,
            timed_out: failure.kind == TransportErrorKind::Timeout,
            elapsed_ms,
            attempts,
            event: event.clone(),
        };
        let id = self.emit(Some(request_id), || kind);
        (event, id, outcome)
    }

    /// Waits for the answer (if any), the timer or a stop, whichever comes first. Returning
    /// drops nothing: the caller drops the transport's future, which cancels the request
    /// where the platform allows.
    async fn first_of(
        &self,
        pending: &Pending,
        mut answer: Option<&mut ResponseFuture>,
        ms: u32,
    ) -> Wake {
        let mut timer = Box::pin(platform::sleep(ms));
        let wake = self.until_stopped(pending, |cx| {
            if let Some(answer) = answer.as_mut() {
                if let Poll::Ready(result) = answer.as_mut().poll(cx) {
                    return Poll::Ready(Wake::Answer(result));
                }
            }
            match timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Wake::Timer),
                Poll::Pending => Poll::Pending,
            }
        });
        wake.await.unwrap_or(Wake::Stop)
    }

    /// Polls `work` until it is ready, or until a stop ends the run first (`None`).
    async fn until_stopped<T>(
        &self,
        pending: &Pending,
        mut work: impl FnMut(&mut Context<'_>) -> Poll<T>,
    ) -> Option<T> {
        let result = poll_fn(|cx| {
            if self.state.borrow().generation != pending.generation {
                return Poll::Ready(None);
            }
            if let Poll::Ready(value) = work(cx) {
                return Poll::Ready(Some(value));
            }
            // `stop` wakes this task, so a cancelled request waits neither for its timer nor
            // for a place on the wire.
            let waker = cx.waker().clone();
            self.state
                .borrow_mut()
                .stop_wakers
                .insert(pending.request_id, waker);
            Poll::Pending
        })
        .await;
        // Only `stop` drains these; a wait that ends otherwise must not leave its waker.
        self.state
            .borrow_mut()
            .stop_wakers
            .remove(&pending.request_id);
        result
    }
}

/// Turns a panic inside a script run into that flow's error, so the run goes on: a bug
/// costs one flow instead of the whole runtime.
fn contain_panic(
    run: impl FnOnce() -> Result<(), Box<rhai::EvalAltResult>>,
) -> Result<(), Box<rhai::EvalAltResult>> {
    contain::catch(run).unwrap_or_else(|detail| {
        Err(format!("the flow stopped on a bug in the runtime ({detail})").into())
    })
}
