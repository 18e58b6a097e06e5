"""PNG files written from pixel arrays (png_file): read back by Pillow, pixel for pixel."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from reports.png_file import BLOCK_ROWS, png_bytes


def _read(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, checking each CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def test_a_two_by_two_image_byte_for_byte():
    pixels = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [10, 20, 30]]], np.uint8)
    chunks = _chunks(png_bytes(pixels, 300, {"Title": "Carte — Poitiers"}))
    assert [kind for kind, _ in chunks] == [b"IHDR", b"pHYs", b"iTXt", b"IDAT", b"IEND"]
    ihdr, phys, itxt, idat, _ = (body for _, body in chunks)
    # 2 × 2, 8 bits, truecolour (2), deflate, no filter method variant, not interlaced
    assert ihdr == struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    assert phys == struct.pack(">IIB", 11811, 11811, 1)  # 300 dpi = 11 811 pixels per metre
    assert itxt == b"Title\x00\x00\x00\x00\x00" + "Carte — Poitiers".encode()
    # each row: filter byte 0, then R G B of each pixel
    assert zlib.decompress(idat) == bytes([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30])


def test_an_opaque_rgba_canvas_is_written_as_rgb():
    pixels = np.zeros((3, 5, 4), np.uint8)
    pixels[..., 0] = np.arange(5)
    pixels[..., 3] = 255
    image = _read(png_bytes(pixels, 110))
    assert image.mode == "RGB"
    assert np.array_equal(np.asarray(image), pixels[..., :3])
    assert image.info["dpi"] == pytest.approx((110, 110), abs=0.01)


def test_transparency_is_kept():
    pixels = np.full((2, 3, 4), 200, np.uint8)
    pixels[1, 2, 3] = 0
    image = _read(png_bytes(pixels, 72))
    assert image.mode == "RGBA"
    assert np.array_equal(np.asarray(image), pixels)


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.uint8,
        st.tuples(st.integers(1, 2 * BLOCK_ROWS + 3), st.integers(1, 9), st.sampled_from([3, 4])),
    ),
    st.booleans(),
    st.booleans(),
)
def test_any_image_reads_back_identical(pixels, opaque, strided):
    if opaque and pixels.shape[2] == 4:
        pixels[..., 3] = 255
    if strided:  # a view, as a canvas buffer cut to its colour channels would be
        pixels = np.concatenate([pixels, pixels], axis=1)[:, ::2]
    image = _read(png_bytes(pixels, 300))
    expected = pixels[..., :3] if opaque and pixels.shape[2] == 4 else pixels
    assert image.size == (pixels.shape[1], pixels.shape[0])
    assert np.array_equal(np.asarray(image), expected)


@pytest.mark.parametrize(
    "pixels",
    [np.zeros((2, 2, 3), np.float32), np.zeros((2, 2), np.uint8), np.zeros((2, 2, 2), np.uint8),
     np.zeros((0, 2, 3), np.uint8)],
)  # fmt: skip
def test_what_is_not_an_8_bit_rgb_image_is_refused(pixels):
    with pytest.raises(ValueError, match="PNG"):
        png_bytes(pixels, 300)
