"""The app's identity on the desktop: the .desktop file, the AppStream metainfo and the icon set.

The two metadata files are checked with the real validators (desktop-file-utils and appstream,
which tests/run.sh installs) and against each other, the version and the console script.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest

from readinglist._version import __version__
from readinglist.core.paths import APP_ID

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
DESKTOP = RESOURCES / f"{APP_ID}.desktop"
METAINFO = RESOURCES / f"{APP_ID}.metainfo.xml"
ICONS = RESOURCES / "icons" / "app"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install the Debian package {package} (tests/run.sh does)")
    return path


def desktop_entry() -> dict[str, str]:
    parser = ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_desktop_file_passes_desktop_file_validate_without_a_remark() -> None:
    result = subprocess.run(
        [tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == "", "errors, warnings and hints are all fixed"


def test_metainfo_passes_appstreamcli_validate_strict() -> None:
    result = subprocess.run(
        [tool("appstreamcli", "appstream"), "validate", "--no-net", "--strict", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_launches_the_console_script_with_the_app_icon() -> None:
    entry = desktop_entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] in scripts
    assert entry["TryExec"] == entry["Exec"].split()[0]
    assert entry["Icon"] == APP_ID, "the icon is found by the app id in the hicolor theme"
    assert entry["Terminal"] == "false"


def test_metainfo_matches_the_app_id_desktop_file_and_version() -> None:
    component = ET.parse(METAINFO).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert component.findtext("provides/binary") == desktop_entry()["Exec"].split()[0]
    assert component.findtext("name") == desktop_entry()["Name"]
    releases = component.findall("releases/release")
    assert releases, "the metainfo lists releases, newest first"
    assert releases[0].get("version") == __version__, "add a <release> for the new version"


@pytest.mark.parametrize("size", PNG_SIZES)
def test_icon_png_has_its_size_in_the_hicolor_layout(size: int) -> None:
    path = ICONS / f"{size}x{size}" / f"{APP_ID}.png"
    assert png_size(path) == (size, size)


def test_icon_svg_is_square_and_uses_no_features_qt_svg_cannot_draw() -> None:
    for path in (ICONS / f"{APP_ID}.svg", ICONS / f"{APP_ID}-small.svg"):
        root = ET.parse(path).getroot()
        x, y, width, height = (float(v) for v in root.get("viewBox", "").split())
        assert (x, y) == (0, 0) and width == height, path
        text = path.read_text("utf-8")
        # Qt SVG renders SVG Tiny 1.2: no filters, masks or CSS; keep the icon drawable by it.
        for feature in ("<filter", "<mask", "<style", "<image", "<text"):
            assert feature not in text, f"{path.name} uses {feature}"


def test_windows_ico_holds_png_entries_up_to_256() -> None:
    data = (ICONS / f"{APP_ID}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        side, _, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        assert data[offset : offset + 8] == PNG_SIGNATURE
        assert offset + length <= len(data)
        sizes.add(side or 256)
    assert {16, 32, 48, 256} <= sizes


def test_macos_icns_holds_png_entries_up_to_1024() -> None:
    data = (ICONS / f"{APP_ID}.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    kinds, offset = set(), 8
    while offset < len(data):
        kind, length = (
            data[offset : offset + 4],
            struct.unpack(">I", data[offset + 4 : offset + 8])[0],
        )
        assert data[offset + 8 : offset + 16] == PNG_SIGNATURE, kind
        kinds.add(kind)
        offset += length
    assert offset == len(data)
    assert {b"ic07", b"ic08", b"ic09", b"ic10"} <= kinds


def test_every_file_names_the_same_app_id() -> None:
    files = [
        ROOT / "readinglist" / "core" / "paths.py",  # the definition the app and spec use
        ROOT / "packaging" / "linux" / "build_deb.sh",
        ROOT / "packaging" / "windows" / "readinglist.iss",
        ROOT / "packaging" / "smoke_test.sh",
    ]
    for path in files:
        ids = set(re.findall(r"io\.github\.\w+\.\w+", path.read_text("utf-8")))
        assert ids == {APP_ID}, f"{path.name}: {ids}"
