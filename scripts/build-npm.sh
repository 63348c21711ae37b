#!/usr/bin/env bash
# Builds the npm package `rhai-flow` into dist/npm/: the crate in js/ for wasm32, bound for
# ES modules by wasm-bindgen, shrunk by wasm-opt, with a package.json and the README.
#
# Prints the gzipped size of the .wasm, which is what a page downloads.
#
# `scripts/build-npm.sh aborting` builds the same package with panics aborting instead, into
# dist/npm-aborting/, to measure what unwinding costs; that build is never shipped.
set -euo pipefail
source "$(dirname "$0")/env.sh"
# Run from a trunk hook (the playground's worker), set-up was done before trunk started, and
# must not run again beside the other hooks.
[ -n "${TRUNK_STAGING_DIR:-}" ] || bash "$ROOT/scripts/setup.sh"

PANIC="${1:-unwinding}"
NAME="rhai_flow"
case "$PANIC" in
    unwinding) OUT="$ROOT/dist/npm"; TARGET="$CARGO_TARGET_DIR" ;;
    aborting) OUT="$ROOT/dist/npm-aborting"; TARGET="$CARGO_TARGET_DIR/aborting" ;;
    *) log "unknown panic strategy: $PANIC (unwinding or aborting)"; exit 2 ;;
esac
log "building js/ for wasm32 (profile wasm-release: optimised for size, $PANIC on a panic)"
"$PANIC" cargo build -p rhai-flow-js --target wasm32-unknown-unknown --profile wasm-release
WASM_IN="$TARGET/wasm32-unknown-unknown/wasm-release/rhai_flow_js.wasm"

# Binding and shrinking take a while; they are skipped when the compiled module is the one
# the package was made from.
SOURCE_SUM="$(sha256sum "$WASM_IN" | cut -d' ' -f1)"
if [ "$(cat "$OUT/.source-sha256" 2>/dev/null)" = "$SOURCE_SUM" ] && [ -f "$OUT/${NAME}_bg.wasm" ]; then
    log "${OUT#"$ROOT"/} is up to date with the compiled module"
else
    log "binding with wasm-bindgen --target web"
    rm -rf "$OUT"
    mkdir -p "$OUT"
    wasm-bindgen --target web --out-dir "$OUT" --out-name "$NAME" "$WASM_IN"

    log "shrinking with $(wasm-opt --version)"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        --enable-exception-handling \
        --strip-debug --strip-producers \
        "$OUT/${NAME}_bg.wasm" -o "$OUT/${NAME}_bg.wasm"
    echo "$SOURCE_SUM" > "$OUT/.source-sha256"
fi

cp "$ROOT/js/README.md" "$OUT/README.md"
# runInWorker, and the worker it starts, which loads the module above.
cp "$ROOT/js/npm/run_in_worker.js" "$ROOT/js/npm/run_in_worker.d.ts" "$ROOT/js/npm/flow_worker.js" "$OUT/"
node "$ROOT/js/npm/write-package-json.mjs" "$OUT" "$NAME"

RAW=$(stat -c %s "$OUT/${NAME}_bg.wasm")
GZ=$(gzip -9 -c "$OUT/${NAME}_bg.wasm" | wc -c)
log "${OUT#"$ROOT"/} is ready"
printf 'wasm: %d bytes raw, %d bytes gzipped (%d KB)\n' "$RAW" "$GZ" "$(((GZ + 1023) / 1024))"
