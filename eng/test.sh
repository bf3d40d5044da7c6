#!/usr/bin/env bash
# Runs every test of the solution and ends with one line: "N passed, N failed[, N skipped]".
# Exits non-zero when a test fails or the build breaks.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/eng/install-deps.sh" || exit 1

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

# The add-on image, built and run (eng/addon-test.sh), where Docker can run (as root, with Debian's docker.io). On a
# fresh clone it takes 7 to 15 minutes (a debootstrap base, the SDK image, the build, a simulated day), mostly waiting on
# downloads: it runs beside the build and the tests, and gets until 18 minutes after the start. A run cut off there, or
# a machine where Docker cannot run, counts as skipped with the reason printed. DARKSTAR_ADDON_TEST=0 skips it; =1 waits
# for it without the limit. It counts as one test in the closing line.
addon_test=skipped
addon_pid=
addon_log="$root/.run/addon-test.log"
if [[ "${DARKSTAR_ADDON_TEST:-auto}" == 0 ]]; then
  echo "darkstar: the add-on image test is skipped (DARKSTAR_ADDON_TEST=0)" >&2
elif [[ "$(id -u)" != 0 ]]; then
  echo "darkstar: the add-on image test is skipped: it needs root (it runs its own Docker daemon)" >&2
else
  mkdir -p "$(dirname "$addon_log")"
  addon_started=$SECONDS
  "$root/eng/addon-test.sh" >"$addon_log" 2>&1 &
  addon_pid=$!
fi

dotnet build "$root/Darkstar.slnx" -c Release --nologo
status=$?
if ((status == 0)); then
  # One test assembly at a time (-m:1): on two cores, assemblies in parallel take as long and interleave their logs.
  dotnet test "$root/Darkstar.slnx" -c Release --nologo --no-build -m:1 \
    --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true
  status=$?
fi

if [[ -n "$addon_pid" ]]; then
  addon_limit=$((18 * 60))
  [[ "${DARKSTAR_ADDON_TEST:-auto}" == 1 ]] && addon_limit=$((3 * 3600))
  while kill -0 "$addon_pid" 2>/dev/null && ((SECONDS < addon_limit)); do sleep 2; done
  if kill -0 "$addon_pid" 2>/dev/null; then
    # Its SIGTERM trap stops its Docker daemon and unmounts what it left.
    kill -TERM "$addon_pid" 2>/dev/null
    wait "$addon_pid"
    echo "darkstar: the add-on image test is skipped: cut off at CI's limit after $((SECONDS - addon_started)) s" >&2
  else
    wait "$addon_pid"
    addon_status=$?
    case $addon_status in
      0) addon_test=passed ;;
      3) echo "darkstar: the add-on image test is skipped: Docker cannot run on this machine" >&2 ;;
      *) addon_test=failed ;;
    esac
    echo "darkstar: the add-on image test $addon_test (exit $addon_status) in $((SECONDS - addon_started)) s" >&2
  fi
  tail -n 15 "$addon_log" >&2
fi

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [[ -e "$trx" ]] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  value() { local v; v="$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters")"; echo "${v:-0}"; }
  total=$(value total); executed=$(value executed)
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + total - executed))
done

case "$addon_test" in
  passed) passed=$((passed + 1)) ;;
  failed) failed=$((failed + 1)) ;;
  *) skipped=$((skipped + 1)) ;;
esac

if ((files == 0)); then
  echo "darkstar: no test results were written (did the build fail?)" >&2
  failed=$((failed + 1))
fi
if ((status != 0 && failed == 0)); then
  echo "darkstar: dotnet test exited with $status" >&2
  failed=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0 && status == 0))
