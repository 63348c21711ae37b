#!/bin/sh
# Puts the flow worker into the folder trunk is building, or into the folder given as the
# first argument: the npm package's flow_worker.js beside the package's build of the runtime
# it loads, whose panics unwind. The package is built first when the runtime changed.
set -eu
cd "$(dirname "$0")/.."
out="${1:-${TRUNK_STAGING_DIR:?run from trunk, or pass an output folder}}/flow-worker"
# The package build logs to stderr and prints its size on stdout; trunk shows both.
bash scripts/build-npm.sh
mkdir -p "$out"
cp dist/npm/rhai_flow.js dist/npm/rhai_flow_bg.wasm dist/npm/flow_worker.js "$out/"
