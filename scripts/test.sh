#!/usr/bin/env bash
# Runs every test of the project: set-up, lints, the native suites, the browser suite in
# headless Chromium against the test endpoint, the playground's end-to-end tests and the npm
# package's consumer tests. Exits non-zero if any suite fails or runs no test.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

LOGS="$(mktemp -d)"
PASSED=0
FAILED=0
trap 'stop_servers; rm -rf "$LOGS"' EXIT

# Runs a suite, keeps its output, and adds up what its runner reports.
suite() {
    local name="$1"; shift
    log "$name"
    local status=0
    "$@" 2>&1 | tee "$LOGS/$name.log" || status=$?
    local passed failed
    passed=$(count_passed "$LOGS/$name.log")
    failed=$(count_failed "$LOGS/$name.log")
    PASSED=$((PASSED + passed))
    FAILED=$((FAILED + failed))
    if [ "$status" -ne 0 ]; then
        log "$name failed"
        FAILED=$((FAILED + (failed == 0)))
        summary
        exit 1
    fi
    if [ "$passed" -eq 0 ]; then
        log "$name ran no test"
        FAILED=$((FAILED + 1))
        summary
        exit 1
    fi
}

# cargo test prints "test result: ok. N passed"; node's runner prints "# pass N".
# Each grep may find nothing, which is no failure here: awk adds up the numbers found.
count_passed() {
    { grep -oE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$1" || true
      grep -oE '^# pass [0-9]+' "$1" || true; } | awk '{ s += $(NF - ($NF == "passed")) } END { print s + 0 }'
}

count_failed() {
    { grep -oE '[0-9]+ failed;' "$1" || true
      grep -oE '^# fail [0-9]+' "$1" || true; } | awk '{ s += ($1 == "#") ? $3 : $1 } END { print s + 0 }'
}

summary() {
    echo "rhai-flow: $PASSED passed, $FAILED failed"
}

start_endpoint() {
    cargo build --release -p rhai-flow-endpoint
    start_server "$LOGS/endpoint.out" "$CARGO_TARGET_DIR/release/rhai-flow-endpoint" --port 0
    export RHAI_FLOW_ENDPOINT="$SERVER_URL"
    log "test endpoint at $RHAI_FLOW_ENDPOINT"
}

"$ROOT/scripts/setup.sh"

log "formatting and lints"
cargo fmt --all --check
cargo clippy -p rhai-flow -p rhai-flow-endpoint -p rhai-flow-cli --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown \
    -p rhai-flow -p rhai-flow-js -p rhai-flow-playground -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p rhai-flow-browser-tests --all-targets -- -D warnings

suite native cargo test -p rhai-flow -p rhai-flow-endpoint -p rhai-flow-cli -p rhai-flow-js

start_endpoint
suite browser unwinding cargo test -p rhai-flow-browser-tests --target wasm32-unknown-unknown
stop_servers

suite playground "$ROOT/scripts/test-playground.sh"
suite npm "$ROOT/scripts/test-npm.sh"

summary
