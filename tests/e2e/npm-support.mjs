// What the npm package tests stand on: a scratch project that installs the packed tarball,
// a static server for its page, the test endpoint, and headless Chromium.
//
// Everything listens on 127.0.0.1 and is stopped by `close()`.

import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const HERE = fileURLToPath(new URL(".", import.meta.url));
export const ROOT = resolve(HERE, "../..");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

/** A folder outside the workspace with the tarball installed, as a user's project has. */
export async function scratchProject(tarball) {
  const dir = await mkdtemp(join(tmpdir(), "rhai-flow-npm-"));
  const manifest = { name: "rhai-flow-consumer", private: true, type: "module" };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", tarball], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  await cp(join(HERE, "npm-page"), dir, { recursive: true });
  await cp(join(HERE, "npm-consumer.ts"), join(dir, "consumer.ts"));
  return dir;
}

/** Serves `dir` on a free 127.0.0.1 port; resolves with the server and its base URL. */
export async function serveStatic(dir) {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path);
    const found = file.startsWith(dir) && (await stat(file).catch(() => null))?.isFile();
    if (!found) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

/** Starts the test endpoint on a free port; resolves with the process and its base URL. */
export async function startEndpoint(binary) {
  const child = spawn(binary, ["--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`the endpoint exited with ${code} before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      if (match) return match[1];
    }
    throw new Error("the endpoint closed its output before listening");
  })();
  const base = await Promise.race([listening, exited]);
  exited.catch(() => {});
  return { child, base };
}

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
export async function closedPort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/** Headless Chromium with a fresh profile, never downloaded: the system's own. */
export async function launchBrowser() {
  const profile = await mkdtemp(join(tmpdir(), "rhai-flow-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return { context, profile };
}

/** A flow set folder such as flows/payment, as the object `FlowRuntime` takes. */
export async function loadFlowSet(name) {
  const folder = join(ROOT, "flows", name);
  const manifest = JSON.parse(await readFile(join(folder, "flows.json"), "utf8"));
  const scripts = {};
  for (const file of await readdir(folder)) {
    if (file.endsWith(".rhai")) scripts[file] = await readFile(join(folder, file), "utf8");
  }
  return { ...manifest, scripts };
}

/** Stops what the tests started, whichever of it exists. */
export async function close({ context, profile, server, endpoint, dirs = [] }) {
  await context?.close();
  server?.close();
  if (endpoint && endpoint.exitCode === null) {
    endpoint.kill("SIGTERM");
    await once(endpoint, "exit");
  }
  for (const dir of [profile, ...dirs].filter(Boolean)) {
    await rm(dir, { recursive: true, force: true });
  }
}
