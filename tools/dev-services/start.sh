#!/usr/bin/env bash
# Starts a throwaway PostgreSQL and Redis on 127.0.0.1, the way the tests (and so .ci/run) do, for running the gateway
# locally with Gateway:Ledger=Postgres and ConnectionStrings:Redis. Installs Debian's packages when run as root and
# they are missing. Prints the two settings to export; `tools/dev-services/stop.sh` stops both and removes the data.
set -euo pipefail
state="${ROUTINGCORE_DEV_DIR:-/tmp/routingcore-dev}"
pg_port="${PG_PORT:-55432}" redis_port="${REDIS_PORT:-56379}"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
  else
    echo "PostgreSQL and redis-server are needed (apt-get install postgresql redis-server)." >&2; exit 1
  fi
fi
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
mkdir -p "$state"
# PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's `postgres` user.
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [ ! -d "$state/pg" ]; then
  mkdir -p "$state/pg" && [ "$(id -u)" = 0 ] && chown postgres "$state/pg"
  run_pg "'$bin/initdb' -D '$state/pg' -U postgres -A trust -E UTF8 --locale=C >/dev/null"
fi
run_pg "'$bin/pg_ctl' -D '$state/pg' -l '$state/pg/log.txt' -w -o '-h 127.0.0.1 -p $pg_port -k /tmp' start >/dev/null"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --pidfile "$state/redis.pid" >/dev/null

echo "export ConnectionStrings__Budgets='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres' Gateway__Ledger=Postgres"
echo "export ConnectionStrings__Redis=127.0.0.1:$redis_port"
