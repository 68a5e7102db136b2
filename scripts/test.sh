#!/usr/bin/env bash
# Runs the whole test suite against throwaway PostgreSQL and Redis servers, stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh start)"
trap 'scripts/services.sh stop' EXIT
cargo test --workspace --no-fail-fast "$@"
