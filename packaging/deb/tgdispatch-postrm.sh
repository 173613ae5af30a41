#!/bin/sh
# purge removes the user but KEEPS /var/lib/tgdispatch: the incident
# database is the record of what guards were told and did, which a bank must
# retain. It is handed to root (0700) so no later system user that reuses
# the uid can read it. Delete it by hand once it is archived.
set -e
if [ "$1" = purge ]; then
  if [ -d /var/lib/tgdispatch ]; then chown -R root:root /var/lib/tgdispatch; chmod 0700 /var/lib/tgdispatch; fi
  if getent passwd tgdispatch >/dev/null; then deluser --quiet --system tgdispatch 2>/dev/null || true; fi
  if getent group tgdispatch >/dev/null; then delgroup --quiet --system tgdispatch || true; fi
fi
