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

# Every check and test: format, lints, wasm build of the shared crates, unit and integration tests.
test: setup
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo build -p ttstats-domain -p ttstats-api-types --target wasm32-unknown-unknown
    scripts/check-layering.sh
    scripts/test.sh

# Format the code.
fmt:
    cargo fmt --all

# Lints as CI runs them.
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# Benchmarks (writes docs/benchmarks.md).
bench:
    @echo "not yet: benchmarks arrive with issue #8"

# Regenerate openapi.yaml from the code (a test fails when it drifts).
openapi:
    cargo run -q -p ttstats-api --bin ttstats -- openapi > openapi.yaml
