// The playground in headless Chromium, against the test endpoint.
//
// Run by scripts/test-playground.sh, which builds the release page, starts the endpoint and a
// static server on free loopback ports, and passes their addresses in PLAYGROUND_URL and
// ENDPOINT_URL. Nothing here sleeps: tests wait for what the page shows, above all for
// `data-idle="true"` on the app once the run they started is over.

import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync, deflateRawSync } from "node:zlib";
import { chromium } from "playwright-core";

const PAGE = process.env.PLAYGROUND_URL;
const ENDPOINT = process.env.ENDPOINT_URL;
const ARTIFACTS = join(process.cwd(), "artifacts", "playground");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const RUN_TIMEOUT = 30_000;

assert.ok(PAGE && ENDPOINT, "PLAYGROUND_URL and ENDPOINT_URL must be set");

let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Playwright refuses `--user-data-dir` with `launch`: it gives every launch a fresh
  // temporary profile of its own, which is what that flag would be for.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
});

beforeEach(async () => {
  await admin("POST", "reset");
});

async function admin(method, path, body) {
  const response = await fetch(`${ENDPOINT}/__admin/${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(response.ok, `admin ${method} ${path}: ${response.status}`);
  return response.json();
}

/// A fresh browser context (empty storage) with the playground open and pointed at the
/// test endpoint; console errors and page errors are collected in `page.problems`.
async function open(url = PAGE, context = undefined) {
  context ??= await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(message.text());
  });
  page.on("pageerror", (error) => page.problems.push(error.message));
  await page.goto(url);
  await page.locator(".cm-content").waitFor();
  await useTestEndpoint(page);
  return page;
}

async function useTestEndpoint(page) {
  const field = page.getByTestId("endpoint");
  if (!(await field.isVisible())) await page.getByTestId("settings-toggle").click();
  await field.fill(`${ENDPOINT}/v1`);
  await page.getByTestId("settings-toggle").click();
}

async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/// Starts a run with `start` and waits until that run is over.
async function run(page, start = () => page.getByTestId("run").click()) {
  const app = page.getByTestId("app");
  const number = Number(await app.getAttribute("data-run"));
  await start();
  await page
    .locator(`[data-testid="app"][data-run="${number + 1}"][data-idle="true"]`)
    .waitFor({ timeout: RUN_TIMEOUT });
}

async function loadExample(page, id) {
  const value = await page.locator(`option[data-example="${id}"]`).getAttribute("value");
  await page.getByTestId("examples").selectOption(value);
}

/// Replaces the text of the open script by typing, as a person would.
async function typeScript(page, text) {
  await page.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
}

async function flows(page) {
  return page.locator('.row[data-kind="flow_started"] .row-label').allTextContents();
}

/// The JSON body of the `index`th response in the timeline, read from its details.
async function responseBody(page, index) {
  await page.locator('.row[data-kind="response_received"]').nth(index).click();
  const text = await page.getByTestId("details").locator("pre.code").last().textContent();
  return JSON.parse(text);
}

async function printed(page) {
  return (await page.locator('.row[data-kind="output"] .row-detail').allTextContents()).join("\n");
}

describe("the playground", () => {
  test("loads the payment example with no console error", async () => {
    const page = await open();
    await page.reload();
    await page.locator(".cm-content").waitFor();
    assert.equal(await page.getByTestId("editor-title").textContent(), "main.rhai");
    assert.match(await page.locator(".cm-content").textContent(), /create_payment_intent\(2000/);
    assert.equal(await page.getByTestId("app").getAttribute("data-idle"), "true");
    await shot(page, "loaded");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test("the first event of a run comes soon after the page loads", async () => {
    const page = await open();
    // The endpoint setting is saved, so the reload measures a visit as a person makes it.
    await page.reload();
    await page.locator(".cm-content").waitFor();
    await page.getByTestId("run").click();
    await page.locator(".timeline-rows li").first().waitFor();
    const ms = await page.evaluate(() => performance.now());
    console.log(`startup: ${ms.toFixed(0)} ms from navigation to the first event of the run`);
    // Wide on purpose: a loaded CI machine must not fail this, a broken start-up must.
    assert.ok(ms < 15000, `${ms} ms`);
    await page.context().close();
  });

  test("runs the payment chain with the ids the endpoint issued", async () => {
    const page = await open();
    await run(page);
    assert.deepEqual(await flows(page), ["main", "payment_intent_created", "subscription_created"]);

    const intent = await responseBody(page, 0);
    const subscription = await responseBody(page, 1);
    assert.match(intent.id, /^pi_/);
    assert.match(subscription.id, /^sub_/);
    const output = await printed(page);
    assert.ok(output.includes(`Payment Intent ID: ${intent.id}`), output);
    assert.ok(output.includes(`Subscription ID: ${subscription.id}`), output);

    const log = await admin("GET", "requests");
    assert.deepEqual(log.map((entry) => [entry.path, entry.status]), [
      ["/v1/payment_intents", 200],
      ["/v1/subscriptions", 200],
    ]);
    assert.equal(log[1].body.customer, "cus_customer123");
    assert.equal(await page.getByTestId("count-succeeded").getAttribute("data-value"), "2");
    await shot(page, "payment-chain");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test("the decline example retries at half the amount and succeeds", async () => {
    const page = await open();
    await loadExample(page, "recovery");
    await run(page);
    assert.deepEqual((await flows(page)).slice(0, 3), [
      "main",
      "payment_intent_failed",
      "payment_intent_created",
    ]);
    const log = await admin("GET", "requests");
    const intents = log.filter((entry) => entry.path === "/v1/payment_intents");
    assert.deepEqual(intents.map((entry) => [entry.body.amount, entry.status]), [
      ["2000", 402],
      ["1000", 200],
    ]);
    const retried = await responseBody(page, 1);
    assert.equal(retried.amount, 1000);
    assert.equal(await page.getByTestId("count-failed").getAttribute("data-value"), "1");
    await shot(page, "decline-and-retry");
    await page.context().close();
  });

  test("a syntax error is marked at its line", async () => {
    const page = await open();
    await typeScript(page, 'print("before");\nlet total = ;\n');
    const marker = page.locator(".cm-lintRange-error");
    await marker.waitFor();
    assert.equal(await page.locator(".cm-lint-marker-error").count(), 1);
    const line = await page.locator(".cm-line", { has: marker }).textContent();
    assert.equal(line, "let total = ;");

    await run(page);
    await page.locator('.row[data-kind="flow_started"]').first().click();
    const error = await page.getByTestId("flow-error").textContent();
    assert.match(error, /line 2/);
    await shot(page, "syntax-error");
    await page.context().close();
  });

  test("an endless loop is cut off and the next run works", async () => {
    const page = await open();
    await typeScript(page, "let n = 0; loop { n += 1; ");
    const started = Date.now();
    await run(page);
    const took = Date.now() - started;
    await page.locator('.row[data-kind="flow_started"]').first().click();
    assert.match(await page.getByTestId("flow-error").textContent(), /max_operations/);
    assert.ok(took < 5_000, `the loop ran ${took} ms before it was cut off`);
    await shot(page, "endless-loop");

    await loadExample(page, "payment");
    await run(page);
    assert.deepEqual(await flows(page), ["main", "payment_intent_created", "subscription_created"]);
    await page.context().close();
  });

  test("Stop cancels the requests in flight", async () => {
    const page = await open();
    await page.getByTestId("settings-toggle").click();
    await page.getByTestId("latency").fill("20000");
    await page.getByTestId("apply-faults").click();
    await page.getByTestId("notice").filter({ hasText: "20000 ms" }).waitFor();
    await page.getByTestId("settings-toggle").click();

    const app = page.getByTestId("app");
    const number = Number(await app.getAttribute("data-run"));
    await page.getByTestId("run").click();
    await page.locator('[data-testid="count-in-flight"][data-value="1"]').waitFor();
    await page.getByTestId("stop").click();
    await page.locator(`[data-testid="app"][data-run="${number + 1}"][data-idle="true"]`).waitFor();
    assert.equal(await page.getByTestId("count-cancelled").getAttribute("data-value"), "1");
    assert.deepEqual(await flows(page), ["main"]);
    await shot(page, "stopped");
    await admin("DELETE", "faults");
    await page.context().close();
  });

  test("a forced failure fires the error flow", async () => {
    const page = await open();
    await page.getByTestId("settings-toggle").click();
    await page.getByTestId("fail-count").fill("1");
    await page.getByTestId("fail-status").selectOption("402");
    await page.getByTestId("apply-faults").click();
    await page.getByTestId("notice").filter({ hasText: "answered with 402" }).waitFor();
    await page.getByTestId("settings-toggle").click();
    await run(page);
    assert.deepEqual(await flows(page), ["main", "payment_intent_failed"]);
    assert.match(await printed(page), /Payment intent creation failed/);
    await shot(page, "forced-failure");
    await page.context().close();
  });

  test("a live key typed in by mistake is refused, clears the last run and is never saved", async () => {
    const page = await open();
    await run(page);
    assert.notDeepEqual(await flows(page), []);
    await page.getByTestId("settings-toggle").click();
    await page.getByTestId("api-key").fill(" sk_live_typed_by_mistake");
    await page.getByTestId("settings-toggle").click();
    await run(page);
    await page.getByText("live secret key", { exact: false }).first().waitFor();
    assert.deepEqual(await flows(page), [], "the last run's timeline is gone");
    const saved = await page.evaluate(() => JSON.stringify(window.localStorage));
    assert.ok(!saved.includes("sk_live_typed_by_mistake"), saved);
    await shot(page, "live-key-refused");
    await page.context().close();
  });

  test("a script that overflows the stack ends its run with an error, and the next run works", async () => {
    const page = await open();
    // Each level of nesting costs the runtime a level of recursion when it checks, copies
    // and drops the value: a few thousand levels overflow the browser's stack, which no
    // build can catch. The worker running the flows ends; the page does not.
    await typeScript(
      page,
      'create_customer("deep@example.com");\nlet a = [];\nfor i in 0..100000 { a = [a]; }\nprint("unreachable");',
    );
    await run(page);
    assert.equal(await page.getByTestId("count-flows-failed").getAttribute("data-value"), "1");
    assert.equal(await page.getByTestId("count-cancelled").getAttribute("data-value"), "1", "the request in flight");
    await page.getByText("The flow runtime stopped (RangeError: Maximum call stack size exceeded)").waitFor();
    await page.locator('.row[data-kind="flow_started"]').click();
    await page.getByTestId("details").getByText("the flow runtime stopped: RangeError").waitFor();
    await shot(page, "runtime-stopped");

    // Checks happen in a worker of their own, which the run's failure leaves alone.
    await typeScript(page, "let total = ;");
    await page.locator(".cm-lintRange-error").waitFor();
    await typeScript(page, 'print("a fresh runtime");');
    await run(page);
    assert.equal(await printed(page), "a fresh runtime");
    assert.equal(await page.getByTestId("count-flows-failed").count(), 0, "no flow failed");
    await page.context().close();
  });

  test("values keep their form on the way from the runtime's worker to the page", async () => {
    const page = await open();
    await typeScript(
      page,
      [
        'set_context("big", 9007199254740993);',
        'set_context("__proto__", "kept");',
        'set_context("float", 3.0);',
        "let deep = [];",
        "for i in 0..130 { deep = [deep]; }",
        'set_context("deep", deep);',
        'create_customer("values@example.com");',
      ].join("\n"),
    );
    await run(page);
    assert.equal(await page.getByTestId("count-flows-failed").count(), 0, "no flow failed");
    assert.equal(await page.getByTestId("count-succeeded").getAttribute("data-value"), "1");
    await page.locator('.row[data-kind="request_sent"]').click();
    const context = await page.getByTestId("details").locator("pre.code").last().textContent();
    assert.match(context, /"big": 9007199254740993\b/);
    assert.match(context, /"__proto__": "kept"/);
    assert.match(context, /"float": 3\.0\b/);
    assert.match(context, /"\[nested more than 64 levels deep\]"/);
    await page.context().close();
  });

  test("a Stop pressed as a run starts cancels its requests", async () => {
    await admin("POST", "faults", { latency_ms: 1500 });
    const page = await open();
    await typeScript(page, 'create_customer("a@example.com");\ncreate_customer("b@example.com");');
    // Each run starts a worker of its own: the Stop reaches it while it still loads.
    await run(page, async () => {
      await page.getByTestId("run").click();
      await page.getByTestId("stop").click();
    });
    assert.equal(await page.getByTestId("count-cancelled").getAttribute("data-value"), "2");
    assert.equal(await page.getByTestId("count-succeeded").getAttribute("data-value"), "0");
    await admin("DELETE", "faults");
    await page.context().close();
  });

  test("a run started while the last one is about to crash runs in full", async () => {
    const page = await open();
    await typeScript(
      page,
      "let x = 0;\nfor i in 0..300000 { x += 1; }\nlet a = [];\nfor i in 0..100000 { a = [a]; }",
    );
    await page.getByTestId("run").click();
    await typeScript(page, 'print("fixed");');
    await run(page);
    assert.equal(await printed(page), "fixed");
    assert.equal(await page.getByTestId("count-flows-failed").count(), 0, "no flow failed");
    assert.equal(await page.getByTestId("notice").count(), 0, "no notice of a stop");
    await page.context().close();
  });

  test("a page whose module stopped says so, and a reload brings the flow set back", async () => {
    const page = await open();
    await typeScript(page, 'print("kept when the page stops");');
    // What an aborting panic leaves: its message, kept by the module's panic hook, and the
    // trap it throws into its caller.
    await page.evaluate(() => {
      document.body.dataset.panic = "panicked at playground/src/state.rs:1:1: a bug";
      setTimeout(() => {
        throw new WebAssembly.RuntimeError("unreachable");
      });
    });
    const banner = page.getByTestId("page-stopped");
    await banner.waitFor();
    assert.match(await banner.textContent(), /stopped on a bug \(panicked at .*: a bug\)/);
    await shot(page, "page-stopped");
    await banner.getByRole("button", { name: "Reload" }).click();
    await page.locator(".cm-content").waitFor();
    assert.match(await page.locator(".cm-content").textContent(), /kept when the page stops/);
    assert.equal(await page.getByTestId("page-stopped").count(), 0);
    await useTestEndpoint(page);
    await run(page);
    assert.equal(await printed(page), "kept when the page stops");
    await page.context().close();
  });

  test("a script is renamed everywhere it is used, and a name it cannot take is refused", async () => {
    const page = await open();
    const rename = async (typed) => {
      await page.locator('.file[data-file="main.rhai"]').getByTestId("rename").click();
      await page.getByTestId("rename-input").fill(typed);
      await page.getByTestId("rename-input").press("Enter");
    };
    await rename("bad<name");
    await page.getByText("“bad<name” cannot name a script").waitFor();
    assert.equal(await page.locator('.file[data-file="main.rhai"]').count(), 1);
    await rename("start");
    await page.locator('.file[data-file="start.rhai"]').waitFor();
    assert.equal(await page.getByTestId("editor-title").textContent(), "start.rhai");
    await run(page);
    assert.deepEqual((await flows(page))[0], "main");

    // With its main script gone, a run says so and ends.
    await page.locator('.file[data-file="start.rhai"]').getByTestId("delete").click();
    await run(page);
    await page.getByText("the flow set has no main script `start.rhai`").waitFor();
    assert.deepEqual(await flows(page), []);
    await page.context().close();
  });

  test("a reload keeps edits", async () => {
    const page = await open();
    await typeScript(page, "// kept across reloads\nprint(\"hello\");");
    await page.getByTestId("add-script").click();
    await page.reload();
    await page.locator(".cm-content").waitFor();
    await page.locator('.file[data-file="main.rhai"]').click();
    assert.match(await page.locator(".cm-content").textContent(), /kept across reloads/);
    assert.equal(await page.locator('.file[data-file="flow.rhai"]').count(), 1);
    await shot(page, "reloaded");
    await page.context().close();
  });

  test("a share link opens the same flow set elsewhere, without the key", async () => {
    const page = await open();
    await page.getByTestId("settings-toggle").click();
    await page.getByTestId("api-key").fill("sk_test_not_for_links");
    await typeScript(page, "// shared by link\nprint(\"from a link\");");
    await page.getByTestId("share").click();
    const link = await page.getByTestId("share-link").inputValue();
    const data = link.split("#v1.")[1];
    const json = inflateRawSync(Buffer.from(data, "base64url")).toString();
    assert.ok(!json.includes("sk_test"), "the key must stay out of share links");
    await page.context().close();

    const elsewhere = await open(link);
    assert.match(await elsewhere.locator(".cm-content").textContent(), /shared by link/);
    assert.equal(await elsewhere.locator(".file").count(), 5);
    await shot(elsewhere, "opened-from-link");
    await elsewhere.context().close();
  });

  test("a tampered link is refused when opened, and an open page reads a pasted link", async () => {
    const page = await open();
    const tampered = {
      main: "main.rhai",
      scripts: { "main.rhai": 'create_payment_intent(1, "usd", "cus_123");' },
      events: {},
      calls: {
        create_payment_intent: {
          method: "POST", path: "../__admin/reset", params: ["amount"], success: "a", error: "b",
        },
      },
    };
    const packed = deflateRawSync(Buffer.from(JSON.stringify(tampered))).toString("base64url");
    const url = new URL(page.url());
    url.hash = `v1.${packed}`;
    await page.goto(url.toString());
    await page.getByText("the link's flow set cannot be used", { exact: false }).waitFor();
    await shot(page, "tampered-link");
    await page.context().close();
  });

  test("a share link keeps the flow set it replaces, to bring back", async () => {
    const page = await open();
    await typeScript(page, "// my own work\nprint(\"mine\");");
    const linked = {
      main: "main.rhai",
      scripts: { "main.rhai": 'print("from the link");' },
      events: {},
      calls: {},
    };
    const packed = deflateRawSync(Buffer.from(JSON.stringify(linked))).toString("base64url");
    const url = new URL(page.url());
    url.hash = `v1.${packed}`;
    await page.goto(url.toString());
    await page.getByText("The one you had is kept", { exact: false }).waitFor();
    assert.match(await page.locator(".cm-content").textContent(), /from the link/);
    await page.getByTestId("examples").selectOption("before-link");
    await page.locator(".cm-content", { hasText: "my own work" }).waitFor();
    await shot(page, "restored-before-link");
    await page.context().close();
  });

  test("a deep chain stays readable", async () => {
    const page = await open();
    const again = 'api_call("POST", "messages", #{}, "again", "failed");';
    const deep = {
      main: "main.rhai",
      scripts: { "main.rhai": again, "again.rhai": again },
      events: { again: "again.rhai" },
      calls: {},
    };
    const packed = deflateRawSync(Buffer.from(JSON.stringify(deep))).toString("base64url");
    const url = new URL(page.url());
    url.hash = `v1.${packed}`;
    await page.goto(url.toString());
    await page.locator(".cm-content", { hasText: "again" }).waitFor();
    await useTestEndpoint(page);
    await run(page);
    await page.getByTestId("timeline").evaluate((timeline) => (timeline.scrollTop = 1e9));
    await page.locator(".row-level").first().waitFor();
    const label = await page.locator(".row-level").last().textContent();
    assert.match(label, /↳\d+/);
    await shot(page, "deep-chain");
    await page.context().close();
  });

  test("two thousand calls keep the page fluid", async () => {
    const page = await open();
    await typeScript(page, 'for i in 0..2000 { create_product(`bulk ${i}`, "made in bulk"); ');
    await run(page);
    assert.equal(await page.getByTestId("count-succeeded").getAttribute("data-value"), "2000");
    const drawn = await page.locator(".row").count();
    assert.ok(drawn < 200, `${drawn} rows are in the page; only those in view should be`);

    const timeline = page.getByTestId("timeline");
    await timeline.evaluate((element) => (element.scrollTop = element.scrollHeight / 2));
    const started = Date.now();
    await page.locator('.row[data-kind="request_sent"]').first().click();
    await page.getByTestId("details").waitFor();
    assert.ok(Date.now() - started < 1_000, "selecting an event took over a second");
    await shot(page, "two-thousand-calls");
    await page.context().close();
  });

  test("looks right when narrow and in the dark", async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 800 } });
    const page = await open(PAGE, context);
    await page.getByTestId("theme").click();
    await run(page);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await shot(page, "narrow-dark");
    await page.screenshot({ path: join(ARTIFACTS, "narrow-dark-full.png"), fullPage: true });
    await context.close();
  });
});
