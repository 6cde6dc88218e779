#!/usr/bin/env bash
# Proves the README's start command works on a fresh machine: `npm start` with no DATABASE_URL
# starts the embedded PostgreSQL, serves /healthz and /readyz, creates a tenant, stops cleanly on
# SIGTERM, and keeps the tenant across a restart.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d /tmp/cpd-smoke-XXXXXX)
chmod 755 "$data_dir"
port=$((20000 + RANDOM % 20000))
pg_port=$((40000 + RANDOM % 20000))
token="smoke-admin-token-$(date +%s)-0123456789"
log=$(mktemp /tmp/cpd-smoke-log-XXXXXX)
pid=""

# On failure, stop the whole process group: killing npm alone can leave the service (and its
# embedded PostgreSQL) running.
cleanup() { [ -n "$pid" ] && { kill -TERM -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null; sleep 2; } || true; rm -rf "$data_dir" "$log"; }
trap cleanup EXIT

start() {
  setsid env -u DATABASE_URL DATA_DIR="$data_dir" PORT="$port" EMBEDDED_PG_PORT="$pg_port" ADMIN_TOKEN="$token" \
    npm start >>"$log" 2>&1 &
  pid=$!
  # npm start builds first (prestart); on a busy 2-core machine build + initdb can pass a minute.
  for _ in $(seq 1 480); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "service exited during start:"; cat "$log"; exit 1; fi
    sleep 0.5
  done
  echo "service did not become ready:"; cat "$log"; exit 1
}

stop() {
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then echo "service did not stop on SIGTERM"; cat "$log"; exit 1; fi
  wait "$pid" 2>/dev/null || true
  pid=""
  sleep 1
  if pgrep -f "postgres -D $data_dir" >/dev/null; then echo "embedded PostgreSQL left running"; exit 1; fi
}

gql() {
  curl -fsS "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
    -H "authorization: Bearer $token" -d "$1"
}

start
curl -fsS "http://127.0.0.1:$port/healthz" | grep -q '"ok"'
gql '{"query":"mutation { createTenant(input: { slug: \"smoke\", name: \"Smoke Co\" }) { tenant { id slug } scimUrl scimToken } }"}' | grep -q '"slug":"smoke"'
stop
start
gql '{"query":"{ tenants { slug } }"}' | grep -q '"smoke"'
stop
echo "smoke: npm start on embedded PostgreSQL came up ready, kept data across a restart and stopped cleanly"
