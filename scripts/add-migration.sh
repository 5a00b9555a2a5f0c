#!/usr/bin/env bash
# Adds a migration NAME for both databases: each provider keeps its own migration history.
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh NAME}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --project src/Anvil.Server --context "${provider}AnvilDbContext" \
    --output-dir "Infrastructure/Data/Migrations/$provider" --namespace "Anvil.Server.Infrastructure.Data.Migrations.$provider"
done
# A new PostgreSQL database is created from the whole script (FreshSchema); MigrationTests checks it is this.
dotnet ef migrations script --project src/Anvil.Server --context PostgresAnvilDbContext \
  --output src/Anvil.Server/Infrastructure/Data/Migrations/Postgres/schema.sql
