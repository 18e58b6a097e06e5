"""Text helpers of the export tests."""

from __future__ import annotations

import re


def plain(text: str) -> str:
    """Text with every kind of space as one plain space (PDF text extraction loses them)."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()
