"""Check a Linux one-folder bundle's shared libraries before it is packaged.

    python packaging/linux/check_bundle.py dist/readinglist

Every library a bundled ELF file needs (its DT_NEEDED entries) must be either in the bundle or
installed on this system (ldconfig knows it); the system ones become the .deb's Depends. Nothing
kept may need a Qt library that bundle_config.py drops. Also prints the biggest parts of the
bundle, so a size regression shows where it came from. Exit status 1 on any problem.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bundle_config as cfg

ELF_MAGIC = b"\x7fELF"


def elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == ELF_MAGIC:
                    found.append(path)
    return sorted(found)


def needed(path: Path) -> list[str]:
    out = subprocess.run(
        ["readelf", "-d", "-W", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def system_sonames() -> set[str]:
    out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True)
    return {line.split()[0] for line in out.stdout.splitlines()[1:] if line.strip()}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    bundle = Path(argv[0])
    files = elf_files(bundle)
    bundled = {p.name for p in bundle.rglob("*")}
    system = system_sonames()
    dropped = {f"libQt6{name}.so.6" for name in cfg.QT_LIBS_DROPPED}
    problems: list[str] = []
    from_system: dict[str, int] = {}
    for path in files:
        rel = path.relative_to(bundle)
        for soname in needed(path):
            if soname in dropped:
                problems.append(f"{rel} needs {soname}, which bundle_config.py drops")
            elif soname in bundled:
                continue
            elif soname in system:
                from_system[soname] = from_system.get(soname, 0) + 1
            else:
                problems.append(f"{rel} needs {soname}: neither bundled nor installed")
    print(f"{len(files)} ELF files; {len(from_system)} system libraries needed:")
    print("  " + " ".join(sorted(from_system)))
    sizes = []
    for top in sorted((bundle / "_internal").iterdir()):
        if top.is_dir() and not top.is_symlink():
            total = sum(
                f.stat().st_size for f in top.rglob("*") if f.is_file() and not f.is_symlink()
            )
        else:
            total = top.lstat().st_size
        sizes.append((total, top.name))
    print("largest parts of _internal/:")
    for total, name in sorted(sizes, reverse=True)[:8]:
        print(f"  {total / 1e6:7.1f} MB  {name}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems and any("neither bundled" in p for p in problems):
        print(
            "hint: install the Debian packages that provide them (bash packaging/build.sh does)",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")
    raise SystemExit(main(sys.argv[1:]))
