#!/usr/bin/env bash
# Builds the SPA into frontend/dist. Until the Leptos app lands (issue #7) this publishes the
# static placeholder page.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p frontend/dist
cp frontend/index.html frontend/dist/index.html
