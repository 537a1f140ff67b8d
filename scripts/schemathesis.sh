#!/usr/bin/env bash
# Fuzzes the gateway's admin API from its own OpenAPI document and fails on any 5xx.
#   scripts/schemathesis.sh <gateway base URL> <admin API key>
# Installs schemathesis (PyPI) once into a venv under ${INFRA_DIR:-.infra}/schemathesis.
# Dead-letter replay-all is excluded: on a shared broker it would republish other people's dead letters.
set -euo pipefail
BASE_URL="${1:?usage: scripts/schemathesis.sh <gateway base URL> <admin API key>}"
API_KEY="${2:?usage: scripts/schemathesis.sh <gateway base URL> <admin API key>}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${INFRA_DIR:-$ROOT/.infra}/schemathesis"
VERSION="${SCHEMATHESIS_VERSION:-3.39.16}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-25}"

if ! "$VENV/bin/python" -c "import hypothesis, sys; sys.exit(tuple(map(int, hypothesis.__version__.split(".")[:2])) >= (6, 131))" 2>/dev/null || [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV"
  # hypothesis 6.131+ broke schemathesis 3.x ("'many' object has no attribute 'more'"): pin below it.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" "hypothesis<6.131"
fi

exec "$VENV/bin/st" run "$BASE_URL/admin/v1/openapi.json" \
  --base-url "$BASE_URL/admin/v1" \
  --header "Authorization: Bearer $API_KEY" \
  --checks not_a_server_error \
  --exclude-operation-id replayDeadLetters \
  --hypothesis-max-examples "$MAX_EXAMPLES" \
  --hypothesis-derandomize \
  --workers 1
