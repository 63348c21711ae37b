// `runInWorker`: one run of a flow set in a worker of its own (flow_worker.js), so that
// nothing a script does can end the page's module or hold up the page.

const WORKER = new URL("./flow_worker.js", import.meta.url);

/** An `Error` named `FlowError` with `parts` as its properties, as the runtime throws. */
function flowError(message, parts) {
  return Object.assign(new Error(message), { ...parts, name: "FlowError" });
}

/** `value` as JSON text for the worker; what JSON cannot hold is refused by name. */
function jsonOf(value, kind) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const parts = kind === "config" ? { kind, field: "config" } : { kind };
    throw flowError(`the ${kind} is not a plain JSON-like value (${error.message})`, parts);
  }
  // `undefined`, a function: the runtime refuses `null` with a message that names it.
  return text ?? "null";
}

/** The options, checked, since a mistake there would otherwise show much later. */
function optionsOf(options) {
  const { onEvent, onJson, signal } = options ?? {};
  const argument = (name, expected) =>
    flowError(`argument \`${name}\`: expected ${expected}`, { kind: "argument" });
  for (const [name, listener] of [["onEvent", onEvent], ["onJson", onJson]]) {
    if (listener !== undefined && typeof listener !== "function") {
      throw argument(name, "a function");
    }
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw argument("signal", "an AbortSignal");
  }
  return { onEvent, onJson, signal };
}

/** Calls a listener as a DOM event target would: its exception is reported, not thrown. */
function tell(listener, value) {
  try {
    listener(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * Runs the main script of `flows` with `config` in a new worker, and settles once the run
 * is over, as `FlowRuntime.run` does: it resolves, or it rejects with the `FlowError` of
 * the first flow that failed.
 *
 * It also rejects with a `FlowError` of kind `config`, `flows` or `argument` when the input
 * cannot be used, and of kind `stopped` when the runtime stopped on a failure nothing can
 * catch, such as a script that overflows the stack: the worker is gone, the page goes on.
 * Aborting `signal` ends the worker at once, whatever it is doing, and rejects with the
 * signal's reason, as `fetch` does.
 */
export function runInWorker(config, flows, options) {
  let order;
  let listeners;
  try {
    listeners = optionsOf(options);
    order = { type: "run", config: jsonOf(config ?? {}, "config"), flows: jsonOf(flows, "flows") };
  } catch (error) {
    return Promise.reject(error);
  }
  const { onEvent, onJson, signal } = listeners;
  if (signal?.aborted) return Promise.reject(signal.reason);

  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { type: "module" });
    const abort = () => end(signal.reason);
    const end = (error) => {
      worker.terminate();
      signal?.removeEventListener("abort", abort);
      if (error) reject(error);
      else resolve();
    };
    const stopped = (reason) =>
      end(flowError(`the flow runtime stopped: ${reason}`, { kind: "stopped" }));
    worker.onmessage = ({ data }) => {
      switch (data.type) {
        case "events":
          for (const json of data.events) {
            if (onJson) tell(onJson, json);
            if (onEvent) tell(onEvent, JSON.parse(json));
          }
          break;
        case "ended":
          return end(data.error && flowError(data.error.message, data.error));
        case "refused":
          return end(flowError(data.reason, data.error));
        case "crashed":
          return stopped(data.reason);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      stopped(event.message || `its worker at ${WORKER} could not load`);
    };
    signal?.addEventListener("abort", abort);
    worker.postMessage(order);
  });
}
