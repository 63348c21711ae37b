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

trap stop_servers EXIT
trap 'exit 130' INT TERM

log "starting the test endpoint on 127.0.0.1:$ENDPOINT_PORT"
start_server "$(mktemp)" "$CARGO_TARGET_DIR/release/rhai-flow-endpoint" --port "$ENDPOINT_PORT"
log "test endpoint at $SERVER_URL"

log "building and serving the playground (release); the first build takes a few minutes"
trunk serve --release --address 127.0.0.1 --port "$PLAYGROUND_PORT" --no-autoreload &
SERVER_PIDS+=($!)
until curl -sf -o /dev/null "http://127.0.0.1:$PLAYGROUND_PORT/"; do
    kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || { echo "trunk stopped; see its output above" >&2; exit 1; }
    sleep 0.5
done

printf '\n  open http://127.0.0.1:%s\n\n  (test endpoint: http://127.0.0.1:%s/v1; Ctrl-C stops both)\n\n' \
    "$PLAYGROUND_PORT" "$ENDPOINT_PORT"
if [ "$ENDPOINT_PORT" != 12111 ]; then
    printf '  The page sends to port 12111 until you set http://127.0.0.1:%s/v1 under Endpoint.\n\n' \
        "$ENDPOINT_PORT"
fi
wait "${SERVER_PIDS[-1]}"
