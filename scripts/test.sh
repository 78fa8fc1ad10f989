#!/usr/bin/env bash
# Run the test suite against the installed package (from .venv, see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/pytest -p no:cacheprovider "$@"
