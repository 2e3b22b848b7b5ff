"""Render the application icon's PNG sizes, Windows .ico and macOS .icns from its SVGs.

    python packaging/make_icons.py          (run after editing an SVG; commit the results)

Sizes up to 32 px come from the simplified `-small.svg` drawing (the full drawing's thin text
lines blur into grey at that size); larger ones from the full drawing. Writes, under
resources/icons/app/:
  <size>x<size>/io.github.readinglist.ReadingList.png   the hicolor icon-theme layout (the .deb
                                                        copies the folders as they are)
  io.github.readinglist.ReadingList.ico                 Windows (PNG-compressed entries)
  io.github.readinglist.ReadingList.icns                macOS (PNG entries, up to 1024 px)
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from readinglist.core.paths import APP_ID  # one definition for the app and installers

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# macOS icon types holding PNG data, and their pixel sizes.
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
    (b"ic14", 512),
)  # fmt: skip
SMALL_MAX = 32
ICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons" / "app"


def render(size: int) -> QImage:
    svg = ICON_DIR / (f"{APP_ID}-small.svg" if size <= SMALL_MAX else f"{APP_ID}.svg")
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("cannot encode PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(ICO_SIZES))
    offset = len(header) + 16 * len(ICO_SIZES)
    entries, payload = b"", b""
    for size in ICO_SIZES:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        payload += data
    return header + entries + payload


def icns(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (QPainter wants an application object)
    needed = sorted(set(SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES})
    pngs = {size: png_bytes(render(size)) for size in needed}
    root = ICON_DIR.parents[2]
    for size in SIZES:
        out = ICON_DIR / f"{size}x{size}" / f"{APP_ID}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pngs[size])
        print(f"{out.relative_to(root)}  {out.stat().st_size} bytes")
    for out, data in (
        (ICON_DIR / f"{APP_ID}.ico", ico(pngs)),
        (ICON_DIR / f"{APP_ID}.icns", icns(pngs)),
    ):
        out.write_bytes(data)
        print(f"{out.relative_to(root)}  {len(data)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
