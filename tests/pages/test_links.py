"""Bad links: what was not found is said under the page title and the link is corrected.

Each case opens the page as a link would (AppTest, the run that reads the URL) and checks the
French notice, the value the page shows instead and the URL after the run.
"""

from __future__ import annotations

import pytest

from tests.pages.conftest import open_page


def _warnings(app) -> list[str]:
    return [w.value for w in app.warning]


@pytest.mark.parametrize(
    ("page", "query", "notice", "param", "corrected"),
    [
        pytest.param(
            None,
            {"commune": "99999"},
            "Commune « 99999 » introuvable dans le lien. Choisissez-en une sur la carte ou "
            "dans la liste.",
            "commune",
            None,
            id="carte-commune",
        ),
        pytest.param(
            None,
            {"echelle": "quartier", "quartier": "Q99"},
            "Quartier « Q99 » introuvable dans le lien. Choisissez-en un sur la carte ou dans "
            "la liste.",
            "quartier",
            None,
            id="carte-quartier",
        ),
        pytest.param(
            None,
            {"indicateur": "inconnu"},
            "Indicateur « inconnu » introuvable dans le lien ; la page montre « Logements "
            "sociaux ».",
            "indicateur",
            "n_dwellings",
            id="carte-indicateur",
        ),
        pytest.param(
            "pairs",
            {"groupe": "99"},
            "Groupe de pairs « 99 » introuvable dans le lien ; la page montre « 1 · "
            "Résidences de taille moyenne à loyer élevé, hors QPV, années 2000-2020 ». Choix "
            "possibles : 1 à 4.",
            "groupe",
            "1",
            id="pairs-groupe",
        ),
        pytest.param(
            "sru",
            {"annee": "1900"},
            "Inventaire SRU au 1er janvier « 1900 » introuvable dans le lien ; la page montre "
            "« 2022 ». Choix possibles : 2017 à 2025.",
            "annee",
            "2022",
            id="sru-annee",
        ),
        pytest.param(
            "parc",
            {"annee": "abc"},
            "Année « abc » introuvable dans le lien ; la page montre « 2025 ». Choix possibles : "
            "2018 à 2025.",
            "annee",
            "2025",
            id="parc-annee",
        ),
        pytest.param(
            "cotation",
            {"profil": "inexistant"},
            "Profil de pondération « inexistant » introuvable dans le lien ; la page montre "
            "« Profil de référence ».",
            "profil",
            "reference",
            id="cotation-profil",
        ),
        pytest.param(
            "residence",
            {"residence": "XYZ"},
            "Résidence « XYZ » introuvable dans le lien.",
            "residence",
            None,
            id="residence",
        ),
    ],
)
def test_a_bad_link_says_what_was_not_found_and_is_corrected(page, query, notice, param, corrected):
    app = open_page(page, query)
    assert any(notice in w for w in _warnings(app)), _warnings(app)
    assert app.query_params.get(param) == corrected


def test_a_crafted_value_cannot_put_a_link_into_the_notice():
    app = open_page("residence", {"residence": "[ici](https://exemple.org) ![x](https://x.org/a)"})
    notice = next(w for w in _warnings(app) if "introuvable" in w)
    assert "\\[ici\\]\\(https\\:\u2060//exemple\\.org\\)" in notice
    assert "\\!\\[x\\]" in notice


def test_a_good_link_raises_no_notice():
    app = open_page("pairs", {"groupe": "2"})
    assert not any("introuvable" in w for w in _warnings(app))


def test_the_page_introuvable_quotes_the_address_and_lists_the_pages():
    app = open_page("introuvable", {"adresse": "carte/ancienne"})
    assert app.title[0].value == "Page introuvable"
    assert _warnings(app)[0] == (
        "L'adresse « /carte/ancienne » ne correspond à aucune page du tableau de bord. "
        "Choisissez une page ci-dessous."
    )
    assert "Cotation des résidences" in [link.label for link in app.get("page_link")]
