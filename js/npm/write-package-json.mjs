// Writes dist/npm/package.json: the version, license and repository come from the Cargo
// workspace, so the npm package and the crates never disagree.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const [out, name] = process.argv.slice(2);
const metadata = JSON.parse(
  execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1"], { encoding: "utf8" }),
);
const crate = metadata.packages.find((found) => found.name === "rhai-flow-js");

const entry = `./${name}.js`;
const types = `./${name}.d.ts`;
const wasm = `./${name}_bg.wasm`;
const manifest = {
  name: "rhai-flow",
  version: crate.version,
  description: "Run event-driven Rhai flows in a web page: API calls become fetches, answers run flows.",
  license: crate.license,
  repository: { type: "git", url: `git+${crate.repository}.git` },
  keywords: ["rhai", "wasm", "flow", "stripe", "scripting"],
  type: "module",
  main: entry,
  module: entry,
  types,
  exports: {
    ".": { types, default: entry },
    "./worker": { types: "./run_in_worker.d.ts", default: "./run_in_worker.js" },
    [wasm]: wasm,
    "./package.json": "./package.json",
  },
  files: [
    entry,
    types,
    wasm,
    `./${name}_bg.wasm.d.ts`,
    "./run_in_worker.js",
    "./run_in_worker.d.ts",
    "./flow_worker.js",
    "./README.md",
  ].map((file) => file.slice(2)),
  sideEffects: false,
};
writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
