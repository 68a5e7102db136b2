#!/usr/bin/env python3
"""Structural checks of the deployment files (run by scripts/check-deploy.sh, no Docker needed).

The compose-spec schema validation and hadolint run in check-deploy.sh; this script checks what
a schema cannot: that the pieces fit together.

* docker/compose.yaml: every service has a pinned image or a build, a health check and a restart
  policy; depends_on conditions name existing services, and `service_healthy` ones have a health
  check; named volumes are declared and bind-mounted files exist; every interpolated variable is
  listed in .env.example; the ttstats instances get PostgreSQL, a password-protected Redis and a
  required JWT secret; Redis persists (AOF) and requires a password.
* docker/nginx.conf: parses (crossplane, NGINX's own parser); the upstream servers are exactly
  the ttstats services, on the port the image listens on; the load balancer's health path exists.
* docker/Dockerfile: pinned base images, cargo-chef stages, a non-root final user, HEALTHCHECK
  on /readyz, TTSTATS_BIND=0.0.0.0:8080, the data dir as a volume, COPY sources that exist, tool
  versions in step with the local scripts.
* Every environment variable read in crates/api/src/config.rs is listed in .env.example and
  explained in docs/operations.md; so is every variable of .env.example and every variable a
  single command reads (clap `env = "…"`); secrets in .env.example are empty.

Prints one line per problem and exits 1 when there is any.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import crossplane
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker" / "compose.yaml"
NGINX = ROOT / "docker" / "nginx.conf"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
HEALTHCHECK = ROOT / "docker" / "healthcheck.sh"
ENV_EXAMPLE = ROOT / ".env.example"
CONFIG_RS = ROOT / "crates" / "api" / "src" / "config.rs"
OPERATIONS = ROOT / "docs" / "operations.md"
JUSTFILE = ROOT / "justfile"

# ARCHITECTURE.md §7: fixed names that scripts and deployments rely on. If config.rs stops
# showing them as string literals, the extraction below is out of date (never silently vacuous).
FIXED_VARS = {
    "TTSTATS_BIND",
    "TTSTATS_DATA_DIR",
    "DATABASE_URL",
    "REDIS_URL",
    "TTSTATS_JWT_SECRET",
    "TTSTATS_ENV",
    "TTSTATS_LOG_FORMAT",
    "TTSTATS_CACHE_DEBUG_HEADERS",
    "TTSTATS_CACHE",
}
# Read outside config.rs: tracing's EnvFilter (crates/api/src/telemetry.rs).
OTHER_VARS = {"RUST_LOG"}
# Must be empty in the committed .env.example.
SECRETS = {"POSTGRES_PASSWORD", "REDIS_PASSWORD", "TTSTATS_JWT_SECRET"}

problems: list[str] = []


def problem(where: Path, message: str) -> None:
    problems.append(f"{where.relative_to(ROOT)}: {message}")


# ----------------------------------------------------------------------------------- env vars


def config_vars() -> set[str]:
    """Environment variable names read in config.rs (string literals outside the tests)."""
    text = CONFIG_RS.read_text()
    text = text.split("#[cfg(test)]", 1)[0]
    names = set(re.findall(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"', text))
    missing = FIXED_VARS - names
    if missing:
        problem(
            CONFIG_RS,
            f"no longer shows {sorted(missing)} as string literals: update "
            "scripts/check_deploy.py's extraction of environment variables",
        )
    return names


def command_vars() -> set[str]:
    """Variables read by single commands (clap `env = "…"`, `env::var("…")`) in the binary."""
    names: set[str] = set()
    for path in (ROOT / "crates" / "api" / "src").rglob("*.rs"):
        text = path.read_text().split("#[cfg(test)]", 1)[0]
        names.update(re.findall(r'\benv\s*=\s*"([A-Z][A-Z0-9_]*)"', text))
        names.update(re.findall(r'env::var(?:_os)?\(\s*"([A-Z][A-Z0-9_]*)"', text))
    return names


def env_example() -> tuple[dict[str, str], set[str]]:
    """(assigned NAME -> value, names documented as `# NAME=default`)."""
    assigned: dict[str, str] = {}
    documented: set[str] = set()
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            m = re.match(r"#\s*([A-Z][A-Z0-9_]*)=", stripped)
            if m:
                documented.add(m.group(1))
            continue
        m = re.fullmatch(r"([A-Z][A-Z0-9_]*)=([^\s'\"#$`\\]*)", stripped)
        if not m:
            problem(
                ENV_EXAMPLE,
                f"line {number}: expected NAME=value with no spaces, quotes or $ "
                f"(read by both compose and sh): {line!r}",
            )
            continue
        name, value = m.groups()
        if name in assigned:
            problem(ENV_EXAMPLE, f"line {number}: {name} is set twice")
        assigned[name] = value
    for name in SECRETS:
        if assigned.get(name):
            problem(ENV_EXAMPLE, f"{name} must be empty in the committed example")
        elif name not in assigned:
            problem(ENV_EXAMPLE, f"{name} is missing (docker/compose.yaml requires it)")
    return assigned, documented


def check_env_docs(read: set[str], assigned: dict[str, str], documented: set[str]) -> None:
    listed = set(assigned) | documented
    docs = OPERATIONS.read_text() if OPERATIONS.exists() else ""
    if not docs:
        problem(OPERATIONS, "missing")
    for name in sorted(read | OTHER_VARS):
        if name not in listed:
            problem(ENV_EXAMPLE, f"{name} (read by the service) is not listed")
        if docs and not re.search(rf"`{name}`", docs):
            problem(OPERATIONS, f"{name} (read by the service) is not documented as `{name}`")
    for name in sorted(listed - read - OTHER_VARS):
        if docs and not re.search(rf"`{name}`", docs):
            problem(OPERATIONS, f"{name} (in .env.example) is not documented as `{name}`")
    for name in sorted(command_vars() - read - OTHER_VARS):
        if docs and not re.search(rf"`{name}`", docs):
            problem(OPERATIONS, f"{name} (read by a ttstats command) is not documented as `{name}`")


# ------------------------------------------------------------------------------------ compose


INTERPOLATION = re.compile(r"(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def image_is_pinned(image: str) -> bool:
    name, _, digest = image.partition("@")
    if digest:
        return True
    last = name.rsplit("/", 1)[-1]
    if ":" not in last:
        return False
    tag = last.split(":", 1)[1]
    return bool(tag) and tag != "latest"


def service_env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def command_text(service: dict) -> str:
    cmd = service.get("command") or ""
    return " ".join(cmd) if isinstance(cmd, list) else str(cmd)


def ttstats_services(services: dict) -> list[str]:
    names = []
    for name, service in services.items():
        build = service.get("build")
        dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else ""
        if isinstance(build, str) or dockerfile.endswith("docker/Dockerfile"):
            names.append(name)
    return names


def check_compose(assigned: dict[str, str], read: set[str], documented: set[str]) -> dict:
    text = COMPOSE.read_text()
    doc = yaml.safe_load(text)
    services: dict = doc.get("services") or {}
    if not services:
        problem(COMPOSE, "no services")
        return doc

    for m in INTERPOLATION.finditer(text):
        name = m.group(1) or m.group(3)
        if name not in assigned:
            problem(COMPOSE, f"${{{name}}} is not set in .env.example")
        modifier = m.group(2) or ""
        if name in SECRETS and not modifier.startswith(":?"):
            problem(COMPOSE, f"secret ${{{name}}} must be required with ${{{name}:?message}}")

    declared_volumes = set((doc.get("volumes") or {}).keys())
    used_volumes: set[str] = set()
    for name, service in services.items():
        where = f"services.{name}"
        image = service.get("image")
        if not image and not service.get("build"):
            problem(COMPOSE, f"{where}: needs an image or a build")
        if image and not service.get("build") and not image_is_pinned(image):
            problem(COMPOSE, f"{where}: image {image!r} must name a tag other than latest")
        health = service.get("healthcheck")
        if not health or health.get("disable") or not health.get("test"):
            problem(COMPOSE, f"{where}: needs a healthcheck")
        if not service.get("restart"):
            problem(COMPOSE, f"{where}: needs a restart policy")
        depends = service.get("depends_on") or {}
        if isinstance(depends, list):
            problem(COMPOSE, f"{where}: depends_on needs conditions (service_healthy), not a list")
            depends = {d: {} for d in depends}
        for target, spec in depends.items():
            if target not in services:
                problem(COMPOSE, f"{where}: depends on unknown service {target!r}")
                continue
            condition = (spec or {}).get("condition", "service_started")
            if condition != "service_healthy":
                problem(COMPOSE, f"{where}: depends_on {target} should wait for service_healthy")
            if not (services[target].get("healthcheck") or {}).get("test"):
                problem(COMPOSE, f"{where}: waits for {target} to be healthy, which has no check")
        for volume in service.get("volumes") or []:
            source = volume.get("source", "") if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith((".", "/", "~", "$")):
                if source.startswith(".") and not (COMPOSE.parent / source).exists():
                    problem(COMPOSE, f"{where}: bind-mounted {source} does not exist")
            elif source:
                used_volumes.add(source)
    for volume in sorted(used_volumes - declared_volumes):
        problem(COMPOSE, f"named volume {volume!r} is not declared under volumes:")
    for volume in sorted(declared_volumes - used_volumes):
        problem(COMPOSE, f"volume {volume!r} is declared but unused")

    # Start order must be acyclic.
    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            problem(COMPOSE, f"depends_on cycle: {' -> '.join(path + (name,))}")
            return
        for target in services.get(name, {}).get("depends_on") or {}:
            visit(target, path + (name,))

    for name in services:
        visit(name, ())

    apis = ttstats_services(services)
    if len(apis) < 2:
        problem(COMPOSE, f"expected at least two ttstats instances, found {apis}")
    known = read | OTHER_VARS | set(assigned) | documented
    for name in apis:
        where = f"services.{name}"
        env = service_env(services[name])
        for var in env:
            if var not in known:
                problem(COMPOSE, f"{where}: {var} is neither read by ttstats nor in .env.example")
        db = env.get("DATABASE_URL", "")
        m = re.match(r"postgres(?:ql)?://[^@]+@([^:/]+)", db)
        if not m or m.group(1) not in services:
            problem(COMPOSE, f"{where}: DATABASE_URL must be postgres://…@<compose service>")
        redis_url = env.get("REDIS_URL", "")
        m = re.match(r"redis://:([^@]+)@([^:/]+)", redis_url)
        if not m or m.group(2) not in services:
            problem(COMPOSE, f"{where}: REDIS_URL must be redis://:PASSWORD@<compose service>")
        if "TTSTATS_JWT_SECRET" not in env:
            problem(COMPOSE, f"{where}: instances must share TTSTATS_JWT_SECRET")
        for dep in ("postgres", "redis"):
            if dep not in (services[name].get("depends_on") or {}):
                problem(COMPOSE, f"{where}: must wait for {dep}")
        if "TTSTATS_BIND" in env:
            problem(COMPOSE, f"{where}: leave TTSTATS_BIND to the image (nginx expects 8080)")

    redis = services.get("redis")
    if not redis:
        problem(COMPOSE, "no redis service")
    else:
        cmd = command_text(redis)
        if not re.search(r"--appendonly\s+yes", cmd):
            problem(COMPOSE, "services.redis: AOF persistence (--appendonly yes) is off")
        if "--requirepass" not in cmd:
            problem(COMPOSE, "services.redis: --requirepass is missing")
        if re.search(r"--maxmemory-policy\s+allkeys-", cmd):
            problem(COMPOSE, "services.redis: allkeys-* eviction can drop generation counters")
    postgres = services.get("postgres")
    if not postgres:
        problem(COMPOSE, "no postgres service")
    elif not any(
        str(v).endswith(":/var/lib/postgresql/data") for v in postgres.get("volumes") or []
    ):
        problem(COMPOSE, "services.postgres: its data directory is not on a volume")
    return doc


# -------------------------------------------------------------------------------------- nginx


def directives(block: list[dict], name: str) -> list[dict]:
    found = []
    for d in block:
        if d["directive"] == name:
            found.append(d)
        found.extend(directives(d.get("block", []), name))
    return found


def check_nginx(compose: dict, container_port: str) -> None:
    parsed = crossplane.parse(str(NGINX))
    for config in parsed["config"]:
        for error in config["errors"]:
            problem(NGINX, f"line {error.get('line')}: {error['error']}")
    if parsed["status"] != "ok":
        return
    tree = parsed["config"][0]["parsed"]
    services = compose.get("services") or {}
    apis = set(ttstats_services(services))
    servers = [d["args"][0] for d in directives(tree, "server") if d["args"]]
    hosts = set()
    for server in servers:
        host, _, port = server.partition(":")
        hosts.add(host)
        if host not in services:
            problem(NGINX, f"upstream server {server} is not a compose service")
        if port != container_port:
            problem(NGINX, f"upstream server {server}: ttstats listens on {container_port}")
    if hosts != apis:
        problem(NGINX, f"upstream servers {sorted(hosts)} != ttstats services {sorted(apis)}")
    lb = next((s for n, s in services.items() if "nginx.conf" in str(s.get("volumes"))), None)
    if lb is None:
        problem(COMPOSE, "no service mounts nginx.conf")
        return
    listens = {d["args"][0] for d in directives(tree, "listen")}
    for mapping in lb.get("ports") or []:
        target = str(mapping).rsplit(":", 1)[-1]
        if target not in listens:
            problem(NGINX, f"compose publishes container port {target}, nginx listens on {listens}")
    test = " ".join(str(t) for t in (lb.get("healthcheck") or {}).get("test") or [])
    m = re.search(r"http://[^/\s]+(/\S*)", test)
    locations = {" ".join(d["args"]) for d in directives(tree, "location")}
    if m and f"= {m.group(1)}" not in locations and m.group(1) not in locations:
        problem(NGINX, f"the load balancer's health check path {m.group(1)} has no location")


# --------------------------------------------------------------------------------- Dockerfile


def dockerfile_instructions() -> list[tuple[int, str, str]]:
    """(line, INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out = []
    pending, start = "", 0
    for number, line in enumerate(DOCKERFILE.read_text().splitlines(), 1):
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        instruction, _, args = full.partition(" ")
        out.append((start, instruction.upper(), args.strip()))
    return out


def check_dockerfile(assigned: dict[str, str]) -> str:
    """Returns the port TTSTATS_BIND uses in the final stage."""
    instructions = dockerfile_instructions()
    args: dict[str, str] = {}
    stages: list[list[tuple[int, str, str]]] = []
    stage_names: set[str] = set()
    for line, instruction, rest in instructions:
        if instruction == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        if instruction == "FROM":
            stages.append([])
            parts = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), parts[0])
            if image not in stage_names and not image_is_pinned(image):
                problem(DOCKERFILE, f"line {line}: base image {image!r} must name a tag other than latest")
            if len(parts) >= 3 and parts[1].upper() == "AS":
                stage_names.add(parts[2])
        if stages:
            stages[-1].append((line, instruction, rest))
    if not stages:
        problem(DOCKERFILE, "no FROM")
        return "8080"
    text = DOCKERFILE.read_text()
    for needle, why in (
        ("cargo chef prepare", "a cargo-chef planner stage"),
        ("cargo chef cook", "the cached dependency layer (cargo chef cook)"),
        ("scripts/build-frontend.sh", "the SPA built by scripts/build-frontend.sh"),
    ):
        if needle not in text:
            problem(DOCKERFILE, f"missing {why}")
    final = stages[-1]
    base = final[0][2].split()[0]
    if not re.match(r"debian:(\$\{DEBIAN_RELEASE\}|bookworm)-slim$", base):
        problem(DOCKERFILE, f"the runtime stage should be debian:bookworm-slim, not {base}")
    users = [rest for _, i, rest in final if i == "USER"]
    if not users:
        problem(DOCKERFILE, "the runtime stage sets no USER (it would run as root)")
    elif users[-1].split(":")[0] in {"root", "0"}:
        problem(DOCKERFILE, f"the runtime stage runs as {users[-1]}")
    health = [rest for _, i, rest in final if i == "HEALTHCHECK"]
    if not health or health[-1].strip().upper() == "NONE":
        problem(DOCKERFILE, "the runtime stage has no HEALTHCHECK")
    elif "/readyz" not in health[-1]:
        script = HEALTHCHECK.read_text() if HEALTHCHECK.exists() else ""
        if "ttstats-healthcheck" not in health[-1] or "${1:-/readyz}" not in script:
            problem(DOCKERFILE, "the HEALTHCHECK does not probe /readyz")
    env: dict[str, str] = {}
    for _, instruction, rest in final:
        if instruction == "ENV":
            for m in re.finditer(r"(\w+)=(\S+)", rest):
                env[m.group(1)] = m.group(2)
    if env.get("TTSTATS_BIND") != "0.0.0.0:8080":
        problem(DOCKERFILE, "the runtime stage must set TTSTATS_BIND=0.0.0.0:8080")
    port = env.get("TTSTATS_BIND", ":8080").rsplit(":", 1)[-1]
    exposed = " ".join(rest for _, i, rest in final if i == "EXPOSE")
    if port not in exposed.split():
        problem(DOCKERFILE, f"EXPOSE {port} is missing")
    volumes = " ".join(rest for _, i, rest in final if i == "VOLUME")
    data_dir = env.get("TTSTATS_DATA_DIR")
    if not data_dir or data_dir not in volumes:
        problem(DOCKERFILE, "TTSTATS_DATA_DIR must be set and declared as a VOLUME")
    for line, instruction, rest in instructions:
        if instruction in {"COPY", "ADD"} and "--from=" not in rest:
            sources = [p for p in rest.split() if not p.startswith("--")][:-1]
            for source in sources:
                if source != "." and not (ROOT / source).exists():
                    problem(DOCKERFILE, f"line {line}: COPY source {source} does not exist")
    # The Rust toolchain must satisfy the workspace's rust-version.
    m = re.search(r'^rust-version\s*=\s*"([\d.]+)"', (ROOT / "Cargo.toml").read_text(), re.M)
    rust = args.get("RUST_VERSION", "")
    if m and tuple(map(int, rust.split(".")[:2] or [0])) < tuple(map(int, m.group(1).split(".")[:2])):
        problem(DOCKERFILE, f"RUST_VERSION {rust} is older than rust-version {m.group(1)}")
    check_tool_versions(text)
    return port


def check_tool_versions(dockerfile: str) -> None:
    """trunk and binaryen: the image installs what the local scripts install."""
    scripts = "\n".join(
        p.read_text() for p in sorted((ROOT / "scripts").glob("*.sh")) if p.name != "check-deploy.sh"
    )
    # npm installs binaryen from the SPA's package.json when it exists: that pin is the local one.
    package = ROOT / "frontend" / "package.json"
    if package.exists():
        pinned = json.loads(package.read_text()).get("devDependencies", {}) | json.loads(
            package.read_text()
        ).get("dependencies", {})
        if "binaryen" in pinned:
            scripts = re.sub(r"binaryen", "binary-en", scripts) + f"\nbinaryen@{pinned['binaryen'].lstrip('^~=')}"
    for tool, arg, pattern in (
        ("trunk", "TRUNK_VERSION", r"trunk\b[^\n]*?(\d+\.\d+\.\d+)"),
        ("binaryen", "BINARYEN_VERSION", r"binaryen@?[^\n]*?(\d+(?:\.\d+)*)"),
    ):
        image = re.search(rf"ARG {arg}=(\S+)", dockerfile)
        local = re.search(pattern, scripts)
        if image and local:
            a, b = image.group(1).split("."), local.group(1).split(".")
            if a[: len(b)] != b[: len(a)]:
                problem(
                    DOCKERFILE,
                    f"{arg}={image.group(1)} but scripts/ install {tool} {local.group(1)}",
                )


def check_justfile() -> None:
    text = JUSTFILE.read_text()
    if not re.search(r"^docker-up\b", text, re.M):
        problem(JUSTFILE, "no docker-up recipe")
    if "docker compose -f docker/compose.yaml --env-file .env up -d --build" not in text:
        problem(JUSTFILE, "docker-up must run docker compose -f docker/compose.yaml --env-file .env up -d --build")
    if "scripts/check-deploy.sh" not in text:
        problem(JUSTFILE, "`just test` must run scripts/check-deploy.sh")


def main() -> int:
    read = config_vars()
    assigned, documented = env_example()
    check_env_docs(read, assigned, documented)
    compose = check_compose(assigned, read, documented)
    port = check_dockerfile(assigned)
    check_nginx(compose, port)
    check_justfile()
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    if problems:
        return 1
    print(
        f"deploy structure ok: {len(compose.get('services', {}))} compose services, "
        f"{len(read)} variables from config.rs in .env.example and docs/operations.md"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
