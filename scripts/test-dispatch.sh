#!/usr/bin/env bash
# tgdispatch's slower tests, called by the main test command:
#   - the store suite and the two-instance ingest test on PostgreSQL
#     (dispatch/pgtest starts Debian's PostgreSQL in a temp dir);
#   - the browser end-to-end tests (real tgdispatch binary, mosquitto,
#     Debian's Chromium through chromedp).
# With --load it also runs the 1,000-terminal load test on SQLite and
# PostgreSQL (about 40 s). Missing PostgreSQL or Chromium fails, never
# skips: scripts/deps.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -count=1 -tags pg ./dispatch/store/ ./dispatch/ingest/ ./dispatch/notify/ ./dispatch/feed/
go test -count=1 -tags pg -run Instance ./test/e2e/
go test -count=1 -tags e2e ./test/e2e/
if [[ "${1:-}" == "--load" ]]; then
  go test -count=1 -tags load -run Load -timeout 5m ./test/e2e/
  TG_LOAD_DB=postgres go test -count=1 -tags load -run Load -timeout 5m ./test/e2e/
fi
