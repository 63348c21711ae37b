import type { FlowConfig, FlowEventListener, FlowJsonListener, FlowSet } from "./rhai_flow.js";

/** How `runInWorker` reports a run, and how a page stops it. */
export interface WorkerRunOptions {
  /** Called with each event of the run, as `FlowRuntime.subscribe` hands them over. */
  onEvent?: FlowEventListener;
  /** Called with each event's JSON text, as `FlowRuntime.subscribeJson` hands it over. */
  onJson?: FlowJsonListener;
  /** Aborting it cancels the run's requests in flight, as `FlowRuntime.stop()` does. */
  signal?: AbortSignal;
}

/**
 * Runs the main script of `flows` with `config` in a new worker, and resolves once the run
 * is over: every request answered, every flow it led to finished. A flow that fails is
 * reported as a `flow_failed` event.
 *
 * Rejects with a `FlowError` of kind `config` or `flows` when the runtime refuses its
 * input, and of kind `stopped` when the runtime stopped on a failure nothing can catch,
 * such as a script that overflows the stack: the worker is gone, the page goes on.
 */
export function runInWorker(
  config: FlowConfig | undefined,
  flows: FlowSet,
  options?: WorkerRunOptions,
): Promise<void>;
