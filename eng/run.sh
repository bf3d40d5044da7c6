#!/usr/bin/env bash
# Runs Darkstar's main job on its embedded default: the simulated home's options.
# Until the add-on service (serve) lands: create and migrate the database, validate and print the
# options, print today's slot grid, and check every mapped entity against the simulated home.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/eng/install-deps.sh"

db="${DARKSTAR_DB:-$root/.run/darkstar.db}"
project="$root/src/Darkstar/Darkstar.csproj"
dotnet build "$project" -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
darkstar() { dotnet run --no-build -c Release --project "$project" -- "$@"; }

darkstar db migrate --db "$db"
darkstar config check
darkstar slots
darkstar ha check --simulate
darkstar db stats --db "$db"
