// A worker that runs one flow set, or checks scripts, away from the page, in this package's
// runtime. A bug in the runtime costs one flow or one request, as in a page; a failure that
// nothing can catch (a script that overflows the stack) costs this worker, and the page
// that started it goes on. `runInWorker` (run_in_worker.js) starts one per run; a page may
// also speak to it directly, as the rhai-flow playground does.
//
// Orders, handled one after the other:
//   { type: "run", config, flows, maxDepth }
//                                    config and flows as JSON text; values nested deeper
//                                    than `maxDepth`, if given, reach the page as a note
//   { type: "stop" }                 cancel the run's requests in flight
//   { type: "check", id, source }    compile a script without running it
// Reports:
//   { type: "events", events }       the run's events as JSON texts, about a frame's worth
//   { type: "ended", error }         the run is over: nothing in flight, no flow waiting.
//                                    `error` holds the parts of the FlowError that
//                                    `FlowRuntime.run` rejected with, or is null
//   { type: "refused", reason, error }  the config or the flow set is not usable; nothing
//                                    ran. `error` holds the FlowError's parts (`kind`, ...)
//   { type: "checked", id, error }   the script's error as JSON text, or null
//   { type: "crashed", reason }      the runtime stopped; this worker is of no more use

import init, { FlowRuntime } from "./rhai_flow.js";

/** How long events gather before they go to the page, in milliseconds: about a frame. */
const BATCH_MS = 16;

let run = null;
let checker = null;
let crashed = false;

/** The run: its runtime, the events not yet sent, and how deep they may nest. */
class Run {
  constructor(runtime, maxDepth) {
    this.runtime = runtime;
    this.pending = [];
    this.timer = null;
    this.maxDepth = maxDepth;
    this.off = runtime.subscribeJson((json) => this.gather(json));
  }

  gather(json) {
    this.pending.push(this.maxDepth ? flattened(json, this.maxDepth) : json);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    postMessage({ type: "events", events: this.pending });
    this.pending = [];
  }
}

/**
 * The event `json` with each value that opens below `maxDepth` replaced by a note; most
 * events come back as they are. It works on the text, without parsing it, so that no depth
 * overflows the stack and every number keeps the text it was written with.
 */
function flattened(json, maxDepth) {
  const note = JSON.stringify(`[nested more than ${maxDepth} levels deep]`);
  const kept = [];
  let depth = 0;
  let quoted = false;
  let from = 0;
  let cutting = false;
  for (let at = 0; at < json.length; at++) {
    const char = json[at];
    if (quoted) {
      if (char === "\\") at++;
      else if (char === '"') quoted = false;
    } else if (char === '"') {
      quoted = true;
    } else if (char === "[" || char === "{") {
      depth++;
      if (depth === maxDepth + 1 && !cutting) {
        kept.push(json.slice(from, at), note);
        cutting = true;
      }
    } else if (char === "]" || char === "}") {
      if (depth === maxDepth + 1 && cutting) {
        from = at + 1;
        cutting = false;
      }
      depth--;
    }
  }
  kept.push(json.slice(from));
  return kept.join("");
}

/** A FlowError says what was wrong with the input; anything else means the runtime failed. */
const isFlowError = (error) => error instanceof Error && error.name === "FlowError";

const describe = (error) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Reports the first failure nothing caught, after the events that came before it. */
function crash(error) {
  if (crashed) return;
  crashed = true;
  run?.flush();
  postMessage({ type: "crashed", reason: describe(error) });
}

/** A FlowError's parts, its message among them, as plain data for `postMessage`. */
const partsOf = (error) => ({ ...error, message: error.message });

// Failures other than a FlowError are reported at once, before any task the runtime
// scheduled runs into the stopped module and hides the first error behind its own.
function start({ config, flows, maxDepth }) {
  let runtime;
  try {
    runtime = new FlowRuntime(JSON.parse(config), JSON.parse(flows));
  } catch (error) {
    if (!isFlowError(error)) return crash(error);
    return postMessage({ type: "refused", reason: error.message, error: partsOf(error) });
  }
  run = new Run(runtime, maxDepth);
  let ending;
  try {
    // The main script runs before `run` returns; its promise settles when the run is over.
    ending = runtime.run();
  } catch (error) {
    return crash(error);
  }
  const ended = (error) => {
    run.flush();
    postMessage({ type: "ended", error: error && partsOf(error) });
  };
  ending.then(
    () => ended(null),
    (error) => (isFlowError(error) ? ended(error) : crash(error)),
  );
}

function check({ id, source }) {
  checker ??= new FlowRuntime(undefined, { scripts: {} });
  let error;
  try {
    error = checker.checkScript(source);
  } catch (thrown) {
    // A panic unwinds and leaves the module usable: it is this check's failure only.
    if (thrown?.name !== "PanicError") return crash(thrown);
    const message = `the check stopped on a bug in the runtime (${thrown.message})`;
    error = { kind: "runtime", limit: null, message, line: null, column: null };
  }
  postMessage({ type: "checked", id, error: error && JSON.stringify(error) });
}

const orders = {
  run: start,
  stop: () => run?.runtime.stop(),
  check,
};

// The module loads before the first order, and each order waits for the one before: a stop
// sent while the module loads still stops the run it follows.
let queue = init();
addEventListener("message", ({ data }) => {
  queue = queue.then(() => crashed || orders[data.type]?.(data)).catch(crash);
});

// Handled here, so that the page hears of a failure once, after the events sent before it.
addEventListener("error", (event) => {
  event.preventDefault();
  crash(event.error ?? event.message);
});
addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  crash(event.reason);
});
