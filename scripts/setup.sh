#!/usr/bin/env bash
# Installs the tools the project needs on a fresh Debian machine, skipping what is present.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1; }
apt_updated=false
apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "warning: not root, cannot apt-get install $*" >&2; return; fi
  $apt_updated || { apt-get update -qq; apt_updated=true; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
have redis-server || apt_install redis-server
have python3 || apt_install python3
# scripts/check-deploy.sh keeps its Python tools in a virtualenv (Debian splits venv out).
python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv

# The SPA (issue #7): trunk, the wasm-bindgen CLI matching Cargo.lock, npm tools (binaryen's
# wasm-opt for trunk, playwright-core for the end-to-end test) and Debian's chromium. trunk and
# wasm-bindgen build from crates.io (no prebuilt downloads); both cache in ~/.cargo/bin.
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
trunk_version=0.21.14 # trunk 0.22 needs a newer rustc than rust-toolchain.toml's stable
wasm_bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
trunk --version 2>/dev/null | grep -qx "trunk $trunk_version" \
  || cargo install --locked trunk --version "$trunk_version"
# Not --locked: its lockfile names a crate version the registry no longer has.
wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wasm_bindgen_version" \
  || cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
have npm || apt_install nodejs npm
if [ ! -x frontend/node_modules/.bin/wasm-opt ] || [ ! -d frontend/node_modules/playwright-core ] \
  || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi
have chromium || apt_install chromium
