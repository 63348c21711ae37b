#!/usr/bin/env bash
# Builds and serves the playground with its test endpoint, both on 127.0.0.1, and prints the
# address to open. Ctrl-C stops both.
#
#   scripts/play.sh                  playground on :8080, endpoint on :12111
#   PLAYGROUND_PORT=9000 scripts/play.sh
#
# The playground's requests go to http://127.0.0.1:12111/v1 unless its Endpoint settings say
# otherwise; with another ENDPOINT_PORT, change the base URL there too.
set -euo pipefail
source "$(dirname "$0")/env.sh"
PLAYGROUND_PORT="${PLAYGROUND_PORT:-8080}"
cd "$ROOT"

"$ROOT/scripts/setup.sh"

log "building the test endpoint"
cargo build --release -p rhai-flow-endpoint

pids=()
stop_all() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

log "starting the test endpoint on 127.0.0.1:$ENDPOINT_PORT"
endpoint_out="$(mktemp)"
"$CARGO_TARGET_DIR/release/rhai-flow-endpoint" --port "$ENDPOINT_PORT" >"$endpoint_out" &
pids+=($!)
for _ in $(seq 1 100); do
    grep -q '^listening on ' "$endpoint_out" && break
    kill -0 "${pids[0]}" 2>/dev/null || { echo "the test endpoint did not start" >&2; exit 1; }
    sleep 0.1
done
grep -q '^listening on ' "$endpoint_out" || { echo "the test endpoint did not report its address" >&2; exit 1; }
log "$(head -n1 "$endpoint_out")"

log "building and serving the playground (release); the first build takes a few minutes"
trunk serve --release --address 127.0.0.1 --port "$PLAYGROUND_PORT" --no-autoreload &
pids+=($!)
until curl -sf -o /dev/null "http://127.0.0.1:$PLAYGROUND_PORT/"; do
    kill -0 "${pids[1]}" 2>/dev/null || { echo "trunk stopped; see its output above" >&2; exit 1; }
    sleep 0.5
done

printf '\n  open http://127.0.0.1:%s\n\n  (test endpoint: http://127.0.0.1:%s/v1; Ctrl-C stops both)\n\n' \
    "$PLAYGROUND_PORT" "$ENDPOINT_PORT"
wait "${pids[1]}"
