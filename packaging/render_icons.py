"""Render resources/icons/cueflow.svg to the PNG sizes the tray, window and .desktop use,
and to packaging/windows/cueflow.ico (16–256 px, the installer's and the .exe's icon).

Run once after changing the SVG (the PNGs and the .ico are committed):

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO = Path(__file__).resolve().parent / "windows" / "cueflow.ico"
SIZES = (16, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 256)  # what Windows asks for (Explorer, taskbar, Start)


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("could not encode a PNG")
    return bytes(buffer.data().data())


def ico(images: dict[int, bytes]) -> bytes:
    """An .ico holding PNG-compressed images (valid since Windows Vista).

    Layout: ICONDIR (reserved, type 1, count), one 16-byte ICONDIRENTRY per
    image (width and height with 0 meaning 256, colours, reserved, planes,
    bits per pixel, size, offset), then the images.
    """
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, data = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        data += png
        offset += len(png)
    return header + entries + data


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    svg = ICONS / "cueflow.svg"
    for size in SIZES:
        out = ICONS / f"cueflow-{size}.png"
        if not render(svg, size).save(str(out)):
            print(f"could not write {out}", file=sys.stderr)
            return 1
        print(out.relative_to(ICONS.parent.parent))
    ICO.write_bytes(ico({size: png_bytes(render(svg, size)) for size in ICO_SIZES}))
    print(ICO.relative_to(ICONS.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
