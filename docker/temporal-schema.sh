#!/bin/sh
# Creates (first run) or upgrades (later runs) the Temporal server's two databases in the
# compose PostgreSQL. Runs in temporalio/admin-tools before the server starts; safe to repeat.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }

until nc -z "$POSTGRES_SEEDS" "$DB_PORT"; do echo "waiting for PostgreSQL"; sleep 1; done
for db in temporal temporal_visibility; do
  tool --db "$db" create 2>/dev/null || echo "database $db exists"
done
# A fresh database gets the base schema; an existing one is left as it is (the update below
# brings both to the server's version).
tool --db temporal setup-schema -v 0.0 2>/dev/null || echo "schema of temporal exists"
tool --db temporal_visibility setup-schema -v 0.0 2>/dev/null || echo "schema of temporal_visibility exists"
tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schema ready"
