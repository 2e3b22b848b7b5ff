#!/usr/bin/env bash
# CI step for the packaged app: build the bundle and the .deb from a clean virtual environment,
# smoke-test both, and print the build time and sizes. Called from .ci/run; about 2 minutes with
# a warm pip cache (the first run also downloads PySide6, ~100 MB).
#   bash packaging/ci.sh          (FEEDS_DIR, PYTHON: as for smoke_test.sh and build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
bash packaging/build.sh
build_time=$((SECONDS - start))
bash packaging/smoke_test.sh dist/readinglist/readinglist
smoke_time=$((SECONDS - start - build_time))
deb=$(ls dist/readinglist_*_"$(dpkg --print-architecture)".deb)
echo "packaging: build ${build_time} s, smoke test ${smoke_time} s;" \
     "bundle dist/readinglist/ $(du -sh dist/readinglist | cut -f1)," \
     "$(basename "$deb") $(du -h "$deb" | cut -f1)"
