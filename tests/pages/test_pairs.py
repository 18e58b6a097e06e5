"""The peer groups page, run headless with AppTest: groups, link, members, masking."""

from __future__ import annotations

from tests.pages.conftest import SERVICE_HABITAT, bailleur, open_page
from tests.pages.test_residence import rerun
from ui.pairs_view import PAIRS_TABS


def open_pairs(query: dict[str, str] | None = None, role: str | None = None):
    """The page opened by a link carrying ``query``, under the access profile ``role``."""
    return rerun(open_page("pairs", query), role)


def members_of(app):
    """The members table, its tab opened first (only the open tab is built)."""
    if not app.dataframe:
        app.session_state["vue"] = PAIRS_TABS[1]
        app.run()
    return app.dataframe[0].value


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_the_page_shows_the_groups_their_quality_and_the_first_group():
    app = open_pairs()
    assert app.title[0].value == "Groupes de pairs"
    assert app.query_params["groupe"] == "1"
    overview = app.caption[0].value
    assert overview.startswith("4 groupes de pairs formés par k-moyennes")
    assert "Silhouette moyenne : 0,21" in overview
    assert app.subheader[0].value.startswith("Groupe 1 · ")
    metrics = _metrics(app)
    assert set(metrics) == {
        f"{flag} (résidences)"
        for flag in ("À rééquilibrer", "Capacité d'accueil", "Équilibrée", "Non évaluée")
    }
    # The scatter first, the members' table in its tab, built when opened.
    assert len(app.get("vega_lite_chart")) == 1 and not app.dataframe
    rows = members_of(app)
    assert sum(int(v) for v in metrics.values()) == len(rows)
    assert not app.get("vega_lite_chart")


def test_picking_a_group_changes_the_panel_the_members_and_the_url():
    app = open_pairs()
    first = members_of(app)
    app.selectbox(key="qp_groupe").select("2")
    rerun(app)
    assert app.query_params["groupe"] == "2"
    assert app.subheader[0].value.startswith("Groupe 2 · Grands ensembles")
    assert set(members_of(app).index).isdisjoint(first.index)


def test_a_shared_link_reopens_the_group(viewed_as):
    viewed_as(SERVICE_HABITAT)
    app = open_pairs({"groupe": "3"})
    assert app.selectbox(key="qp_groupe").value == "3"
    assert app.subheader[0].value.startswith("Groupe 3 · ")
    members = members_of(app)
    assert members["Fiche"].str.startswith("residence?residence=GP-").all()
    z = members["Écart robuste"].dropna()
    assert list(z) == sorted(z, reverse=True)
    flagged = members[members["Écart robuste"] >= 2]
    assert flagged["Signalement"].str.startswith("À rééquilibrer (écart ≥ +2").all()


def test_a_residence_flagged_for_rising_fragility_says_so():
    seen = 0
    for group in "1234":
        members = members_of(open_pairs({"groupe": group}, role="service_habitat"))
        flagged = members["Signalement"].str.startswith("À rééquilibrer")
        rising = members[flagged & (members["Écart robuste"] < 2)]
        assert (rising["Signalement"] == "À rééquilibrer (en hausse)").all()
        seen += len(rising)
    assert seen > 0  # the demo parc has residences flagged by the second rule


def test_the_public_sees_group_medians_not_residence_fragility():
    app = open_pairs({"groupe": "2"})
    captions = " ".join(c.value for c in app.caption)
    assert "médiane de ses résidences évaluées" in captions
    members = members_of(app)
    assert "Fragilité (points)" not in members.columns
    assert "Écart robuste" not in members.columns


def test_a_bailleur_sees_the_fragility_of_its_own_residences_only(viewed_as):
    viewed_as(bailleur("Mélusine Habitat"))
    members = members_of(open_pairs({"groupe": "2"}))
    own = members["Fiche"].str.removeprefix("residence?residence=")
    fragility = members["Fragilité (points)"].astype(object)
    assert (fragility == "s").any()
    assert (fragility != "s").any()
    directory = members.assign(residence_id=own)
    shown = directory[fragility != "s"]
    assert shown["Résidence"].notna().all()


def test_an_unknown_group_in_the_link_falls_back_to_the_first():
    app = open_pairs({"groupe": "42"})
    assert app.query_params["groupe"] == "1"
    assert app.subheader[0].value.startswith("Groupe 1 · ")


def test_the_psp_level_of_works_is_written_out_from_the_peer_settings():
    app = open_pairs()
    text = " ".join(m.value for m in app.markdown)
    assert (
        "Intervention prévue au PSP (niveau de travaux : conforter 0, vendre 0, réhabiliter 1, "
        "restructurer 2, démolir 3)"
    ) in text
    assert "0 conforter" not in text and "[groups." not in text


def test_a_link_opens_the_members_tab_and_builds_it_alone():
    app = open_pairs({"groupe": "2", "vue": PAIRS_TABS[1]})
    assert len(app.dataframe) == 1 and not app.get("vega_lite_chart")
