#!/usr/bin/env bash
# Runs every test of the solution and ends with one line: "N passed, N failed[, N skipped]".
# Exits non-zero when a test fails or the build breaks.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/eng/install-deps.sh" || exit 1

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

dotnet build "$root/Darkstar.slnx" -c Release --nologo
status=$?
if ((status == 0)); then
  # One test assembly at a time (-m:1): the service tests run the simulated home at 1000x and 4000x real time, where
  # a second of CPU taken by another assembly's model training is a quarter of a simulated hour.
  dotnet test "$root/Darkstar.slnx" -c Release --nologo --no-build -m:1 \
    --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true
  status=$?
fi

# The add-on image, built and run (eng/addon-test.sh), when DARKSTAR_ADDON_TEST=1 and Docker can be installed (as root,
# from Debian). Off by default: on a fresh clone it adds 7 to 15 minutes (a debootstrap base, the SDK image, the build),
# which would take CI past its 20 minutes. It counts as one test in the closing line.
addon_test=skipped
if [[ "${DARKSTAR_ADDON_TEST:-0}" == 1 && "$(id -u)" == 0 ]] && apt-cache show docker.io >/dev/null 2>&1; then
  addon_started=$SECONDS
  if "$root/eng/addon-test.sh"; then addon_test=passed; else addon_test=failed; fi
  echo "darkstar: the add-on image test $addon_test in $((SECONDS - addon_started)) s" >&2
else
  echo "darkstar: the add-on image test is skipped (DARKSTAR_ADDON_TEST=1 runs it; it needs root and Debian's docker.io)" >&2
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
