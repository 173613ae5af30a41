#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  systemctl stop tgagent.service || true
  systemctl disable tgagent.service >/dev/null || true
fi
