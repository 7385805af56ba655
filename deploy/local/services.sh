#!/usr/bin/env bash
# Local Kafka + Elasticsearch without Docker: install|up|down|status (see docs/services.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "${PYTHON:-.venv/bin/python}" -m pipeline.services "$@"
