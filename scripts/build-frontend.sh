#!/usr/bin/env bash
# Builds the SPA into frontend/dist with trunk (release, offline: no tool downloads), then
# writes .gz (and .br when `brotli` is installed) beside the hashed assets for the server.
# Tools (scripts/setup.sh): trunk 0.21.14, wasm-bindgen-cli, npm binaryen 132.0.0 (wasm-opt;
# frontend/package.json pins it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/frontend/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ttstats/target}"
cargo fetch --locked --quiet

cd frontend
target=index.html
if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  # Never fall back to another wasm-opt: Debian's 108 silently breaks the module.
  echo "warning: wasm-opt 132 (npm binaryen) not found: building without wasm-opt" >&2
  sed 's/data-wasm-opt="z"/data-wasm-opt="0"/' index.html > .index.noopt.html
  target=.index.noopt.html
fi
start=$(date +%s)
trunk build --release --offline --dist dist "$target"
[ "$target" = index.html ] || mv -f "dist/$target" dist/index.html 2>/dev/null || true
for f in dist/*.wasm dist/*.js dist/*.css; do
  [ -e "$f" ] || continue
  gzip -9 -k -f "$f"
  if command -v brotli >/dev/null 2>&1; then brotli -f -q 11 -k "$f"; fi
done
wasm=$(ls dist/*.wasm)
echo "SPA built in $(( $(date +%s) - start )) s: $(basename "$wasm") $(stat -c %s "$wasm") bytes," \
  "$(stat -c %s "$wasm.gz") gzipped"
