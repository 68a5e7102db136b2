# ttstats tasks. `just run` serves on http://127.0.0.1:8080; `just test` runs every test.
set shell := ["bash", "-euo", "pipefail", "-c"]

# Builds live outside the clone so CI reruns and fresh clones stay incremental.
export CARGO_TARGET_DIR := env_var_or_default("CARGO_TARGET_DIR", home_directory() / ".cache/ttstats/target")

default:
    @just --list

# Install what is missing (idempotent; skips what is present).
setup:
    scripts/setup.sh

# Build the SPA and serve it with the API on http://127.0.0.1:8080 (embedded SQLite).
run *ARGS: setup
    scripts/build-frontend.sh
    cargo run --release -p ttstats-api --bin ttstats -- serve {{ARGS}}

# Every check and test: format, lints, wasm build of the shared crates, unit and integration
# tests, the API fuzzed from its OpenAPI document, then the SPA end to end in headless Chromium.
test: setup
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo clippy -p ttstats-frontend --target wasm32-unknown-unknown -- -D warnings
    cargo build -p ttstats-domain -p ttstats-api-types --target wasm32-unknown-unknown
    scripts/check-layering.sh
    scripts/check-deploy.sh
    scripts/test.sh
    scripts/fuzz.sh
    scripts/e2e.sh

# Issue #10's scale-out proof alone: PostgreSQL and Redis from the installed binaries and two
# `ttstats serve` processes sharing them; prints what it proved (writes, cross-instance read
# latency, invalidations received). Part of `just test` too (crates/api/tests/system).
scale-test:
    cargo test -p ttstats-api --test system scale:: -- --nocapture --test-threads 1

# Build the SPA into frontend/dist (trunk, release, offline).
frontend:
    scripts/build-frontend.sh

# Fuzz the whole API from its OpenAPI document with schemathesis (bounded, ~3 min; extra
# arguments go to `schemathesis run`, e.g. `just fuzz --include-path-regex matches`).
fuzz *ARGS:
    scripts/fuzz.sh {{ARGS}}

# The SPA end-to-end test alone (builds what is missing, starts a throwaway server).
e2e:
    scripts/e2e.sh

# Format the code.
fmt:
    cargo fmt --all

# Lints as CI runs them.
lint:
    cargo clippy --workspace --all-targets -- -D warnings
    cargo clippy -p ttstats-frontend --target wasm32-unknown-unknown -- -D warnings

# Benchmarks of the statistics reads and the write path, SQLite and PostgreSQL, 5k/50k/500k
# matches (≈ 11 min, plus ≈ 8 min the first time: seeds once into $CARGO_TARGET_DIR/bench-data); rewrites docs/benchmarks.md.
# `just bench --quick`: 5,000 matches, short runs, results in $CARGO_TARGET_DIR/bench only.
bench *ARGS:
    @command -v wrk >/dev/null || { echo "error: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
    python3 scripts/bench.py bench {{ARGS}}

# Mixed read/write soak (default 3 minutes, `--minutes N`): per-minute p50/p99/errors/RSS, then
# `ttstats check`; exits non-zero on an error, a stale read or drift. Not part of `just test`.
soak *ARGS:
    python3 scripts/bench.py soak {{ARGS}}

# Two instances behind nginx with PostgreSQL and Redis on http://localhost:8080 (needs Docker, .env).
docker-up:
    @test -f .env || { echo "error: copy .env.example to .env and fill in the secrets" >&2; exit 1; }
    docker compose -f docker/compose.yaml --env-file .env up -d --build

# Stop the compose deployment (volumes are kept; add -v to drop the data).
docker-down *ARGS:
    docker compose -f docker/compose.yaml --env-file .env down {{ARGS}}

# Static checks of the Docker/compose files (also part of `just test`).
check-deploy:
    scripts/check-deploy.sh

# Regenerate openapi.yaml from the code (a test fails when it drifts).
openapi:
    cargo run -q -p ttstats-api --bin ttstats -- openapi > openapi.yaml
