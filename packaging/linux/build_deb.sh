#!/usr/bin/env bash
# Package a built one-folder bundle as a Debian package (called by packaging/build.sh).
#
#   bash packaging/linux/build_deb.sh [BUNDLE_DIR] [OUT_DIR]      (default: dist/readinglist dist)
#
# Writes OUT_DIR/readinglist_<version>_<arch>.deb, which installs
#   /opt/readinglist/                         the bundle
#   /usr/bin/readinglist                      a relative symlink to /opt/readinglist/readinglist
#   /usr/share/applications/<appid>.desktop   the launcher entry
#   /usr/share/metainfo/<appid>.metainfo.xml  AppStream metadata
#   /usr/share/icons/hicolor/*/apps/<appid>.* the icon, PNG sizes and scalable SVG
# Depends lists the system libraries the bundle links to, computed by dpkg-shlibdeps from the
# bundle's ELF files (the bundle leaves them out on purpose: packaging/bundle_config.py), plus
# libdbus-1-3, which QtDBus may load at run time. The desktop-file and icon-cache triggers of
# desktop-file-utils and the hicolor theme refresh menus and icons, so no maintainer scripts.
# Needs dpkg-dev (dpkg-shlibdeps) and the libraries installed; build.sh makes sure of both.
set -euo pipefail
umask 022
root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
bundle=$(realpath -m "${1:-$root_dir/dist/readinglist}")
out_dir=$(realpath -m "${2:-$root_dir/dist}")

app_id=io.github.readinglist.ReadingList
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root_dir/readinglist/_version.py")
arch=$(dpkg --print-architecture)
deb="$out_dir/readinglist_${version}_${arch}.deb"
maintainer=${DEB_MAINTAINER:-"The readinglist team <readinglist@example.invalid>"}
[ -n "$version" ] || { echo "error: no version in readinglist/_version.py" >&2; exit 1; }
[ -x "$bundle/readinglist" ] || { echo "error: no bundle at $bundle (run packaging/build.sh)" >&2; exit 1; }

stage="$root_dir/build/deb"
pkg="$stage/root"
rm -rf "$stage"
mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
         "$pkg/usr/share/metainfo" "$pkg/usr/share/doc/readinglist"

cp -a "$bundle" "$pkg/opt/readinglist"
ln -s ../../opt/readinglist/readinglist "$pkg/usr/bin/readinglist"
install -m 644 "$root_dir/resources/$app_id.desktop" "$pkg/usr/share/applications/"
install -m 644 "$root_dir/resources/$app_id.metainfo.xml" "$pkg/usr/share/metainfo/"
icons="$root_dir/resources/icons/app"
for dir in "$icons"/*x*/; do
    size=$(basename "$dir")
    install -D -m 644 "$dir/$app_id.png" "$pkg/usr/share/icons/hicolor/$size/apps/$app_id.png"
done
install -D -m 644 "$icons/$app_id.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
cat > "$pkg/usr/share/doc/readinglist/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: readinglist

Files: *
Copyright: The readinglist team
License: MIT

Files: opt/readinglist/_internal/*
Comment: The bundled runtime: the Python interpreter and standard library (PSF-2.0), Qt 6 and
 PySide6 (LGPL-3.0-only; Qt's libraries are shipped unmodified as shared libraries and can be
 replaced), ICU (Unicode-3.0), SQLAlchemy, sqlmodel, platformdirs (MIT), RapidFuzz (MIT),
 pydantic (MIT), OpenSSL (Apache-2.0) and SQLite (public domain).

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy of this software
 and associated documentation files (the "Software"), to deal in the Software without
 restriction, including without limitation the rights to use, copy, modify, merge, publish,
 distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
 Software is furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in all copies or
 substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
 BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
 DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
EOF

# Depends: what the ELF files link to, from the packages installed here. OpenSSL and SQLite are
# bundled (bundle_config.SYSTEM_LIBS_BUNDLED), so their packages are not needed.
mkdir -p "$stage/src/debian"
printf 'Source: readinglist\n\nPackage: readinglist\nArchitecture: any\n' > "$stage/src/debian/control"
mapfile -t elves < <(find "$pkg/opt" -type f \( -name '*.so' -o -name '*.so.*' -o -path '*/opt/readinglist/readinglist' \))
internal="$pkg/opt/readinglist/_internal"
if ! shlibs=$(cd "$stage/src" && dpkg-shlibdeps -O --ignore-missing-info -xlibssl3 -xlibsqlite3-0 \
        -l"$internal" -l"$internal/PySide6/Qt/lib" -l"$internal/PySide6" "${elves[@]}" \
        2>"$stage/shlibdeps.log"); then
    cat "$stage/shlibdeps.log" >&2
    echo "error: dpkg-shlibdeps failed" >&2
    exit 1
fi
depends=${shlibs#shlibs:Depends=}
[[ "$depends" == *libdbus-1-3* ]] || depends="$depends, libdbus-1-3"

installed_kb=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<EOF
Package: readinglist
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kb
Depends: $depends
Section: science
Priority: optional
Description: reading-list manager for research papers
 Reading List imports the daily paper-feed listing pages you save as text into
 one local library, shows each paper once even when it was listed on many days,
 and lets you star, tag, mark read and annotate papers, find any paper with
 typo-tolerant search, and export a selection to BibTeX or CSV.
 .
 The window and the \`readinglist\` command line work on the same SQLite library.
EOF
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    > "$pkg/DEBIAN/md5sums"

mkdir -p "$out_dir"
rm -f "$out_dir"/readinglist_*_"$arch".deb
# xz -z6, Debian's own choice: the smallest (34 MB), 40-90 s on two cores. DEB_COMPRESSION="zstd
# -z9" takes 2 s for a 25 % bigger file (zstd needs dpkg >= 1.21.18: Debian 12, Ubuntu 22.04).
read -r -a compression <<<"${DEB_COMPRESSION:-xz -z6}"
dpkg-deb --root-owner-group -Z"${compression[0]}" "${compression[@]:1}" --threads-max="$(nproc)" \
    --build "$pkg" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1)); Depends: $depends"
