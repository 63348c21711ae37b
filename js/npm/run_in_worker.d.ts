import type { FlowConfig, FlowEventListener, FlowJsonListener, FlowSet } from "./rhai_flow.js";

/** How `runInWorker` reports a run, and how a page ends it. */
export interface WorkerRunOptions {
  /** Called with each event of the run, as `FlowRuntime.subscribe` hands them over. */
  onEvent?: FlowEventListener;
  /** Called with each event's JSON text, as `FlowRuntime.subscribeJson` hands it over. */
  onJson?: FlowJsonListener;
  /**
   * Aborting it ends the worker at once, whatever it is doing (requests in flight are
   * dropped, a script still running stops), and rejects with the signal's reason, as
   * `fetch` does. An already aborted signal runs nothing.
   */
  signal?: AbortSignal;
}

/**
 * Runs the main script of `flows` with `config` in a new worker, and settles once the run
 * is over, as `FlowRuntime.run` does: it resolves, or it rejects with the `FlowError` of
 * the first flow that failed.
 *
 * It also rejects with a `FlowError` of kind `config`, `flows` or `argument` when the input
 * cannot be used, and of kind `stopped` when the runtime stopped on a failure nothing can
 * catch, such as a script that overflows the stack: the worker is gone, the page goes on.
 */
export function runInWorker(
  config: FlowConfig | undefined,
  flows: FlowSet,
  options?: WorkerRunOptions,
): Promise<void>;
