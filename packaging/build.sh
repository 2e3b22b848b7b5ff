#!/usr/bin/env bash
# Build the Linux release from a clean virtual environment:
#   dist/readinglist/readinglist            the one-folder bundle (PyInstaller, packaging/readinglist.spec)
#   dist/readinglist_<version>_<arch>.deb   the Debian package (packaging/linux/build_deb.sh)
#
#   bash packaging/build.sh          then   bash packaging/smoke_test.sh
#
# On Debian/Ubuntu, installs what the build needs with apt-get when missing (sudo when not root):
# binutils (PyInstaller reads binaries with objdump), dpkg-dev (dpkg-shlibdeps computes the .deb's
# Depends) and the system libraries Qt's plugins link to (to check the bundle and resolve Depends).
# The virtual environment is build/venv, made from this checkout's pyproject.toml: `pip install
# .[package]` (the project and PyInstaller). REUSE_VENV=1 keeps an existing one (faster local
# rebuilds); PYTHON picks the interpreter (default python3).
# Windows and macOS: see packaging/windows/README.md and packaging/macos/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
phase() { echo "== $1 ($((SECONDS - start)) s)"; }

packages=(binutils dpkg-dev libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
          libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4
          libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0
          libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0 libxcb-glx0 libxcb-util1
          libwayland-client0 libwayland-cursor0)
phase "checking system packages"
bash packaging/ensure-debian-packages.sh "${packages[@]}"

python=${PYTHON:-python3}
venv=build/venv
if [ "${REUSE_VENV:-0}" != 1 ] || [ ! -x "$venv/bin/pyinstaller" ]; then
    phase "creating $venv"
    rm -rf "$venv" build/lib build/bdist.*  # setuptools' in-tree leftovers could hold stale files
    "$python" -m venv "$venv"
    # pip's and setuptools' chatter goes to a log, shown when something fails.
    if ! { "$venv/bin/python" -m pip install -q --upgrade pip &&
           "$venv/bin/python" -m pip install -q '.[package]'; } >build/pip.log 2>&1; then
        cat build/pip.log >&2
        echo "error: pip install failed (log: build/pip.log)" >&2
        exit 1
    fi
    rm -rf build/lib build/bdist.*
fi
"$venv/bin/python" -m pip list --format=freeze 2>/dev/null \
    | grep -i -E '^(pyside6|shiboken6|pyinstaller|sqlalchemy|sqlmodel|rapidfuzz|platformdirs)' \
    | tr '\n' ' '; echo

phase "PyInstaller"
rm -rf dist/readinglist
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/readinglist.spec

phase "checking the bundle's libraries"
"$venv/bin/python" packaging/linux/check_bundle.py dist/readinglist

phase "Debian package"
bash packaging/linux/build_deb.sh dist/readinglist dist

phase "done"
echo "bundle: dist/readinglist/ $(du -sh dist/readinglist | cut -f1)" \
     "($(du -s --apparent-size -B1M dist/readinglist | cut -f1) MB apparent)"
ls -l dist/*.deb
