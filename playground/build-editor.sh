#!/bin/sh
# Bundles the CodeMirror editor (playground/editor/) into the folder trunk is building, or into
# the folder given as the first argument.
set -eu
cd "$(dirname "$0")/.."
out="${1:-${TRUNK_STAGING_DIR:?run from trunk, or pass an output folder}}"
minify="--minify"
[ "${TRUNK_PROFILE:-release}" = "debug" ] && minify=""
exec node_modules/.bin/esbuild playground/editor/main.js --bundle --format=iife \
    --target=es2020 $minify --log-level=warning --outfile="$out/editor.js"
