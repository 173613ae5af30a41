#!/bin/sh
# purge removes the user and the state directory; remove keeps both.
set -e
if [ "$1" = purge ]; then
  rm -rf /var/lib/transferguard
  if getent passwd tgagent >/dev/null; then deluser --quiet --system tgagent 2>/dev/null || true; fi
fi
