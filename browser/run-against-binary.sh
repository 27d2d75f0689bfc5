#!/usr/bin/env bash
# Starts a Thamgia binary in demo mode on a throwaway SQLite database, waits for /healthz, runs the
# browser journeys against it, and stops it again. Exits with the journeys' exit code.
#
#   browser/run-against-binary.sh target/debug/thamgia
#
# Env: PORT (default 18080), CHROMIUM (passed through to run.mjs), JOURNEY (run only matching files),
# DEMO_DATABASE_URL (an empty database to fill instead of a throwaway SQLite file, e.g. a fresh
# PostgreSQL database; journeys that restart the server themselves need SQLite).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="$1"
case "$binary" in
  /*) ;;
  *) binary="$PWD/$binary" ;;
esac
if [ ! -x "$binary" ]; then
  echo "run-against-binary: $binary is not an executable file" >&2
  exit 2
fi

port="${PORT:-18080}"
base_url="http://127.0.0.1:$port"
tmp="$(mktemp -d)"
server_pid=""

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    # Give it a moment to close the database cleanly, then insist.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

show_server_log() {
  echo "# --- last lines of the server's log ($tmp/server.log)"
  tail -n 40 "$tmp/server.log" 2>/dev/null | sed 's/^/# /' || true
}

# A server already on the port would be tested instead of ours: refuse.
if curl -s -o /dev/null --max-time 2 "$base_url/healthz"; then
  echo "run-against-binary: something already answers on $base_url; set PORT to a free port" >&2
  exit 1
fi

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  echo "# npm ci in $here"
  (cd "$here" && npm ci --no-audit --no-fund)
fi

echo "# starting $binary demo on $base_url (${DEMO_DATABASE_URL:+PostgreSQL}${DEMO_DATABASE_URL:-SQLite})"
database_url="${DEMO_DATABASE_URL:-sqlite://$tmp/demo.db}"
"$binary" demo --listen "127.0.0.1:$port" --database-url "$database_url" >"$tmp/server.log" 2>&1 &
server_pid=$!

# The demo fills 2016–2026 before it listens: about 90 s for a debug build on a quiet machine.
start_limit="${DEMO_START_SECONDS:-420}"
deadline=$((SECONDS + start_limit))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base_url/healthz" || true)" = "200" ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run-against-binary: the server exited before /healthz answered" >&2
    show_server_log
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "run-against-binary: $base_url/healthz did not answer 200 within $start_limit s" >&2
    show_server_log
    exit 1
  fi
  sleep 0.5
done
echo "# server ready after ${SECONDS} s"

# run.mjs prints the server's log itself on failure, before its closing "N passed, M failed" line,
# which must stay the last line of the output: CI reads it.
set +e
# Journeys that run a server of their own (07: it stops and restarts it) start this binary, on a
# copy of this demo database.
(cd "$here" && BASE_URL="$base_url" SERVER_LOG="$tmp/server.log" THAMGIA_BIN="$binary" \
  THAMGIA_DEMO_DB="$tmp/demo.db" node run.mjs)
rc=$?
set -e
exit "$rc"
