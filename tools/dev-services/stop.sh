#!/usr/bin/env bash
# Stops what start.sh started and removes its data.
set -uo pipefail
state="${ROUTINGCORE_DEV_DIR:-/tmp/routingcore-dev}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -d "$state/pg" ]; then
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$state/pg' -m fast -w stop" >/dev/null
  else "$bin/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null; fi
fi
[ -f "$state/redis.pid" ] && kill "$(cat "$state/redis.pid")" 2>/dev/null
rm -rf "$state"
