"""Render the app icon (resources/icons/fanous.svg) to the PNG sizes and the .ico / .icns
files the installers need. Run it again after editing the SVG; the outputs are committed.

    python installer/make_icons.py

Uses only PySide6 (QtSvg renders, QtGui writes PNG). .ico and .icns files may hold PNG
images as they are, so both are assembled here with ``struct`` (no Pillow needed).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# .icns element types holding PNG data, by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        blob = pngs[s]
        dim = 0 if s >= 256 else s  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for s, kind in ICNS_TYPES.items()
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "fanous.svg"))
    if not renderer.isValid():
        print("resources/icons/fanous.svg is not a valid SVG", file=sys.stderr)
        return 1
    pngs = {s: render_png(renderer, s) for s in PNG_SIZES}
    for s, blob in pngs.items():
        (ICONS / f"fanous-{s}.png").write_bytes(blob)
    (ICONS / "fanous.ico").write_bytes(ico(pngs))
    (ICONS / "fanous.icns").write_bytes(icns(pngs))
    print(f"wrote {len(pngs)} PNGs, fanous.ico and fanous.icns to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
