#!/usr/bin/env bash
# Builds the playground as scripts/play.sh serves it (release), starts the test endpoint and a
# static server on free loopback ports, runs the browser tests in tests/e2e/playground.test.mjs
# in headless Chromium, and stops everything. Exits non-zero when a test fails.
#
# Screenshots land in artifacts/playground/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"

log "building the test endpoint"
cargo build --release -p rhai-flow-endpoint

work="$(mktemp -d)"
pids=()
stop_all() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

log "building the playground (release)"
trunk build --release --dist "$work/dist"

# Starts a server that prints `<word> http://127.0.0.1:PORT` and echoes that address.
start() {
    local out="$1"
    shift
    "$@" >"$out" &
    pids+=($!)
    for _ in $(seq 1 100); do
        if grep -qE '^(listening on|serving) http' "$out"; then
            grep -oE 'http://127\.0\.0\.1:[0-9]+' "$out" | head -n1
            return 0
        fi
        kill -0 "${pids[-1]}" 2>/dev/null || break
        sleep 0.1
    done
    echo "server did not start: $*" >&2
    return 1
}

endpoint="$(start "$work/endpoint.out" "$CARGO_TARGET_DIR/release/rhai-flow-endpoint" --port 0)"
page="$(start "$work/serve.out" node tests/e2e/playground-serve.mjs "$work/dist" 0)"
log "endpoint $endpoint, playground $page"

mkdir -p artifacts/playground
ENDPOINT_URL="$endpoint" PLAYGROUND_URL="$page" node --test --test-concurrency=1 \
    tests/e2e/playground.test.mjs
