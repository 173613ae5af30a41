#!/bin/sh
# tgdispatch postinst: the service user and its state directory (the SQLite
# incident database lives there), mode 0700; dispatch.yaml readable by the
# group; the unit enabled when systemd runs.
set -e
if [ "$1" = configure ]; then
  if ! getent passwd tgdispatch >/dev/null; then
    adduser --system --group --home /var/lib/tgdispatch --no-create-home --quiet tgdispatch
  fi
  install -d -o tgdispatch -g tgdispatch -m 0700 /var/lib/tgdispatch
  chown -R tgdispatch:tgdispatch /var/lib/tgdispatch
  chgrp tgdispatch /etc/transferguard/dispatch.yaml && chmod 0640 /etc/transferguard/dispatch.yaml
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
    systemctl enable tgdispatch.service >/dev/null || true
  fi
fi
