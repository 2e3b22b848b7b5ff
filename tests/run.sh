#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian/Ubuntu machine with Python 3.11+, then runs
# them: the real bibtex and biber (the export tests run them), Qt's system libraries, a virtual
# environment in .venv with the project and its test extras, and pytest with Qt offscreen.
# Extra arguments go to pytest:  bash tests/run.sh -k bibtex
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(texlive-binaries texlive-base biber xvfb xauth libegl1 libgl1 libxkbcommon0
          libxkbcommon-x11-0 libxcb-cursor0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
          desktop-file-utils appstream)
bash packaging/ensure-debian-packages.sh "${packages[@]}"

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
