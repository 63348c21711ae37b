//! The one Rhai engine of a runtime: limits, output hooks and the script API.
//!
//! Script functions reach the dispatcher through a `Weak` pointer: the dispatcher owns the
//! engine, so a strong pointer would keep both alive forever.

use std::any::TypeId;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, EvalAltResult, Map, NativeCallContext, Position};

use crate::call::CallSpec;
use crate::config::Limits;
use crate::event::OutputStream;
use crate::runtime::Shared;

type CallResult = Result<(), Box<EvalAltResult>>;

/// Builds the engine with the limits, the output hooks, and every call in `calls`.
pub(crate) fn build(
    shared: &Weak<Shared>,
    limits: &Limits,
    calls: &BTreeMap<String, CallSpec>,
) -> Engine {
    let mut engine = with_packages();
    apply_limits(&mut engine, limits);
    route_output(&mut engine, shared);
    register_helpers(&mut engine, shared);
    for (name, spec) in calls {
        register_call(&mut engine, shared, name, spec);
    }
    engine
}

/// Rhai's standard library less what flows have no use for (blobs and bit fields), which
/// keeps the browser's download smaller.
fn with_packages() -> Engine {
    use rhai::packages::{
        BasicArrayPackage, BasicMapPackage, BasicMathPackage, BasicTimePackage, CorePackage,
        LogicPackage, MoreStringPackage, Package,
    };

    let mut engine = Engine::new_raw();
    engine.set_max_strings_interned(1024);
    let packages = [
        CorePackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
        BasicTimePackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
    ];
    for package in packages {
        engine.register_global_module(package);
    }
    engine
}

fn apply_limits(engine: &mut Engine, limits: &Limits) {
    engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size);
}

/// `print` and `debug` become events instead of writing to stdout.
fn route_output(engine: &mut Engine, shared: &Weak<Shared>) {
    let weak = shared.clone();
    engine.on_print(move |text| {
        if let Some(shared) = weak.upgrade() {
            shared.output(OutputStream::Print, text, None);
        }
    });
    let weak = shared.clone();
    engine.on_debug(move |text, _, position| {
        if let Some(shared) = weak.upgrade() {
            shared.output(OutputStream::Debug, text, position.line());
        }
    });
}

fn register_helpers(engine: &mut Engine, shared: &Weak<Shared>) {
    // The seed's main scripts start with `init_flows()`; a runtime is ready before any
    // script runs, so there is nothing left to do.
    engine.register_fn("init_flows", || ());

    // Rhai's own `sleep` blocks the thread: in a browser that panics, and anywhere it would
    // hold up every other flow. Waiting is the endpoint's job, so say so instead.
    engine.register_fn("sleep", |_: rhai::INT| -> CallResult { Err(no_sleep()) });
    engine.register_fn("sleep", |_: rhai::FLOAT| -> CallResult { Err(no_sleep()) });

    let weak = shared.clone();
    let set_context = move |ctx: NativeCallContext<'_>, key: &str, value: Dynamic| -> CallResult {
        if !crate::call::is_identifier(key) {
            let message =
                format!("set_context: key `{key}` must be an identifier, like customer_type");
            return Err(script_error(message, ctx.call_position()));
        }
        if let Some(shared) = weak.upgrade() {
            shared.set_context(key, value);
        }
        Ok(())
    };
    engine.register_fn("set_context", set_context);

    let weak = shared.clone();
    let api_call = move |ctx: NativeCallContext<'_>,
                         method: &str,
                         path: &str,
                         params: Map,
                         ok: &str,
                         err: &str| {
        let shared = weak.upgrade().ok_or("the runtime is gone")?;
        let call = crate::dispatch::GenericCall {
            method,
            path,
            params,
            success: ok,
            error: err,
        };
        shared
            .fire_generic(call)
            .map_err(|message| script_error(message, ctx.call_position()))
    };
    engine.register_fn("api_call", api_call);
}

fn register_call(engine: &mut Engine, shared: &Weak<Shared>, name: &str, spec: &CallSpec) {
    let spec = Rc::new(spec.clone());
    let arity = spec.params.len();
    // Each call also takes an optional last argument: a map of extra parameters.
    for count in [arity, arity + 1] {
        let weak = shared.clone();
        let spec = Rc::clone(&spec);
        let call_name = name.to_owned();
        let types = vec![TypeId::of::<Dynamic>(); count];
        engine.register_raw_fn(name, types, move |ctx, args| -> CallResult {
            let shared = weak.upgrade().ok_or("the runtime is gone")?;
            let values: Vec<Dynamic> = args.iter().map(|arg| (**arg).clone()).collect();
            shared
                .fire_call(&call_name, &spec, &values)
                .map_err(|message| script_error(message, ctx.call_position()))
        });
    }
}

fn no_sleep() -> Box<EvalAltResult> {
    "sleep() is not available in flows: it would stop every other flow while it waits. \
     Make a call instead and continue in the flow of its event"
        .into()
}

fn script_error(message: String, position: Position) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(message.into(), position).into()
}
