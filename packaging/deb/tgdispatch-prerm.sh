#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  systemctl stop tgdispatch.service || true
  systemctl disable tgdispatch.service >/dev/null || true
fi
