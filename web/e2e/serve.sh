#!/usr/bin/env bash
# A real `jobmatch serve` for the browser tests: development settings, the demo data, a throwaway data folder with its own
# embedded PostgreSQL, and postal codes: GeoNames' file when given (as `make run` loads it), else the six-code test sample.
# The hashing embedder keeps the first index build to seconds (JOBMATCH_E2E_EMBEDDING_MODEL= uses the bundled model).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
port="${1:-8799}"
geonames="${2:-}"
[ -f "$geonames" ] || geonames="$root/tests/fixtures/postal_codes_sample.txt"
data="$(mktemp -d -t jobmatch-e2e.XXXXXX)"
trap 'rm -rf "$data"' EXIT
unset JOBMATCH_DATABASE_URL
export JOBMATCH_ENVIRONMENT=development JOBMATCH_DATA_DIR="$data" HF_HUB_OFFLINE=1
export JOBMATCH_EMBEDDING_MODEL="${JOBMATCH_E2E_EMBEDDING_MODEL-hashing}"
[ -n "$JOBMATCH_EMBEDDING_MODEL" ] || unset JOBMATCH_EMBEDDING_MODEL
jobmatch="$root/.venv/bin/jobmatch"
"$jobmatch" db upgrade >/dev/null
"$jobmatch" geo load "$geonames" >/dev/null
"$jobmatch" serve --port "$port" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT INT TERM
wait "$server"
