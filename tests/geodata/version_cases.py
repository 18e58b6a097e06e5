"""Test helper: publish tables as the current dataset version, as an import would leave them."""

from __future__ import annotations

import pandas as pd

from geodata import versions


def publish(**frames: pd.DataFrame) -> versions.VersionInfo:
    """Write a version holding ``frames`` (table name → rows, unchecked) and make it current.

    The other tables of the version are the demo ones. The loaders check the tables when they
    read them, as they do for any version.
    """
    info = versions.write_version(frames, origins={name: "imported" for name in frames})
    versions.set_current(info.version_id)
    return info
