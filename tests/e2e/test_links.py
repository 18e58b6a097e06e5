"""Bad links in a real browser: the page says what it did not find and the link is corrected."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("path", "notice", "param", "kept"),
    [
        pytest.param(
            "?commune=99999", "Commune « 99999 » introuvable", "commune=", False, id="carte-commune"
        ),
        pytest.param(
            "residence?residence=XYZ",
            "Résidence « XYZ » introuvable",
            "residence=",
            False,
            id="residence",
        ),
        pytest.param(
            "cotation?profil=inexistant",
            "Profil de pondération « inexistant » introuvable",
            "profil=reference",
            True,
            id="cotation-profil",
        ),
        pytest.param(
            "pairs?groupe=99",
            "Groupe de pairs « 99 » introuvable",
            "groupe=1",
            True,
            id="pairs-groupe",
        ),
        pytest.param(
            "sru?annee=1900",
            "Inventaire SRU au 1er janvier « 1900 » introuvable",
            "annee=2022",
            True,
            id="sru-annee",
        ),
        pytest.param(
            "parc?annee=abc", "Année « abc » introuvable", "annee=2025", True, id="parc-annee"
        ),
    ],
)
def test_a_bad_link_is_named_and_corrected(server_url, page, path, notice, param, kept):
    page.goto(f"{server_url}/{path}")
    wait_for_app(page)
    assert_no_exception(page)
    alert = page.locator("[data-testid='stAlert']").filter(has_text=notice)
    alert.first.wait_for(timeout=30_000)
    assert "introuvable dans le lien" in alert.first.inner_text()
    if kept:
        page.wait_for_url(lambda url: param in url, timeout=30_000)
    else:
        page.wait_for_url(lambda url: param not in url, timeout=30_000)
    screenshot(page, f"lien-{path.split('?')[0] or 'carte'}")


def test_a_crafted_link_shows_its_text_not_a_link(server_url, page):
    page.goto(f"{server_url}/residence?residence=%5Bici%5D(https%3A%2F%2Fexemple.org)")
    wait_for_app(page)
    alert = page.locator("[data-testid='stAlert']").filter(has_text="introuvable dans le lien")
    alert.first.wait_for(timeout=30_000)
    assert "[ici](https://exemple.org)" in alert.first.inner_text().replace("\u2060", "")
    assert alert.first.locator("a").count() == 0


def test_a_bad_method_or_weight_in_a_link_is_named_with_the_page_labels(server_url, page):
    page.goto(f"{server_url}/cotation?methode=normalisation:percentile&poids=occupation:500")
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    alerts = sidebar.locator("[data-testid='stAlert']").filter(has_text="Lien partagé")
    alerts.nth(1).wait_for(timeout=30_000)
    text = " ".join(alerts.all_inner_texts())
    assert "choix possibles : « Min–max », « Rang centile », « Score z »" in text
    assert "celle du profil est gardée (« Min–max »)" in text
    assert "pilier « Occupation » : poids 500 hors de l'intervalle 0 à 100." in text
    for code in ("minmax", "zscore", "goalposts", "rank,", "thresholds", "quantiles"):
        assert code not in text
    page.wait_for_function(
        "() => !new URLSearchParams(location.search).has('methode')", timeout=30_000
    )
    alerts.first.scroll_into_view_if_needed()
    screenshot(page, "lien-cotation-methode")
