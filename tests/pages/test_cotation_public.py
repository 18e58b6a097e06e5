"""The cotation page as the public sees it: the Occupation pillar as one published value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geodata
from scoring import CompositeIndex, class_certainty, load_profile
from services.disclosure import load_rules
from services.disclosure.cotation import (
    public_indicator_table,
    public_pillar,
    public_spec,
    publishable_pillar,
)
from services.indicators import build_indicator_table
from tests.pages.conftest import open_indicator_sliders, open_page, ranking_of

OPS = ("res_below_40_pct", "single_parent_pct", "employed_adults_pct", "housing_benefit_pct",
       "recent_movers_pct")  # fmt: skip


@pytest.fixture(autouse=True)
def _whole_ranking(monkeypatch):
    """The ranking in one page (25 residences a page otherwise): every residence is read."""
    monkeypatch.setattr("ui.cotation_ranking.PAGE_SIZE", 10_000)


def _public_table() -> pd.DataFrame:
    residences = geodata.load_residences()
    table = build_indicator_table(residences)
    rules, reference = load_rules(), load_profile("reference")
    shown = publishable_pillar(residences, table, reference, rules)
    pillar = public_pillar(reference, table, shown, rules)
    return public_indicator_table(table, reference, pillar, rules)


def _indicator_table_full() -> pd.DataFrame:
    return build_indicator_table(geodata.load_residences())


def _public_scores(spec=None) -> pd.DataFrame:
    spec = public_spec(spec or load_profile("reference"), load_rules())
    return CompositeIndex(spec).fit(_public_table()).transform()


def _ranking(app) -> pd.DataFrame:
    """The ranked table, the Occupation pillar read back as numbers (NaN for « s »)."""
    table = ranking_of(app).set_index("residence_id")
    pillar = table["score_occupation"].astype(object)
    table["score_occupation"] = [
        np.nan if v == "s" or pd.isna(v) else float(str(v).replace(",", ".")) for v in pillar
    ]
    return table


def test_the_public_ranks_with_the_published_pillar():
    app = open_page("cotation")
    ranking = _ranking(app)
    expected = _public_scores().reindex(ranking.index)
    np.testing.assert_allclose(ranking["score"], expected["score"], atol=0.05001, rtol=0)
    # 4 pillars and, once opened, the indicators of the three other pillars; none of the
    # Occupation pillar
    keys = {s.key for s in open_indicator_sliders(app).sidebar.slider}
    assert len(keys) == 4 + 14
    assert not any(key.endswith(code) for key in keys for code in OPS)
    assert any("entre dans la note d'un seul tenant" in c.value for c in app.sidebar.caption)


def test_a_withheld_pillar_reads_s_and_says_why():
    app = open_page("cotation")
    ranking = _ranking(app)
    withheld = ranking["score_occupation"].isna() & ranking["score"].notna()
    assert withheld.sum() > 100  # the residences under 11 households
    captions = " ".join(c.value for c in app.caption)
    assert "« s » : occupation : secret statistique" in captions
    app.selectbox(key="cotation_residence").select(withheld.index[withheld][0]).run()
    card = next(m.value for m in app.markdown if "<table class='key-figures'>" in m.value)
    assert "<td>s</td>" in card


def test_weights_on_an_ops_indicator_change_nothing_the_public_sees():
    base = _ranking(open_page("cotation"))
    isolate = "patrimoine:0,equipements:0,environnement:0,res_below_40_pct:10,single_parent_pct:0"
    for query in ({"poids": "res_below_40_pct:10"}, {"poids": isolate}):
        moved = _ranking(open_page("cotation", query=query))
        pd.testing.assert_series_equal(
            moved["score_occupation"].reindex(base.index), base["score_occupation"]
        )
    # with only the Occupation pillar left, a score is the published pillar itself
    alone = _ranking(open_page("cotation", query={"poids": isolate}))
    published = alone["score_occupation"].notna()
    np.testing.assert_allclose(
        alone.loc[published, "score"], alone.loc[published, "score_occupation"], atol=0.05001
    )


def test_the_public_reads_the_class_certainty_of_the_public_cotation():
    """The draws of the class certainty never move the Occupation pillar's internal weights: the
    public's probabilities are those of the public cotation, not of the full one."""
    ranking = _ranking(open_page("cotation"))
    spec = public_spec(load_profile("reference"), load_rules())
    expected = class_certainty(_public_table(), spec).residences.reindex(ranking.index)
    shown = ranking["class_probability_pct"].astype(float)
    # shown as whole percentages
    np.testing.assert_allclose(shown, expected["class_probability_pct"].astype(float), atol=0.5)
    full = class_certainty(_indicator_table_full(), load_profile("reference")).residences
    assert (shown - full["class_probability_pct"].reindex(ranking.index)).abs().max() > 0.5
