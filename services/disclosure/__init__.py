"""Secret statistique: every figure about households passes here before it leaves the services.

The one place that decides who may see which figure, from the :class:`services.access.Viewer`
and the rules of ``config/disclosure.toml`` (:mod:`.rules`):

- :mod:`.hierarchy`: the tree EPCI → commune → quartier → residence the figures are cells of;
- :mod:`.sensitivity`: the primary rules on one set of residences (small base of households with
  a known answer, dominance of one bailleur, the insider rule);
- :mod:`.suppression`: primary and complementary suppression of one table over the tree, linked
  tables (years pooled, QPV splits) included;
- :mod:`.families`: the contributions behind each table (OPS, entrants, leavers, attribution
  objectives, entrants against sitting tenants);
- :mod:`.context`: the decisions of a data set, computed once per table;
- :mod:`.publish`: applying them for a viewer, rounding to the published precision, « s »;
- :mod:`.tables`: the published version of each table (what exports call);
- :mod:`.cotation`: the public cotation (the Occupation pillar as one published value).
"""

from services.disclosure.context import Disclosure
from services.disclosure.publish import (
    Access,
    cell_reason,
    footnote,
    mask_columns,
    reason_column,
    round_columns,
    with_markers,
)
from services.disclosure.rules import DisclosureRules, load_rules
from services.disclosure.tables import (
    public_version,
    published_equality,
    published_flows,
    published_intake,
    published_sitting,
)

__all__ = [
    "Access",
    "Disclosure",
    "DisclosureRules",
    "cell_reason",
    "footnote",
    "load_rules",
    "mask_columns",
    "public_version",
    "published_equality",
    "published_flows",
    "published_intake",
    "published_sitting",
    "reason_column",
    "round_columns",
    "with_markers",
]
