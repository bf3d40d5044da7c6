#!/usr/bin/env bash
# Installs the Debian packages of eng/packages.txt that are missing, and checks for the .NET SDK.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "darkstar: the .NET SDK is required (dotnet was not found on PATH); see global.json for the version." >&2
  exit 1
fi

mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$here/packages.txt" | tr -d ' \t')
missing=()
for pkg in "${wanted[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

# Tests only: the simulated home's acceptance test runs Home Assistant's own JavaScript client. Any
# node and npm already on PATH will do, so they are not in the one package list of the image.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# Tests only: the web UI's browser tests drive Debian's chromium (playwright-core, never a downloaded browser).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "darkstar: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "darkstar: run as root, or install: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The mosquitto package starts a system broker on port 1883; tests start their own on random ports.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
  "${sudo_cmd[@]}" systemctl stop mosquitto || true
fi
