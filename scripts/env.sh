# Shared settings for the project's scripts; sourced, not run.
#
# One target directory outside the clone keeps cold builds of rhai and yew to the first run
# on a machine; cargo rebuilds only what changed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rhai-flow/target}"
export WASM_BINDGEN_VERSION="0.2.130"
export TRUNK_VERSION="0.21.14"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export ENDPOINT_PORT="${ENDPOINT_PORT:-12111}"
# A current wasm-opt from npm must come before any older one on the system.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# wasm-bindgen-test runs the wasm32 tests in headless Chromium through this runner.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="wasm-bindgen-test-runner"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
