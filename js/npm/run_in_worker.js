// `runInWorker`: one run of a flow set in a worker of its own (flow_worker.js), so that
// nothing a script does can end the page's module or hold up the page.

const WORKER = new URL("./flow_worker.js", import.meta.url);

/** An `Error` named `FlowError` with `parts` as its properties, as the runtime throws. */
function flowError(message, parts) {
  return Object.assign(new Error(message), { ...parts, name: "FlowError" });
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
 * Runs the main script of `flows` with `config` in a new worker, and resolves once the run
 * is over: every request answered, every flow it led to finished. A flow that fails is
 * reported as a `flow_failed` event, as `runMain` reports it.
 *
 * Rejects with a `FlowError` of kind `config` or `flows` when the runtime refuses its
 * input, and of kind `stopped` when the runtime stopped on a failure nothing can catch,
 * such as a script that overflows the stack: the worker is gone, the page goes on.
 */
export function runInWorker(config, flows, { onEvent, onJson, signal } = {}) {
  let order;
  try {
    order = { type: "run", config: JSON.stringify(config ?? {}), flows: JSON.stringify(flows) };
  } catch (error) {
    return Promise.reject(flowError(`the config or the flow set is not JSON: ${error.message}`, {
      kind: "argument",
    }));
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { type: "module" });
    const stop = () => worker.postMessage({ type: "stop" });
    const end = (error) => {
      worker.terminate();
      signal?.removeEventListener("abort", stop);
      if (error) reject(error);
      else resolve();
    };
    const stopped = (reason) => end(flowError(`the flow runtime stopped: ${reason}`, {
      kind: "stopped",
    }));
    worker.onmessage = ({ data }) => {
      switch (data.type) {
        case "events":
          for (const json of data.events) {
            if (onJson) tell(onJson, json);
            if (onEvent) tell(onEvent, JSON.parse(json));
          }
          break;
        case "ended":
          return end();
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
    signal?.addEventListener("abort", stop);
    worker.postMessage(order);
    if (signal?.aborted) stop();
  });
}
