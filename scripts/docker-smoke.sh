#!/usr/bin/env bash
# Builds the image and proves it serves: it runs against the machine's PostgreSQL (host network)
# until its HEALTHCHECK (the readiness probe) says healthy, not as root, then stops on SIGTERM.
# Skipped, saying why, when no Docker daemon answers or the Dockerfile's base image is not already
# present: the development and CI machines reach no image registry to pull it.
set -euo pipefail
cd "$(dirname "$0")/.."

base=$(awk 'toupper($1) == "FROM" { print $2; exit }' Dockerfile)
if ! command -v docker >/dev/null; then
  echo "image smoke: skipped (no docker command)"; exit 0
fi
if ! why=$(docker info 2>&1 >/dev/null); then
  echo "image smoke: skipped (no Docker daemon answers: $(echo "$why" | grep -m1 -iE 'cannot|error' || echo "$why" | head -1))"; exit 0
fi
if ! docker image inspect "$base" >/dev/null 2>&1; then
  echo "image smoke: skipped (base image $base is not present, and no registry is reachable here to pull it)"; exit 0
fi

tag="checkproof-directory:smoke-$$"
name="cpd-image-smoke-$$"
db="cpd_image_smoke_$$"
port=$((20000 + RANDOM % 20000))
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker image rm "$tag" >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

docker build --pull=false -t "$tag" .
psql -h 127.0.0.1 -U postgres -qc "create database $db"
docker run -d --name "$name" --network host \
  -e DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" -e PORT="$port" -e HOST=127.0.0.1 \
  -e PUBLIC_URL=https://directory.example.com -e ADMIN_TOKEN="image-smoke-admin-token-$$-0123456789" \
  "$tag" >/dev/null
status=starting
for _ in $(seq 1 45); do
  status=$(docker inspect -f '{{.State.Health.Status}}' "$name")
  [ "$status" = healthy ] && break
  sleep 2
done
if [ "$status" != healthy ]; then docker logs "$name"; echo "image smoke: container is $status"; exit 1; fi
uid=$(docker exec "$name" id -u)
if [ "$uid" = 0 ]; then echo "image smoke: the service runs as root"; exit 1; fi
docker stop -t 15 "$name" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
if [ "$code" != 0 ]; then docker logs "$name"; echo "image smoke: exit code $code after SIGTERM"; exit 1; fi
echo "image smoke: built, healthy on PostgreSQL as uid $uid, stopped cleanly on SIGTERM"
