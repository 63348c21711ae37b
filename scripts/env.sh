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
# Tools the project installs for itself, such as localstripe in its own Python environment.
export TOOLS="${TOOLS:-$HOME/.cache/rhai-flow/tools}"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$TOOLS/bin:$PATH"
# wasm-bindgen-test runs the wasm32 tests in headless Chromium through this runner.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="wasm-bindgen-test-runner"

# The browser builds of the runtime (the npm package, the wasm32 test suite) unwind on a
# panic instead of aborting, so that a bug costs one flow, not the page's whole module. The
# standard library that rustup ships for wasm32 aborts, so these builds compile their own
# with nightly cargo's build-std: `unwinding cargo build ...`. The playground cannot follow yet: the closures of yew and
# gloo are not unwind safe, which wasm-bindgen requires of an unwinding build.
export UNWIND_TOOLCHAIN="${UNWIND_TOOLCHAIN:-nightly}"
unwinding() {
    RUSTUP_TOOLCHAIN="$UNWIND_TOOLCHAIN" \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Cpanic=unwind -Cllvm-args=-wasm-use-legacy-eh=false -Zlocation-detail=none" \
        "$1" -Zbuild-std=std,panic_unwind -Zbuild-std-features=optimize_for_size "${@:2}"
}

# The same build with panics aborting, for comparing sizes (`scripts/bench.sh size`); in a
# target directory of its own, so the two builds do not undo each other.
aborting() {
    RUSTUP_TOOLCHAIN="$UNWIND_TOOLCHAIN" CARGO_TARGET_DIR="$CARGO_TARGET_DIR/aborting" \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zlocation-detail=none" \
        "$1" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "${@:2}" \
        --config 'profile.wasm-release.panic="abort"'
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Servers started by start_server, stopped together by stop_servers.
SERVER_PIDS=()

# Starts a server that prints `listening on http://...` or `serving http://...` once it is
# ready, and sets SERVER_URL to that address. Output goes to the file $1; the command
# follows. Not to be called in a subshell: SERVER_PIDS must stay in the caller's shell.
start_server() {
    local out="$1"
    shift
    "$@" >"$out" &
    SERVER_PIDS+=($!)
    for _ in $(seq 1 300); do
        if grep -qE '^(listening on|serving) http' "$out"; then
            SERVER_URL="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$out" | head -n1)"
            return 0
        fi
        kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || break
        sleep 0.1
    done
    echo "server did not start: $*" >&2
    return 1
}

stop_servers() {
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    SERVER_PIDS=()
}
