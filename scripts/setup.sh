#!/usr/bin/env bash
# Installs what the project needs, skipping each step that is already satisfied, so a fresh
# machine and CI get the same set-up.
set -euo pipefail
source "$(dirname "$0")/env.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

if ! rustup toolchain list | grep -q "^$UNWIND_TOOLCHAIN"; then
    log "installing the $UNWIND_TOOLCHAIN toolchain (browser builds that unwind on a panic)"
    rustup toolchain install "$UNWIND_TOOLCHAIN" --profile minimal
fi
if ! rustup component list --toolchain "$UNWIND_TOOLCHAIN" --installed | grep -q '^rust-src'; then
    log "adding rust-src to $UNWIND_TOOLCHAIN, to build an unwinding standard library"
    rustup component add rust-src --toolchain "$UNWIND_TOOLCHAIN"
fi
if ! rustup target list --toolchain "$UNWIND_TOOLCHAIN" --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target to $UNWIND_TOOLCHAIN"
    rustup target add wasm32-unknown-unknown --toolchain "$UNWIND_TOOLCHAIN"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (it must match the crate exactly)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    log "installing trunk $TRUNK_VERSION"
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
    log "installing Chromium and ChromeDriver from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# In a virtual environment of its own: Debian's Python refuses packages installed beside its
# own (PEP 668), and the project should not change the machine's Python anyway.
if ! command -v localstripe >/dev/null; then
    log "installing localstripe, a Stripe-compatible server the interop tests run against"
    if ! python3 -c 'import ensurepip' 2>/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq python3-venv >/dev/null
    fi
    python3 -m venv "$TOOLS/localstripe"
    "$TOOLS/localstripe/bin/python" -m pip install --quiet localstripe
    mkdir -p "$TOOLS/bin"
    ln -sf "$TOOLS/localstripe/bin/localstripe" "$TOOLS/bin/localstripe"
fi

if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing npm packages (editor, browser test driver, wasm-opt)"
    (cd "$ROOT" && npm ci --no-fund --no-audit)
fi
