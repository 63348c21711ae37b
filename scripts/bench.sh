#!/usr/bin/env bash
# Runs every benchmark at full size and prints each one's figures and ratios: dispatch against
# bare Rhai and against the seed's design, growth with the flow set and the response (native,
# criterion), throughput and memory in headless Chromium against the test endpoint, and the
# size of the npm package's wasm. BENCHMARKS.md records the results and what they mean.
#
#   scripts/bench.sh              everything
#   scripts/bench.sh native       criterion only
#   scripts/bench.sh browser      the browser throughput only
#   scripts/bench.sh size         the wasm size only
#
# Criterion's options pass through BENCH_ARGS, such as
# BENCH_ARGS="--warm-up-time 1 --measurement-time 3" for a quicker, noisier run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

WHAT="${1:-all}"
BENCH_CALLS="${BENCH_CALLS:-10000}"

native() {
    log "dispatch, seed and growth (criterion)"
    # shellcheck disable=SC2086
    cargo bench -p rhai-flow --bench dispatch -- ${BENCH_ARGS:-}
}

trap stop_servers EXIT

browser() {
    log "throughput in headless Chromium: $BENCH_CALLS calls against raw fetch"
    cargo build --release -p rhai-flow-endpoint
    start_server "$(mktemp)" "$CARGO_TARGET_DIR/release/rhai-flow-endpoint" --port 0
    export RHAI_FLOW_ENDPOINT="$SERVER_URL"
    # The figures are read at build time; the runs take longer than the default 20 s.
    RHAI_FLOW_BENCH="$BENCH_CALLS" WASM_BINDGEN_TEST_TIMEOUT=600 \
        unwinding cargo test --profile wasm-release -p rhai-flow-browser-tests \
        --target wasm32-unknown-unknown \
        --test throughput -- --nocapture
    stop_servers
}

size() {
    log "size of the npm package's wasm (budget: 380 KB gzipped), and of the same build aborting"
    local unwinding aborting
    unwinding=$(bash "$ROOT/scripts/build-npm.sh" | tee /dev/stderr | grep -oE '[0-9]+ bytes gzipped')
    aborting=$(bash "$ROOT/scripts/build-npm.sh" aborting | tee /dev/stderr | grep -oE '[0-9]+ bytes gzipped')
    unwinding=${unwinding%% *}
    aborting=${aborting%% *}
    printf 'size: unwinding %d bytes gzipped, aborting %d bytes: unwinding costs %d bytes (%s x)\n' \
        "$unwinding" "$aborting" "$((unwinding - aborting))" \
        "$(awk "BEGIN { printf \"%.2f\", $unwinding / $aborting }")"
}

case "$WHAT" in
    native) native ;;
    browser) browser ;;
    size) size ;;
    all) native; browser; size ;;
    *) log "unknown benchmark: $WHAT (native, browser, size or all)"; exit 2 ;;
esac
