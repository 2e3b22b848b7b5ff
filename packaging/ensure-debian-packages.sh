#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages named as arguments that are not installed yet
# (apt-get, through sudo when not root). Used by tests/run.sh and packaging/build.sh.
set -euo pipefail
missing=()
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "installing system packages: ${missing[*]}"
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
