// The npm package as a user meets it: the packed tarball installed into a project outside
// the workspace, imported by a page, driven in headless Chromium against the test endpoint.
//
// Needs NPM_TARBALL (the packed package) and ENDPOINT_BIN (the built test endpoint);
// scripts/test-npm.sh provides both.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";

import * as support from "./npm-support.mjs";

const started = {};
let page;
let api;

before(async () => {
  const project = await support.scratchProject(process.env.NPM_TARBALL);
  started.dirs = [project];
  const served = await support.serveStatic(project);
  started.server = served.server;
  const endpoint = await support.startEndpoint(process.env.ENDPOINT_BIN);
  started.endpoint = endpoint.child;
  api = endpoint.base;

  const browser = await support.launchBrowser();
  Object.assign(started, browser);
  page = await browser.context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(served.url);
  await page.waitForSelector("body[data-ready=yes]", { timeout: 15_000 });
});

after(() => support.close(started));

/** The config for the test endpoint, with `extra` fields merged in. */
function config(extra = {}) {
  return { endpoint: `${api}/v1`, apiKey: "sk_test_rhai_flow", ...extra };
}

/** Builds a runtime in the page and runs it once: `{ events, error }`. */
function runInPage(config, flows) {
  return page.evaluate(async ([config, flows]) => {
    const { FlowRuntime, runOnce } = window.rhaiFlow;
    return runOnce(new FlowRuntime(config, flows));
  }, [config, flows]);
}

/** What constructing a runtime throws, as plain data; `null` if it does not throw. */
function constructionError(config, flows) {
  return page.evaluate(([config, flows]) => {
    const { FlowRuntime, thrown } = window.rhaiFlow;
    return thrown(() => new FlowRuntime(config, flows).free());
  }, [config, flows]);
}

async function admin(method, path, body) {
  const init = { method, headers: { "content-type": "application/json" } };
  const answer = await fetch(`${api}/__admin/${path}`, body ? { ...init, body } : init);
  assert.ok(answer.ok, `${method} /__admin/${path} answered ${answer.status}`);
  return answer.json();
}

const ofKind = (events, kind) => events.filter((event) => event.kind === kind);

const productFlows = (created) => ({
  scripts: {
    "main.rhai": 'create_product("Book", "A good one");',
    "product_created.rhai": created,
  },
  events: { product_created: "product_created.rhai" },
});

test("the payment chain runs against the endpoint and its ids match the request log", async () => {
  await admin("DELETE", "requests");
  const { events, error } = await runInPage(config(), await support.loadFlowSet("payment"));
  assert.equal(error, null);

  const flows = ofKind(events, "flow_started");
  const expected = ["main", "payment_intent_created", "subscription_created"];
  assert.deepEqual(flows.map((event) => event.event), expected);
  assert.deepEqual(ofKind(events, "flow_finished").map((event) => event.event), expected);
  assert.equal(flows[0].parent, null);

  const sent = ofKind(events, "request_sent");
  const received = ofKind(events, "response_received");
  assert.deepEqual(sent.map((event) => event.call), ["create_payment_intent", "create_subscription"]);
  assert.deepEqual(received.map((event) => event.status), [200, 200]);
  assert.deepEqual(received.map((event) => event.parent), sent.map((event) => event.id));
  assert.equal(flows[1].parent, received[0].id);
  assert.equal(sent[1].parent, flows[1].id);
  assert.equal(flows[1].context.customer_id, "cus_customer123");
  assert.equal(events.at(-1).kind, "idle");

  const log = await admin("GET", "requests");
  assert.deepEqual(log.map((entry) => entry.path), ["/v1/payment_intents", "/v1/subscriptions"]);
  const keys = sent.map((event) => event.idempotencyKey);
  assert.deepEqual(log.map((entry) => entry.idempotency_key), keys);

  const intent = JSON.parse(received[0].body);
  assert.match(intent.id, /^pi_/);
  const printed = ofKind(events, "output").map((event) => event.text);
  assert.ok(printed.includes(`Payment Intent ID: ${intent.id}`), printed.join("\n"));
});

test("a failing flow rejects the run with its event, script, line and column", async () => {
  const flows = productFlows('print("created");\nprint(no_such_variable);');
  const { events, error } = await runInPage(config(), flows);

  assert.equal(error.isError, true);
  assert.equal(error.name, "FlowError");
  assert.equal(error.kind, "runtime");
  assert.equal(error.event, "product_created");
  assert.equal(error.script, "product_created.rhai");
  assert.equal(error.line, 2);
  assert.equal(error.column, 7);
  assert.match(error.message, /no_such_variable/);
  assert.equal(ofKind(events, "flow_failed").length, 1);
  assert.equal(events.at(-1).kind, "idle");
});

test("after a failed run, the same runtime and a new one run again", async () => {
  const outcome = await page.evaluate(async (config) => {
    const { FlowRuntime, runOnce } = window.rhaiFlow;
    const runtime = new FlowRuntime(config, {
      scripts: { "main.rhai": "let x = ;", "done.rhai": 'print("done");' },
    });
    const failed = await runOnce(runtime);
    runtime.setScript("main.rhai", 'create_product("Pen", "Blue");');
    runtime.mapEvent("product_created", "done.rhai");
    const fixed = await runOnce(runtime);
    const fresh = await runOnce(new FlowRuntime(config, { scripts: { "main.rhai": "1 + 1;" } }));
    return { failed, fixed, fresh };
  }, config());

  assert.equal(outcome.failed.error.kind, "syntax");
  assert.equal(outcome.failed.error.event, "main");
  assert.equal(outcome.failed.error.line, 1);
  assert.equal(outcome.fixed.error, null);
  assert.deepEqual(ofKind(outcome.fixed.events, "output").map((event) => event.text), ["done"]);
  assert.equal(outcome.fresh.error, null);
});

test("a script over its operation limit rejects with kind limit, and the next run works", async () => {
  const limited = config({ limits: { maxOperations: 1000 } });
  const looping = await runInPage(limited, { scripts: { "main.rhai": "loop { }" } });
  assert.equal(looping.error.kind, "limit");
  assert.equal(looping.error.limit, "max_operations");

  const chain = await runInPage(limited, await support.loadFlowSet("payment"));
  assert.equal(chain.error, null);
  assert.equal(ofKind(chain.events, "flow_finished").length, 3);
});

test("a closed port gives a request_failed event and the run settles", async () => {
  const port = await support.closedPort();
  const closed = config({ endpoint: `http://127.0.0.1:${port}/v1`, requestTimeoutMs: 5000 });
  const { events, error } = await runInPage(closed, await support.loadFlowSet("payment"));

  assert.equal(error, null);
  const [failed] = ofKind(events, "request_failed");
  assert.equal(failed.timedOut, false);
  assert.equal(failed.event, "payment_intent_failed");
  assert.match(failed.error, /could not reach/);
  const flows = ofKind(events, "flow_started").map((event) => event.event);
  assert.deepEqual(flows, ["main", "payment_intent_failed"]);
  assert.equal(events.at(-1).kind, "idle");
});

test("stop cancels a slow request and the run resolves", async () => {
  await admin("POST", "faults", JSON.stringify({ latency_ms: 3000 }));
  try {
    const events = await page.evaluate(async (config) => {
      const { FlowRuntime } = window.rhaiFlow;
      const runtime = new FlowRuntime(config, {
        scripts: { "main.rhai": 'create_product("Slow", "Very");', "done.rhai": "" },
        events: { product_created: "done.rhai" },
      });
      const events = [];
      runtime.subscribe((event) => {
        events.push(event);
        if (event.kind === "request_sent") queueMicrotask(() => runtime.stop());
      });
      await runtime.run();
      return events;
    }, config());
    assert.deepEqual(ofKind(events, "cancelled").map((event) => event.event), ["product_created"]);
    assert.equal(ofKind(events, "flow_started").length, 1);
  } finally {
    await admin("DELETE", "faults");
  }
});

test("a live secret key is refused with an error naming apiKey; test keys are accepted", async () => {
  const flows = { scripts: { "main.rhai": "" } };
  const live = await constructionError(config({ apiKey: "sk_live_0123456789abcdef" }), flows);
  assert.equal(live.name, "FlowError");
  assert.equal(live.kind, "config");
  assert.equal(live.field, "apiKey");
  assert.match(live.message, /live secret key/);

  assert.equal(await constructionError(config({ apiKey: "sk_test_123" }), flows), null);
  assert.equal(await constructionError(config({ apiKey: "rk_test_123" }), flows), null);
  // A live restricted key is a live secret as well.
  const restricted = await constructionError(config({ apiKey: "rk_live_0123456789" }), flows);
  assert.equal(restricted?.field, "apiKey");
  // Blanks pasted before a key do not hide it.
  const padded = await constructionError(config({ apiKey: "\u00a0 sk_live_0123456789" }), flows);
  assert.equal(padded?.field, "apiKey");
});

test("config and flow set errors name the field at fault", async () => {
  const flows = { scripts: { "main.rhai": "" } };
  const cases = [
    [{ endpont: "http://127.0.0.1:1/v1" }, "endpont"],
    [{ limits: { maxOperations: "many" } }, "limits.maxOperations"],
    [{ limits: { maxOps: 5 } }, "limits.maxOps"],
    [{ endpoint: "ftp://127.0.0.1/v1" }, "endpoint"],
  ];
  for (const [bad, field] of cases) {
    const error = await constructionError(config(bad), flows);
    assert.equal(error?.kind, "config", JSON.stringify(bad));
    assert.equal(error.field, field);
    assert.ok(error.message.includes(field), error.message);
  }

  const noScripts = await constructionError(config(), { main: "main.rhai" });
  assert.equal(noScripts.kind, "flows");
  assert.match(noScripts.message, /scripts/);
  const badEvents = await constructionError(config(), { scripts: {}, events: { a: 1 } });
  assert.match(badEvents.message, /events\.a/);
});

test("cyclic, deep and undefined inputs are refused or ignored, and the page goes on", async () => {
  const outcome = await page.evaluate(async (config) => {
    const { FlowRuntime, rejection, runOnce, thrown: attempt } = window.rhaiFlow;
    const flows = { scripts: { "main.rhai": 'print("ran");' } };
    const cyclic = { ...config };
    cyclic.self = cyclic;
    let deep = {};
    for (let n = 0; n < 10_000; n++) deep = { deep };
    const cyclicFlows = { ...flows };
    cyclicFlows.self = cyclicFlows;
    const earlier = new FlowRuntime(config, flows);
    const refused = {
      config: attempt(() => new FlowRuntime(cyclic, flows)),
      flows: attempt(() => new FlowRuntime(config, cyclicFlows)),
      deep: attempt(() => new FlowRuntime(config, { ...flows, deep })),
    };
    const dispatched = await rejection(earlier.dispatch("anything", { deep }));
    const unset = attempt(() => new FlowRuntime({ ...config, apiKey: undefined }, flows));
    const after = await runOnce(earlier);
    return { refused, dispatched, unset, printed: after.events.filter((e) => e.kind === "output") };
  }, config());
  assert.equal(outcome.refused.config.kind, "config");
  assert.match(outcome.refused.config.message, /circular/i);
  assert.equal(outcome.refused.flows.kind, "flows");
  assert.equal(outcome.refused.deep.kind, "flows");
  assert.equal(outcome.dispatched.kind, "argument");
  assert.equal(outcome.unset, null, "an undefined field is a field not given");
  assert.deepEqual(outcome.printed.map((e) => e.text), ["ran"], "the runtime built before works");
});

test("unsubscribed and throwing listeners do not disturb the run", async () => {
  const outcome = await page.evaluate(async (config) => {
    const { FlowRuntime } = window.rhaiFlow;
    const runtime = new FlowRuntime(config, {
      scripts: { "main.rhai": 'print("one"); print("two");' },
    });
    let afterOff = 0;
    const off = runtime.subscribe(() => (afterOff += 1));
    off();
    off();
    runtime.subscribe(() => {
      throw new Error("a listener's bug");
    });
    const kinds = [];
    runtime.subscribe((event) => kinds.push(event.kind));
    window.addEventListener("unhandledrejection", (event) => event.preventDefault());
    await runtime.run();
    return { afterOff, kinds };
  }, config());
  assert.equal(outcome.afterOff, 0);
  assert.deepEqual(outcome.kinds, ["flow_started", "output", "output", "flow_finished", "idle"]);
});

test("a missing main script rejects instead of hanging", async () => {
  const { error } = await runInPage(config(), { main: "start.rhai", scripts: {} });
  assert.equal(error.kind, "flows");
  assert.equal(error.script, "start.rhai");
});

test("the module unwinds on a panic instead of aborting the page", async () => {
  const wasm = await readFile(join(started.dirs[0], "node_modules/rhai-flow/rhai_flow_bg.wasm"));
  // Section 13 declares exception tags: a module built with -Cpanic=unwind has one, a module
  // whose panics abort has none.
  assert.ok(sectionIds(wasm).includes(13), "no exception tag section");
  const glue = await readFile(join(started.dirs[0], "node_modules/rhai-flow/rhai_flow.js"), "utf8");
  assert.match(glue, /class PanicError extends Error/);
});

test("events keep large integers exact as JSON, and odd keys as own keys", async () => {
  const script = 'set_context("big", 9007199254740993); set_context("__proto__", "kept"); print("done");';
  const seen = await page.evaluate(async ([config, script]) => {
    const { FlowRuntime } = window.rhaiFlow;
    const main = `${script}\ncreate_product("Book", "A good one");`;
    const runtime = new FlowRuntime(config, { scripts: { "main.rhai": main } });
    const objects = [];
    const texts = [];
    const offObjects = runtime.subscribe((event) => objects.push(event));
    const offTexts = runtime.subscribeJson((json) => texts.push(json));
    await runtime.run();
    offObjects();
    offTexts();
    runtime.free();
    const sent = objects.find((event) => event.kind === "request_sent");
    return {
      kinds: objects.map((event) => event.kind),
      texts: texts.length,
      big: sent.context.big,
      proto: Object.hasOwn(sent.context, "__proto__") && sent.context["__proto__"],
      exact: texts.find((json) => json.includes('"request_sent"')),
      parsed: texts.map((json) => JSON.parse(json).kind),
    };
  }, [config(), script]);
  assert.equal(seen.texts, seen.kinds.length, "every event reaches both listeners");
  assert.deepEqual(seen.parsed, seen.kinds);
  assert.ok(seen.kinds.includes("response_received"), seen.kinds.join());
  assert.equal(seen.big, 9007199254740992, "rounded, as a JavaScript number is");
  assert.match(seen.exact, /"big":9007199254740993\b/);
  assert.equal(seen.proto, "kept");
});

test("runInWorker runs a flow set off the page and survives what ends a runtime", async () => {
  const outcome = await page.evaluate(async (config) => {
    const { runInWorker, rejection } = window.rhaiFlow;
    const attempt = (...args) => rejection(runInWorker(...args));
    const flows = {
      scripts: {
        "main.rhai": 'create_product("Book", "A good one");',
        "created.rhai": "print(`created ${id}`);",
      },
      events: { product_created: "created.rhai" },
    };
    const kinds = [];
    const texts = [];
    const onEvent = (event) => kinds.push(event.kind);
    await runInWorker(config, flows, { onEvent, onJson: (json) => texts.push(json) });

    const nesting = { scripts: { "main.rhai": "let a = []; for i in 0..100000 { a = [a]; }" } };
    const stopped = await attempt(config, nesting);
    const after = [];
    await runInWorker(config, flows, { onEvent: (event) => after.push(event.kind) });

    const failing = { scripts: { "main.rhai": 'print("one");\nlet x = "a" / 2;' } };
    return {
      kinds,
      texts,
      stopped,
      after,
      refused: await attempt({ ...config, apiKey: "sk_live_0123456789" }, flows),
      failed: await attempt(config, failing),
      noFlows: await attempt(config, undefined),
      noMain: await attempt(config, { scripts: { "other.rhai": "1" } }),
      cyclic: await attempt((() => { const c = {}; c.c = c; return c; })(), flows),
      badSignal: await attempt(config, flows, { signal: {} }),
    };
  }, config());

  assert.deepEqual(outcome.kinds, outcome.after, "the run after a stopped one runs in full");
  assert.deepEqual(outcome.texts.map((json) => JSON.parse(json).kind), outcome.kinds);
  for (const kind of ["request_sent", "response_received", "output", "flow_finished"]) {
    assert.ok(outcome.kinds.includes(kind), `${kind} in ${outcome.kinds}`);
  }
  assert.equal(outcome.stopped.kind, "stopped");
  assert.match(outcome.stopped.message, /Maximum call stack size exceeded/);
  assert.equal(outcome.refused.name, "FlowError");
  assert.equal(outcome.refused.kind, "config");
  assert.equal(outcome.refused.field, "apiKey");
  // As `FlowRuntime.run` rejects: with the first failed flow, its place and its script.
  assert.equal(outcome.failed.kind, "runtime");
  assert.equal(outcome.failed.script, "main.rhai");
  assert.equal(outcome.failed.line, 2);
  assert.equal(outcome.noFlows.kind, "flows");
  assert.equal(outcome.noMain.kind, "flows");
  assert.match(outcome.noMain.message, /no main script `main.rhai`/);
  assert.equal(outcome.cyclic.kind, "config");
  assert.equal(outcome.badSignal.kind, "argument");
  assert.match(outcome.badSignal.message, /signal/);
});

test("aborting runInWorker's signal ends its worker at once, as fetch ends a request", async () => {
  // Aborted before the call: nothing runs, nothing is sent.
  await admin("DELETE", "requests");
  const early = await page.evaluate(async (config) => {
    const { runInWorker, rejection } = window.rhaiFlow;
    const before = new AbortController();
    before.abort();
    const never = { scripts: { "main.rhai": 'create_product("Never", "sent");' } };
    const error = await rejection(runInWorker(config, never, { signal: before.signal }));
    // A whole run after it, whose one request the endpoint has logged once it settles.
    const after = { scripts: { "main.rhai": 'create_product("After", "sent");' } };
    await runInWorker(config, after);
    return error;
  }, config());
  assert.equal(early?.name, "AbortError");
  const log = await admin("GET", "requests");
  assert.equal(log.length, 1, "only the run after the aborted one sent a request");

  await admin("POST", "faults", JSON.stringify({ latency_ms: 3000 }));
  try {
    const outcome = await page.evaluate(async (config) => {
      const { runInWorker, rejection } = window.rhaiFlow;
      const attempt = (flows, signal, onEvent) =>
        rejection(runInWorker(config, flows, { signal, onEvent }));

      const inFlight = new AbortController();
      const kinds = [];
      const onEvent = (event) => {
        kinds.push(event.kind);
        if (event.kind === "request_sent") inFlight.abort();
      };
      const calling = { scripts: { "main.rhai": 'create_product("Book", "A good one");' } };
      const midRequest = await attempt(calling, inFlight.signal, onEvent);

      // A script that never ends, which a stop could not reach.
      const busy = new AbortController();
      setTimeout(() => busy.abort(), 300);
      const started = performance.now();
      const midScript = await attempt({ scripts: { "main.rhai": "loop { }" } }, busy.signal);
      return { kinds, midRequest, midScript, took: performance.now() - started };
    }, config({ limits: { maxOperations: 0 } }));
    assert.equal(outcome.midRequest?.name, "AbortError");
    assert.ok(!outcome.kinds.includes("response_received"), outcome.kinds.join());
    assert.equal(outcome.midScript?.name, "AbortError");
    assert.ok(outcome.took < 2_000, `an endless script ended ${outcome.took} ms after its start`);
  } finally {
    await admin("DELETE", "faults");
  }
});

test("checkScript marks a syntax error at its place and passes a good script", async () => {
  const checked = await page.evaluate((config) => {
    const { FlowRuntime } = window.rhaiFlow;
    const runtime = new FlowRuntime(config, { scripts: {} });
    try {
      return {
        good: runtime.checkScript('create_product("Book", "A good one");'),
        bad: runtime.checkScript('let x = 1;\nprint("unterminated);'),
        deep: runtime.checkScript(`let x = ${"(".repeat(200)}1${")".repeat(200)};`),
        notText: [null, undefined, 42].map((source) => {
          try {
            runtime.checkScript(source);
            return null;
          } catch (error) {
            return `${error.name} ${error.kind}`;
          }
        }),
      };
    } finally {
      runtime.free();
    }
  }, config());
  assert.equal(checked.good, null);
  assert.equal(checked.bad.kind, "syntax");
  assert.equal(checked.bad.line, 2);
  assert.equal(checked.bad.column, 7);
  assert.match(checked.bad.message, /string/i);
  assert.equal(checked.deep.kind, "limit");
  assert.equal(checked.deep.limit, "max_expr_depth");
  assert.deepEqual(checked.notText, Array(3).fill("FlowError argument"));
});

test("a stack overflow throws from its call, and the module then refuses every call", async () => {
  // A page of its own: the module this test ends is not the one the other tests use.
  const own = await page.context().newPage();
  await own.goto(page.url());
  await own.waitForSelector("body[data-ready=yes]", { timeout: 15_000 });
  const outcome = await own.evaluate(async (config) => {
    const { FlowRuntime, thrown: attempt } = window.rhaiFlow;
    const nesting = "let a = []; for i in 0..100000 { a = [a]; }";
    const runtime = new FlowRuntime(config, { scripts: { "main.rhai": nesting } });
    const kinds = [];
    runtime.subscribe((event) => kinds.push(event.kind));
    const overflow = attempt(() => runtime.runMain());
    const after = attempt(() => new FlowRuntime(config, { scripts: { "main.rhai": "" } }));
    return { kinds, overflow, after };
  }, config());
  await own.close();
  assert.deepEqual(outcome.kinds, ["flow_started"]);
  assert.equal(outcome.overflow.name, "RangeError");
  assert.match(outcome.overflow.message, /Maximum call stack size exceeded/);
  assert.equal(outcome.after.message, "Module terminated");
});

/** The ids of a WebAssembly binary's sections, in order. */
function sectionIds(bytes) {
  const ids = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    at += size;
  }
  return ids;
}

test("a TypeScript consumer type-checks with tsc --strict", () => {
  const project = started.dirs[0];
  const tsc = join(support.ROOT, "node_modules", ".bin", "tsc");
  const flags = ["--noEmit", "--strict", "--target", "es2022", "--module", "esnext"];
  // wasm-bindgen declares `[Symbol.dispose]()` on classes, which needs that lib.
  const lib = ["--lib", "es2022,dom,esnext.disposable"];
  const more = ["--moduleResolution", "bundler", ...lib, "consumer.ts"];
  try {
    execFileSync(tsc, [...flags, ...more], { cwd: project, encoding: "utf8" });
  } catch (error) {
    assert.fail(`tsc found errors:\n${error.stdout}${error.stderr}`);
  }
});
