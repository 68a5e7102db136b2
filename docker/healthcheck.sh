#!/usr/bin/env bash
# Container health check without curl or wget: one HTTP/1.0 GET over bash's /dev/tcp.
# Healthy (exit 0) only on a 200 status line. Installed in the image as
# /usr/local/bin/ttstats-healthcheck and used by the Dockerfile's HEALTHCHECK and compose.
#
#   ttstats-healthcheck [PATH] [HOST:PORT]
#
# PATH defaults to /readyz (200 once the database answers, 503 otherwise). HOST:PORT defaults
# to TTSTATS_BIND, with a wildcard host (0.0.0.0, [::]) replaced by the loopback address.
set -uo pipefail

path=${1:-/readyz}
target=${2:-${TTSTATS_BIND:-127.0.0.1:8080}}
port=${target##*:}
host=${target%:*}
case $host in
  "" | 0.0.0.0 | "[::]" | "::") host=127.0.0.1 ;;
  "["*"]") host=${host#[}; host=${host%]} ;;
esac
# Under the HEALTHCHECK --timeout (5 s), so a hung server is reported, not killed.
timeout_s=4

if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
  echo "unhealthy: cannot connect to $host:$port" >&2
  exit 1
fi
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: ttstats-healthcheck\r\nConnection: close\r\n\r\n' \
  "$path" >&3
status=""
if ! IFS= read -r -t "$timeout_s" status <&3; then
  echo "unhealthy: no answer from $host:$port$path within ${timeout_s}s" >&2
  exit 1
fi
exec 3<&-
status=${status%$'\r'}
case $status in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "unhealthy: $path answered '$status'" >&2; exit 1 ;;
esac
