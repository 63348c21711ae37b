// A user's TypeScript against the installed package: it must compile under `--strict`, and
// each `@ts-expect-error` proves a type is precise enough to catch a mistake.

import init, {
  FlowRuntime,
  type FlowConfig,
  type FlowError,
  type FlowEvent,
  type FlowSet,
  type Unsubscribe,
} from "rhai-flow";
import { runInWorker, type WorkerRunOptions } from "rhai-flow/worker";

const config: FlowConfig = {
  endpoint: "http://127.0.0.1:12111/v1",
  apiKey: "sk_test_rhai_flow",
  retry: { maxRetries: 0 },
  limits: { maxOperations: 1e6, maxErrorChain: 3 },
};

const flows: FlowSet = {
  main: "main.rhai",
  scripts: {
    "main.rhai": 'create_payment_intent(2000, "usd", "cus_123");',
    "payment_intent_created.rhai": "print(`created ${id}`);",
  },
  events: { payment_intent_created: "payment_intent_created.rhai" },
  calls: {
    send_welcome_email: {
      method: "POST",
      path: "messages",
      params: ["customer", { name: "amount", type: "amount" }],
      success: "welcome_email_sent",
      error: "welcome_email_failed",
    },
  },
};

// @ts-expect-error: a flow set needs its scripts.
const noScripts: FlowSet = { main: "main.rhai" };

// @ts-expect-error: limits are numbers.
const badLimit: FlowConfig = { limits: { maxOperations: "many" } };

function describe(event: FlowEvent): string {
  // @ts-expect-error: `status` exists only on response_received events.
  const status: number = event.status;

  switch (event.kind) {
    case "request_sent":
      return `${event.method} ${event.path} key=${event.idempotencyKey ?? "none"}`;
    case "response_received":
      return `${event.status} for ${event.event} in ${event.elapsedMs} ms`;
    case "request_failed":
      return `${event.timedOut ? "timed out" : "failed"}: ${event.error}`;
    case "flow_started":
      return `${event.script} at depth ${event.depth} with ${Object.keys(event.context)}`;
    case "flow_failed":
      return `${event.script}:${event.error.line ?? "?"} ${event.error.kind} ${event.error.message}`;
    case "output":
      return `${event.stream}: ${event.text}`;
    case "unhandled":
      return event.reason === "script_missing" ? `missing ${event.script}` : event.event;
    case "request_retrying":
      return `attempt ${event.attempt} failed (${event.reason}), again in ${event.delayMs} ms`;
    case "guard_tripped":
      return `${event.guard} (${event.limit}) stopped ${event.event}`;
    case "flow_finished":
    case "cancelled":
      return event.event;
    case "idle":
      return `idle after ${event.atMs} ms, parent ${event.parent}`;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export async function main(): Promise<void> {
  await init();
  const runtime = new FlowRuntime(config, flows);
  const off: Unsubscribe = runtime.subscribe((event) => console.log(describe(event)));
  try {
    await runtime.run();
  } catch (caught) {
    const error = caught as FlowError;
    console.log(error.kind, error.event, error.script, error.line, error.column, error.field);
  }
  runtime.runMain();
  await runtime.idle();
  const idle: boolean = runtime.isIdle;
  await runtime.dispatch("payment_intent_created", { id: "pi_1" }, { customer_id: "cus_123" });
  runtime.setScript("main.rhai", "1 + 1;");
  runtime.mapEvent("product_created", "main.rhai");
  const removed: boolean = runtime.removeScript("main.rhai");
  runtime.stop();
  off();
  console.log(idle, removed, noScripts, badLimit);
  // @ts-expect-error: the config comes first, and a flow set is not one.
  new FlowRuntime(flows, config);

  const checked = runtime.checkScript("let x = ;");
  if (checked !== null) console.log(checked.line, checked.column, checked.message);
  const texts: Unsubscribe = runtime.subscribeJson((json: string) => console.log(json.length));
  texts();

  const options: WorkerRunOptions = {
    onEvent: (event) => console.log(describe(event)),
    signal: new AbortController().signal,
  };
  try {
    await runInWorker(config, flows, options);
  } catch (caught) {
    if ((caught as FlowError).kind === "stopped") console.log("the worker's runtime stopped");
  }
  // @ts-expect-error: a listener of JSON texts is given strings, not events.
  await runInWorker(config, flows, { onJson: (event: FlowEvent) => event.kind });
}
