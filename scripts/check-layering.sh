#!/usr/bin/env bash
# The shared crates build for the browser, so they must never depend on IO crates.
set -euo pipefail
for crate in ttstats-domain ttstats-api-types; do
  if cargo tree -p "$crate" -e normal --prefix none | grep -E '^(tokio|diesel|actix-web|redis|moka) ' ; then
    echo "error: $crate depends on an IO crate (above)" >&2; exit 1
  fi
done
if grep -rn 'diesel' crates/api/src/routes* 2>/dev/null; then
  echo "error: handlers under crates/api/src/routes must not use diesel" >&2; exit 1
fi
echo "layering ok"
