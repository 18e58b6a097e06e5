"""Configuration of the product: TOML files beside this module, read once per process.

``indicators.toml`` (the cotation catalogue), ``profiles/*.toml`` (weight profiles),
``settings.toml`` (territory, maps), ``disclosure.toml`` (secret statistique) and one file per
domain (``peers.toml``, ``sru.toml``…). Code reads them through :func:`load_toml` so that a
jurist or the service habitat can change a rule without touching Python.
"""

from __future__ import annotations

import copy
import tomllib
from functools import lru_cache
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent


class ConfigError(ValueError):
    """A configuration file that cannot be read; the message is in French."""


def config_path(name: str) -> Path:
    """Return the path of the configuration file ``name`` (relative to ``config/``)."""
    return CONFIG_DIR / name


@lru_cache(maxsize=64)
def _read(path: Path, mtime: float) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"fichier de configuration « {path.name} » illisible : {exc}") from exc


def load_toml(name: str) -> dict:
    """Read ``config/<name>`` and return a fresh copy of its content.

    Parameters
    ----------
    name : str
        File name relative to ``config/``, e.g. ``"settings.toml"`` or
        ``"profiles/reference.toml"``.

    Raises
    ------
    ConfigError
        When the file is missing or is not valid TOML.
    """
    path = config_path(name)
    if not path.is_file():
        raise ConfigError(f"fichier de configuration introuvable : « config/{name} ».")
    return copy.deepcopy(_read(path, path.stat().st_mtime))


def profile_names() -> list[str]:
    """Names of the weight profiles shipped in ``config/profiles`` (``reference`` first)."""
    names = sorted(p.stem for p in (CONFIG_DIR / "profiles").glob("*.toml"))
    return sorted(names, key=lambda n: (n != "reference", n))
