"""The « Import des données » page, run headless with AppTest: refused to every role without
``import_data``; the service habitat drops the official sample files, reads the detected formats
and the validation report, confirms, lists the versions and rolls back; a malformed file is
refused with a French message and changes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from services import accounts, data_state
from services.data_import import list_versions
from store import Actor, users, write_session
from store.clock import utcnow
from store.settings import AccountSettings
from tests.html_tables import html_tables
from tests.pages.conftest import open_page
from ui.auth import SINCE_KEY, USER_KEY
from ui.import_view import SESSION_ENDS

SAMPLES = Path(__file__).resolve().parents[1] / "geodata" / "samples"
# The official sample files, in the order they are dropped, with the kind each one is
# recognised as and its format.
FILES = {
    "rpls_ancien_cp1252.csv": ("rpls", "CSV (séparateur « ; », encodage Windows-1252)"),
    "bpe_86_extrait.csv": ("bpe", "CSV (séparateur « ; », encodage UTF-8)"),
    "gtfs_stops.txt": ("arrets", "CSV (séparateur « , », encodage UTF-8)"),
    "contours_iris.geojson": ("iris", "contours (GeoJSON)"),
    "qp2024_extrait.geojson": ("qpv", "contours (GeoJSON)"),
    "ops_communes_cp1252.txt": ("ops", "CSV (séparateur tabulation, encodage Windows-1252)"),
}
# Rows read, kept, outside the Grand Poitiers, rejected: counted by hand in each sample file.
COUNTS = {
    "rpls_ancien_cp1252.csv": (18, 12, 2, 4),
    "bpe_86_extrait.csv": (7, 4, 2, 1),
    "gtfs_stops.txt": (4, 2, 2, 0),
    "contours_iris.geojson": (3, 2, 1, 0),
    "qp2024_extrait.geojson": (2, 1, 1, 0),
    "ops_communes_cp1252.txt": (3, 2, 1, 0),
}
HABITAT = "marie.habitat"


def _button(app, label: str):
    return next(b for b in app.button if b.label == label)


def _unescaped(text: str) -> str:
    return text.replace("\\", "")


def _all_text(app) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    return _unescaped("\n".join(parts))


def _drop(app, names) -> None:
    files = [(name, (SAMPLES / name).read_bytes(), "application/octet-stream") for name in names]
    app.file_uploader[0].set_value(files).run()
    assert not app.exception, [e.value for e in app.exception]


def _check(app) -> None:
    _button(app, "Contrôler les fichiers").click().run()
    assert not app.exception, [e.value for e in app.exception]


def _confirm(app) -> None:
    _button(app, "Confirmer l'import").click().run()
    assert not app.exception, [e.value for e in app.exception]


def _versions(app) -> pd.DataFrame:
    """The versions table as shown (one HTML table, every text whole)."""
    block = next(m.value for m in app.markdown if "<th scope='col'>N°</th>" in m.value)
    table = html_tables(block)[0]
    return table.assign(**{"N°": table["N°"].astype(int)})


def _named_habitat_account() -> None:
    """A named (not demo) service habitat account, as an administrator creates it."""
    with write_session() as session:
        users.create_user(
            session,
            Actor("admin.test", "Admin", "admin"),
            username=HABITAT,
            display_name="Marie Dupont",
            role_code="service_habitat",
            password="un-secret-assez-long",
            settings=AccountSettings(scrypt_n=2**14),
        )


def _demo_habitat_logs_in() -> tuple[bool, str]:
    """Whether the demo service habitat logs in on the « Connexion » page, and the errors."""
    app = open_page("connexion")
    listed = "Comptes de démonstration" in [s.value for s in app.subheader]
    app.text_input(key="connexion_identifiant").input("demo.habitat")
    app.text_input(key="connexion_mot_de_passe").input("demo-habitat-86")
    _button(app, "Se connecter").click().run()
    assert listed == (USER_KEY in app.session_state)
    return USER_KEY in app.session_state, "\n".join(e.value for e in app.error)


def _as_named_account(app) -> None:
    app.session_state[USER_KEY] = HABITAT
    app.session_state[SINCE_KEY] = utcnow()
    app.run()
    assert not app.exception, [e.value for e in app.exception]


@pytest.mark.parametrize("role", ["public", "elu", "cil", "bailleur", "admin"])
def test_every_role_without_import_data_is_refused_in_french_and_sees_nothing(role):
    app = open_page("import", role=role)
    assert [e.value.split(" : ")[0] for e in app.error] == ["Accès refusé"]
    assert "réservée (importer des données)" in app.error[0].value
    assert not app.file_uploader and not app.dataframe and not app.tabs
    assert not [b for b in app.button if b.label.startswith("Revenir")]


def test_the_sample_files_are_recognised_checked_and_reported():
    app = open_page("import", role="service_habitat")
    _drop(app, FILES)
    text = _all_text(app)
    for name, (_, format_label) in FILES.items():
        assert f"**{name}** · " in text and f"Format détecté : {format_label}" in text
    assert [s.value for s in app.selectbox] == [kind for kind, _ in FILES.values()]
    _check(app)
    metrics = [int(m.value.replace("\u202f", "")) for m in app.metric]
    assert [tuple(metrics[i : i + 4]) for i in range(0, len(metrics), 4)] == list(COUNTS.values())
    assert [m.label for m in app.metric[:4]] == [
        "Lignes lues",
        "Gardées",
        "Hors du territoire",
        "Rejetées",
    ]
    text = _all_text(app)
    assert "1 rejetée(s) : SURFHAB : une surface habitable de 5 à 400 m²" in text
    assert (
        "fichier « rpls_ancien_cp1252.csv », ligne 16, colonne « SURFHAB », valeur « abc » : "
        "attendu une surface habitable de 5 à 400 m²." in text
    )
    assert (
        "fichier « bpe_86_extrait.csv », ligne 8, colonne « LAMBERT_X », valeur «  » : attendu "
        "des coordonnées (équipement non géolocalisé)." in text
    )
    assert "Regroupement par l'adresse normalisée : 12 logements → 6 résidences." in text
    assert [x.label for x in app.expander if "ligne(s)" in x.label] == [
        "Résidences du parc social : 6 ligne(s)",
        "Équipements du quotidien (écoles, santé, commerces, arrêts) : 6 ligne(s)",
        "Quartiers de Poitiers : 2 ligne(s)",
        "Quartiers prioritaires de la politique de la ville (QPV 2024) : 1 ligne(s)",
        "Occupation du parc social par commune (OPS) : 2 ligne(s)",
    ]
    residences = app.dataframe[0].value
    assert "12 Rue des Écoles" in set(residences["residence_name"])
    legend = next(m.value for m in app.markdown if "Où tombent les données importées" in m.value)
    for entry in (
        "résidence (6)",
        "école (1)",
        "médecin généraliste (1)",
        "commerce alimentaire (1)",
        "arrêt de transport en commun (3)",
        "Quartiers (IRIS) (2 contours)",
        "Quartiers prioritaires (QPV) (1 contours)",
    ):
        assert entry in legend
    assert not list_versions() and data_state.demo_data_in_use()  # nothing written yet


def test_an_import_is_confirmed_listed_in_force_and_rolled_back_in_one_click():
    _named_habitat_account()
    app = open_page("import", role="service_habitat")
    _drop(app, FILES)
    _check(app)
    app.text_input(key="import_commentaire_0").input("RPLS 2023 et BPE 2024")
    _confirm(app)
    # The demo account imported real data: its session ends, with the outcome said.
    success = _unescaped(app.success[0].value)
    assert "Version n° 1 en service" in success and SESSION_ENDS in success
    assert app.error[0].value.startswith("Accès refusé") and not app.file_uploader
    assert not accounts.demo_data_in_use() and accounts.viewer_for("demo.habitat", False) is None
    logged_in, errors = _demo_habitat_logs_in()
    assert not logged_in and "démonstration" in errors

    _as_named_account(app)
    table = _versions(app)
    assert re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", table["Importée le"][0])
    assert table.to_dict("records") == [
        {
            "N°": 1,
            "État": "en service",
            "Importée le": table["Importée le"][0],
            "Par": "Service habitat (démonstration)",
            "Fichiers": ", ".join(FILES),
            "Lignes": "Résidences du parc social 6 ; Enquêtes d'occupation du parc social (OPS) 0 "
            "; Périodes de vacance des logements 0 ; Attributions (ménages entrants) 0 ; Départs "
            "(ménages sortants) 0 ; Quartiers de Poitiers 2 ; Quartiers prioritaires de la "
            "politique de la ville (QPV 2024) 1 ; Équipements du quotidien (écoles, santé, "
            "commerces, arrêts) 6 ; Occupation du parc social par commune (OPS) 2",
            "Commentaire": "RPLS 2023 et BPE 2024",
            "Fichiers présents": "oui",
        }
    ]
    app.text_input(key="retour_commentaire").input("fichiers d'essai").run()
    _button(app, "Revenir à cette version").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert _unescaped(app.success[0].value).startswith(
        "Retour aux données de démonstration (à la place de la version n° 1)"
    )
    assert accounts.demo_data_in_use() and [r.dataset.status for r in list_versions()] == [
        "retired"
    ]
    assert _demo_habitat_logs_in() == (True, "")  # the demo accounts are back with the demo data


def test_a_rollback_puts_the_previous_import_back_in_force():
    _named_habitat_account()
    app = open_page("import", role="service_habitat")
    _as_named_account(app)
    _drop(app, ["rpls_ancien_cp1252.csv"])
    _check(app)
    _confirm(app)
    _drop(app, ["rpls_2023_utf8_bom.csv"])
    _check(app)
    _confirm(app)
    assert [(r.dataset.id, r.is_current) for r in list_versions()] == [(2, True), (1, False)]
    app.text_input(key="retour_commentaire").input("le fichier 2023 est incomplet").run()
    _button(app, "Revenir à cette version").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [(r.dataset.id, r.is_current) for r in list_versions()] == [(2, False), (1, True)]
    table = _versions(app)
    assert list(table["État"]) == ["retirée", "en service"]


def test_a_malformed_file_is_refused_with_file_line_column_value_and_expectation(tmp_path):
    app = open_page("import", role="service_habitat")
    content = "DEPCOM;annee;nb_menages;part_ressources_inf_20\n86194;2024;9850;abc\n"
    app.file_uploader[0].set_value(("ops_2024.csv", content.encode(), "text/csv")).run()
    _check(app)
    assert [_unescaped(e.value) for e in app.error] == [
        "Fichiers refusés, aucune donnée modifiée : fichier « ops_2024.csv », ligne 2, colonne "
        "« part_ressources_inf_20 », valeur « abc » : attendu une part en % (par exemple 12,5), "
        "ou une cellule vide ou « s » si elle est couverte par le secret statistique."
    ]
    assert not [b for b in app.button if b.label == "Confirmer l'import"]
    assert not list_versions() and data_state.demo_data_in_use()
