#!/bin/sh
# tgagent postinst: the service user (in dialout, for serial adapters) and
# the state directory, mode 0700 (the outbox and applied documents live there).
set -e
if [ "$1" = configure ]; then
  if ! getent passwd tgagent >/dev/null; then
    adduser --system --group --home /var/lib/transferguard --no-create-home --quiet tgagent
  fi
  adduser --quiet tgagent dialout || true
  install -d -o tgagent -g tgagent -m 0700 /var/lib/transferguard
  chgrp tgagent /etc/transferguard/agent.yaml && chmod 0640 /etc/transferguard/agent.yaml
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
    systemctl enable tgagent.service >/dev/null || true
  fi
fi
