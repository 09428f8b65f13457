"""Images made in the tests with Pillow: what a phone sends (JPEG with EXIF orientation and a GPS position), a
PNG with transparency, and files that must be refused."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(size: tuple[int, int] = (600, 800), colour: tuple[int, int, int] = (120, 90, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def phone_jpeg() -> bytes:
    """A 800 by 600 landscape JPEG, left half red and right half blue, whose EXIF says: turn it 90° clockwise to
    show it (orientation 6, as a phone held upright writes), and where it was taken (GPS)."""
    image = Image.new("RGB", (800, 600), (255, 0, 0))
    image.paste((0, 0, 255), (400, 0, 800, 600))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    content = out.getvalue()
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(GPS_IFD)  # the test file really holds a position
    return content


def transparent_png(size: tuple[int, int] = (350, 450)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 0)).save(out, "PNG")
    return out.getvalue()


def png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width by height pixels and holds almost none: the shape of a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))
