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
