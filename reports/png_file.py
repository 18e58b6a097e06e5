"""PNG files from a pixel array: rows stored without a prediction filter, deflated by blocks.

Pillow's PNG encoder tries the five PNG row filters on every row and keeps the best one. On a
300 dpi A4 map (8.7 million pixels) that search costs more than the deflate itself, and it buys
nothing here: a map is made of flat areas and white paper, which deflate already packs well
without prediction (the file comes out smaller than Pillow's at the same zlib level). An opaque
RGBA image (a matplotlib canvas) is written as RGB; Pillow's packer drops its alpha bytes, a few
dozen rows at a time so that no second full-size copy of the image is ever made. The file is a
plain PNG (signature, ``IHDR``, ``pHYs``, ``iTXt``, ``IDAT``, ``IEND``) that any reader opens.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator, Mapping

import numpy as np
from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
INCH_M = 0.0254
COLOUR_TYPES = {3: 2, 4: 6}  # channels to PNG colour type (truecolour, truecolour with alpha)
BLOCK_ROWS = 64  # rows packed and deflated at a time: small buffers, reused, kept in cache


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _text_chunk(keyword: str, text: str) -> bytes:
    """An ``iTXt`` chunk: Latin-1 keyword (1 to 79 characters), uncompressed UTF-8 text."""
    key = keyword.encode("latin-1")
    if not 1 <= len(key) <= 79:
        raise ValueError(f"PNG text keyword must have 1 to 79 characters: {keyword!r}")
    return _chunk(b"iTXt", key + b"\x00\x00\x00\x00\x00" + text.encode("utf-8"))


def _scanlines(pixels: np.ndarray, drop_alpha: bool) -> Iterator[np.ndarray]:
    """The PNG scanlines of ``pixels``, :data:`BLOCK_ROWS` at a time: each row is its filter
    byte, 0 (no prediction), then its pixels (RGB when ``drop_alpha``). The yielded array is
    overwritten by the next block."""
    height, width, channels = pixels.shape
    written = 3 if drop_alpha else channels
    rows = np.zeros((BLOCK_ROWS, 1 + width * written), dtype=np.uint8)
    for top in range(0, height, BLOCK_ROWS):
        block = np.ascontiguousarray(pixels[top : top + BLOCK_ROWS])
        n = len(block)
        if drop_alpha:
            image = Image.frombuffer("RGBA", (width, n), block, "raw", "RGBA", 0, 1)
            rows[:n, 1:] = np.frombuffer(image.tobytes("raw", "RGB"), np.uint8).reshape(n, -1)
        else:
            rows[:n, 1:] = block.reshape(n, -1)
        yield rows[:n]


def png_bytes(
    pixels: np.ndarray,
    dpi: float,
    text: Mapping[str, str] | None = None,
    level: int = 1,
) -> bytes:
    """Encode an 8-bit RGB or RGBA image as a PNG file.

    An RGBA image whose pixels are all opaque is written as RGB (the alpha channel would only
    add a quarter to the data to compress).

    Parameters
    ----------
    pixels : numpy.ndarray
        ``uint8`` array of shape (height, width, 3 or 4), first row at the top; any strides
        (e.g. the buffer of a matplotlib canvas).
    dpi : float
        Resolution written in the ``pHYs`` chunk (pixels per metre, as PNG stores it).
    text : mapping of str to str, optional
        Metadata (``Title``, ``Software`` …), one ``iTXt`` chunk each.
    level : int, default 1
        zlib compression level, 0 to 9.

    Returns
    -------
    bytes
        The PNG file.

    Raises
    ------
    ValueError
        Not an 8-bit array of 3 or 4 channels, or an empty image.
    """
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in COLOUR_TYPES:
        raise ValueError(
            f"PNG: expected uint8 pixels of shape (height, width, 3 or 4), "
            f"got {pixels.dtype} {pixels.shape}"
        )
    height, width, channels = pixels.shape
    if not height or not width:
        raise ValueError("PNG: empty image")
    drop_alpha = channels == 4 and pixels[..., 3].min() == 255
    written = 3 if drop_alpha else channels
    deflate = zlib.compressobj(level)
    data = [deflate.compress(rows) for rows in _scanlines(pixels, drop_alpha)]
    data.append(deflate.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, COLOUR_TYPES[written], 0, 0, 0)
    per_metre = round(dpi / INCH_M)
    parts = [
        SIGNATURE,
        _chunk(b"IHDR", header),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        *(_text_chunk(key, value) for key, value in (text or {}).items()),
        _chunk(b"IDAT", b"".join(data)),
        _chunk(b"IEND", b""),
    ]
    return b"".join(parts)
