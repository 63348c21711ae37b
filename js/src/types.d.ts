/**
 * Where requests go and how far scripts may go. Every field is optional; an unknown field
 * is an error, so a misspelt one does not go unnoticed.
 */
export interface FlowConfig {
  /**
   * Base URL that call paths are joined to, such as `https://api.stripe.com/v1`.
   * Default: `http://127.0.0.1:12111/v1`, the rhai-flow test endpoint.
   */
  endpoint?: string;
  /**
   * Key sent as `Authorization: Bearer <key>`; never shown in events. Use a test key
   * (`sk_test_...`): live secret and restricted keys (`sk_live_...`, `rk_live_...`) are
   * refused, because anyone who opens the page can read them.
   */
  apiKey?: string;
  /**
   * How long one request may take before it ends as a timeout, in milliseconds, counted from
   * when it is sent. From 1 to 600000. Default: 10000.
   */
  requestTimeoutMs?: number;
  /** Requests sent and not yet answered; further calls wait their turn. Default: 256. */
  maxInFlight?: number;
  /** When and how often a failed request is sent again. */
  retry?: FlowRetryPolicy;
  /** Limits every script runs under. */
  limits?: FlowLimits;
}

/**
 * Retries as Stripe's own clients do them: after network errors, timeouts, and 409, 429 and
 * 5xx answers. Every attempt of one call sends the same `Idempotency-Key`.
 */
export interface FlowRetryPolicy {
  /** Attempts after the first; 0 turns retries off. Default: 2. */
  maxRetries?: number;
  /** Wait before the first retry, in milliseconds; it doubles with each retry. Default: 500. */
  initialDelayMs?: number;
  /** Longest wait between two attempts, in milliseconds. Default: 8000. */
  maxDelayMs?: number;
}

/**
 * Safety limits. A script that reaches one fails with an error naming it; the run goes on.
 * As in Rhai, 0 turns off `maxOperations` and the size and depth limits.
 */
export interface FlowLimits {
  /** Operations one script run may perform; cuts off endless loops. Default: 1000000. */
  maxOperations?: number;
  /** Nesting of function calls; cuts off runaway recursion. Default: 48. */
  maxCallLevels?: number;
  /** Nesting of expressions at the top level of a script. Default: 64. */
  maxExprDepth?: number;
  /** Nesting of expressions inside functions. Default: 32. */
  maxFunctionExprDepth?: number;
  /** Longest string a script may build, in bytes. Default: 1048576. */
  maxStringSize?: number;
  /** Largest array a script may build. Default: 100000. */
  maxArraySize?: number;
  /** Largest object map a script may build. Default: 10000. */
  maxMapSize?: number;
  /** Longest chain of flows, each started by a call of the one before. Default: 64. */
  maxChainDepth?: number;
  /** Most error flows in a row within one chain, so a failing error flow cannot loop. Default: 3. */
  maxErrorChain?: number;
  /** Calls one flow may make; cuts off a loop of calls. Default: 10000. */
  maxCallsPerFlow?: number;
  /** Calls one run may make, all its flows together; cuts off flows that fan out. Default: 50000. */
  maxCallsPerRun?: number;
}

/**
 * The scripts of a flow set and the manifest that ties them together: a parsed
 * `flows.json` with a `scripts` map added, `{ ...manifest, scripts }`.
 */
export interface FlowSet {
  /** Script name to Rhai source, such as `{ "main.rhai": "create_product(...);" }`. */
  scripts: Record<string, string>;
  /** The script that starts a run. Default: `"main.rhai"`. */
  main?: string;
  /** Event name to the name of the script that runs for it. */
  events?: Record<string, string>;
  /** Script functions beyond the built-in ones, by function name. */
  calls?: Record<string, CallSpec>;
  /** What the flow set does, for people. */
  description?: string;
}

/** A script function that becomes an HTTP request, declared as data. */
export interface CallSpec {
  /** The HTTP method. Default: `"POST"`. */
  method?: "GET" | "POST" | "DELETE";
  /** Path below the endpoint; `{name}` takes the value of the parameter `name`. */
  path: string;
  /** The function's parameters, in order. */
  params?: Array<string | CallParam>;
  /** Parameters sent with every request of this call. */
  fixed?: Record<string, unknown>;
  /** The event dispatched when the endpoint answers with a 2xx status. */
  success: string;
  /** The event dispatched when the request fails. */
  error: string;
  /** Context keys this call adds, each taking the value of the named parameter. */
  context?: Record<string, string>;
}

/** A call parameter with a request field or a type of its own. */
export interface CallParam {
  /** The parameter's name, as context keys refer to it. */
  name: string;
  /** Where the value goes in the request, such as `items[].price`. Default: the name. */
  field?: string;
  /** What values the parameter accepts. Default: `"any"`. */
  type?: "any" | "string" | "amount" | "integer" | "map";
}

/** What every event has. */
export interface FlowEventBase {
  /** This event's id; ids grow in the order events happen. */
  id: number;
  /** The id of the event that caused this one; `null` for a run's first flow and for idle. */
  parent: number | null;
  /** Milliseconds since the runtime was created. */
  atMs: number;
}

/** A script began to run: the main script, or the flow mapped to an event. */
export interface FlowStartedEvent extends FlowEventBase {
  kind: "flow_started";
  /** The event that started the flow; `"main"` for the main script. */
  event: string;
  /** The script that runs. */
  script: string;
  /** The context the flow sees, as the `context` map and `context_<key>` variables. */
  context: Record<string, unknown>;
  /** The names of the response fields in the flow's scope. */
  fields: string[];
  /** How many flows led to this one; the main script is 0. */
  depth: number;
}

/** A script ran to its end. */
export interface FlowFinishedEvent extends FlowEventBase {
  kind: "flow_finished";
  /** The event that started the flow. */
  event: string;
  /** The script that ran. */
  script: string;
  /** How long it ran, in milliseconds. */
  elapsedMs: number;
}

/** A script stopped with an error; the rest of the run goes on. */
export interface FlowFailedEvent extends FlowEventBase {
  kind: "flow_failed";
  /** The event that started the flow. */
  event: string;
  /** The script that failed. */
  script: string;
  /** What went wrong, and where. */
  error: ScriptErrorDetails;
}

/** Why a script stopped before its end, and where. */
export interface ScriptErrorDetails {
  /** `syntax`: it does not parse; `runtime`: it failed while running; `limit`: it reached a limit. */
  kind: "syntax" | "runtime" | "limit";
  /** The limit reached, such as `"max_operations"`, when `kind` is `"limit"`. */
  limit: string | null;
  /** What happened, in words. */
  message: string;
  /** Line of the failure, counted from 1, where known. */
  line: number | null;
  /** Column of the failure, counted from 1, where known. */
  column: number | null;
}

/** A script printed a line with `print` or `debug`. */
export interface OutputEvent extends FlowEventBase {
  kind: "output";
  /** Which function printed it. */
  stream: "print" | "debug";
  /** The text printed. */
  text: string;
  /** The line of the `debug` call, where known. */
  line: number | null;
}

/** A call of a script became an HTTP request. */
export interface RequestSentEvent extends FlowEventBase {
  kind: "request_sent";
  /** The script function that was called. */
  call: string;
  /** The HTTP method. */
  method: string;
  /** The path below the endpoint. */
  path: string;
  /** The parameters, before form encoding. */
  params: Record<string, unknown>;
  /** The `Idempotency-Key` header sent with a `POST`, which the endpoint logs too. */
  idempotencyKey: string | null;
  /** The context the response's flow will see. */
  context: Record<string, unknown>;
  /** The event dispatched when the request succeeds. */
  successEvent: string;
  /** The event dispatched when it fails. */
  errorEvent: string;
}

/** The endpoint answered, whatever the status. */
export interface ResponseReceivedEvent extends FlowEventBase {
  kind: "response_received";
  /** The HTTP status. */
  status: number;
  /** The body as received. */
  body: string;
  /** Why the body could not be read as JSON, with a snippet of it, if it could not. */
  parseError: string | null;
  /** Milliseconds from sending the request to receiving the whole answer. */
  elapsedMs: number;
  /** How many times the request was sent; more than 1 after retries. */
  attempts: number;
  /** The event this response dispatches. */
  event: string;
}

/** A request ended with no answer: the connection failed, or it timed out. */
export interface RequestFailedEvent extends FlowEventBase {
  kind: "request_failed";
  /** What went wrong, and what may have caused it. */
  error: string;
  /** Whether the request timed out. */
  timedOut: boolean;
  /** Milliseconds from sending the request to giving up. */
  elapsedMs: number;
  /** How many times the request was sent. */
  attempts: number;
  /** The event this failure dispatches: the call's error event. */
  event: string;
}

/** An event was dispatched, but the flow set maps no script to it. */
export interface UnhandledNoScriptEvent extends FlowEventBase {
  kind: "unhandled";
  /** The event. */
  event: string;
  reason: "no_script";
}

/** An event was dispatched to a script the flow set does not have. */
export interface UnhandledScriptMissingEvent extends FlowEventBase {
  kind: "unhandled";
  /** The event. */
  event: string;
  reason: "script_missing";
  /** The name of the missing script. */
  script: string;
}

/** An attempt failed in a way worth retrying; the same request goes again after a wait. */
export interface RequestRetryingEvent extends FlowEventBase {
  kind: "request_retrying";
  /** The attempt that failed, counted from 1. */
  attempt: number;
  /** How long the runtime waits before the next attempt, in milliseconds. */
  delayMs: number;
  /** What went wrong with the attempt. */
  reason: string;
}

/** A guard stopped a chain: the event was not dispatched. */
export interface GuardTrippedEvent extends FlowEventBase {
  kind: "guard_tripped";
  /** The event that was not dispatched. */
  event: string;
  /** The limit that tripped, such as `"max_error_chain"`. */
  guard: string;
  /** The limit's value. */
  limit: number;
}

/** A request was cancelled by `stop()` before its flow could run. */
export interface CancelledEvent extends FlowEventBase {
  kind: "cancelled";
  /** The event its flow would have handled. */
  event: string;
}

/** No request is in flight and no flow is waiting to run. */
export interface IdleEvent extends FlowEventBase {
  kind: "idle";
}

/** Everything a runtime reports; narrow on `kind`. */
export type FlowEvent =
  | FlowStartedEvent
  | FlowFinishedEvent
  | FlowFailedEvent
  | OutputEvent
  | RequestSentEvent
  | ResponseReceivedEvent
  | RequestFailedEvent
  | RequestRetryingEvent
  | GuardTrippedEvent
  | UnhandledNoScriptEvent
  | UnhandledScriptMissingEvent
  | CancelledEvent
  | IdleEvent;

/** Called with every event, in the order they happen. */
export type FlowEventListener = (event: FlowEvent) => void;

/** Called with each event as its JSON text, which parses to a `FlowEvent`. */
export type FlowJsonListener = (json: string) => void;

/** Stops a listener; calling it again does nothing. */
export type Unsubscribe = () => void;

/**
 * Every failure of this package: an `Error` whose `name` is `"FlowError"`, with the parts
 * of the failure as properties.
 */
export interface FlowError extends Error {
  name: "FlowError";
  /**
   * `syntax`, `runtime`, `limit`: a script failed (see `event`, `script`, `line`, `column`).
   * `config`: a config field cannot be used (see `field`). `flows`: the flow set cannot be
   * used. `argument`: a method was given a value of the wrong shape. `stopped`: the runtime
   * of `runInWorker` stopped on a failure nothing can catch, and its worker is gone.
   */
  kind: "syntax" | "runtime" | "limit" | "config" | "flows" | "argument" | "stopped";
  /** The config field at fault, such as `"endpoint"` or `"limits.maxOperations"`. */
  field?: string;
  /** The event whose flow failed; `"main"` for the main script. */
  event?: string;
  /** The script that failed. */
  script?: string;
  /** Line of the failure, counted from 1, where known. */
  line?: number | null;
  /** Column of the failure, counted from 1, where known. */
  column?: number | null;
  /** The limit reached, such as `"max_operations"`, when `kind` is `"limit"`. */
  limit?: string | null;
  /** How many flows of the run failed; the error describes the first. */
  failures?: number;
}
