// Runs the playground's flows away from the page, in the npm package's build of the runtime,
// whose panics unwind. A bug in the runtime then costs one flow or one request; a failure
// that nothing can catch (a stack overflow) costs this worker, which the page replaces. The
// page stays up either way.
//
// Messages in:  { type: "run", run, config, flows }   config and flows as JSON text
//               { type: "stop", run }
//               { type: "check", id, source }         compile a script without running it
// Messages out: { type: "events", run, events }       a JSON array of events, about a frame's
//               { type: "refused", run, reason }      the config or the flow set is not usable
//               { type: "checked", id, error }        the syntax error as JSON text, or null
//               { type: "crashed", reason }           the runtime stopped; drop this worker

import init, { FlowRuntime } from "./rhai_flow.js";

/** How long events gather before they go to the page, in milliseconds: about a frame. */
const BATCH_MS = 16;

const ready = init();
let current = null;
/** A runtime kept only to check scripts, with the engine and limits of a run. */
let checker = null;

/** The run in progress: its number, its runtime and the events not yet sent. */
class Run {
  constructor(number, runtime) {
    this.number = number;
    this.runtime = runtime;
    this.pending = [];
    this.timer = null;
    this.off = runtime.subscribe((event) => this.gather(event));
  }

  gather(event) {
    this.pending.push(JSON.stringify(event));
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const events = `[${this.pending.join(",")}]`;
    this.pending = [];
    postMessage({ type: "events", run: this.number, events });
  }

  end() {
    this.off();
    this.runtime.stop();
    this.flush();
    this.runtime.free();
  }
}

/** A FlowError says what was wrong with the input; anything else means the runtime failed. */
const isFlowError = (error) => error instanceof Error && error.name === "FlowError";

const describe = (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

let crashed = false;

function crash(error) {
  if (crashed) return;
  crashed = true;
  current?.flush();
  postMessage({ type: "crashed", reason: describe(error) });
}

async function start({ run, config, flows }) {
  await ready;
  current?.end();
  current = null;
  // Failures other than a FlowError are reported at once, before any task the runtime
  // scheduled runs into the stopped module and hides the first error behind its own.
  let runtime;
  try {
    runtime = new FlowRuntime(JSON.parse(config), JSON.parse(flows));
  } catch (error) {
    if (isFlowError(error)) postMessage({ type: "refused", run, reason: error.message });
    else crash(error);
    return;
  }
  current = new Run(run, runtime);
  try {
    runtime.runMain();
  } catch (error) {
    // A failing main script is reported as an event as well.
    if (!isFlowError(error)) return crash(error);
  }
  await runtime.idle();
  if (current?.number === run) current.flush();
}

async function check({ id, source }) {
  await ready;
  checker ??= new FlowRuntime(undefined, { scripts: {} });
  let error;
  try {
    error = checker.checkScript(source);
  } catch (thrown) {
    // A panic unwinds and leaves the module usable: it is this check's failure only.
    if (thrown?.name !== "PanicError") throw thrown;
    const message = `the check stopped on a bug in the runtime (${thrown.message})`;
    error = { kind: "runtime", limit: null, message, line: null, column: null };
  }
  postMessage({ type: "checked", id, error: error && JSON.stringify(error) });
}

addEventListener("message", ({ data }) => {
  if (crashed) return;
  if (data.type === "run") start(data).catch(crash);
  else if (data.type === "check") check(data).catch(crash);
  else if (current?.number === data.run) current.runtime.stop();
});

// Handled here, so the page hears of it once, after the events sent before it.
addEventListener("error", (event) => {
  event.preventDefault();
  crash(event.error ?? event.message);
});
addEventListener("unhandledrejection", (event) => crash(event.reason));
