#!/usr/bin/env bash
# Runs Darkstar's main job on its embedded default: the simulated home's options.
# Until the simulated home lands this is the foundation job: create and migrate the database,
# validate the default options and print them, and print today's slot grid.
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
darkstar db stats --db "$db"
