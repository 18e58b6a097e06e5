"""The SRU rules of ``config/sru.toml``, as the services use them (see :mod:`config.sru_rules`).

They are read and checked in ``config`` so that the demo generator, which may not import the
services, calibrates the demo SRU inventory on the very same rules.
"""

from __future__ import annotations

from config.sru_rules import (
    CONFIG_FILE,
    STATUS_COMPLIANT,
    STATUS_DEFICIT,
    STATUS_EXEMPTED,
    CmsRules,
    Modulation,
    SruRules,
    config_error,
    load_sru_rules,
)

__all__ = [
    "CONFIG_FILE",
    "STATUS_COMPLIANT",
    "STATUS_DEFICIT",
    "STATUS_EXEMPTED",
    "CmsRules",
    "Modulation",
    "SruRules",
    "config_error",
    "load_sru_rules",
]
