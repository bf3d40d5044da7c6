#!/usr/bin/env bash
# Runs Darkstar's main job on its embedded default: the simulated home's options.
# The foundation steps (create and migrate the database, validate and print the options, print today's
# slot grid, check every mapped entity against the simulated home), then the add-on service itself against
# the simulated home for one simulated day at 600x (about two and a half minutes), in a database of its own.
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
darkstar serve --simulate --speed 600 --for 1d --json
