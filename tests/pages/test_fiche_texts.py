"""Orientations and actions on the « Fiches territoriales » page, run headless with AppTest: the
writing area of the CIL (save, required comment, conflict, history and restore), the read-only
preview of the other roles, user text never interpreted as Markdown or HTML."""

from __future__ import annotations

import re

import pytest

from services.access import Viewer
from services.fiche_texts import fiche_text, fiche_text_history, save_fiche_text
from tests.pages.conftest import open_page

HABITAT = Viewer("service_habitat", "demo.habitat", "Paul Martin")
TEXT_KEY = "fiche_texte_86041_orientations"
COMMENT_KEY = "fiche_commentaire_86041_orientations"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _boxes(app) -> list[str]:
    return [h.proto.body for h in app.get("html") if 'class="texte-saisi"' in h.proto.body]


def _captions(app) -> str:
    return _unescape("\n".join(c.value for c in app.caption))


def _submit(app, label: str):
    return next(b for b in app.get("form_submit_button") if b.label.startswith(label))


def _button(app, label: str):
    return next(b for b in app.button if b.label.startswith(label))


def _write(app, text: str, comment: str):
    app.text_area(key=TEXT_KEY).input(text)
    app.text_input(key=COMMENT_KEY).input(comment)
    return _submit(app, "Enregistrer la version").click().run()


def test_the_cil_writes_a_text_shown_in_the_preview_with_its_byline():
    app = open_page("fiches", role="cil")
    assert [s.value for s in app.subheader] == [
        "Commune : Buxerolles (86041)",
        "Orientations et actions — Buxerolles",
    ]
    assert len(_boxes(app)) == 2 and all("Aucun texte rédigé" in b for b in _boxes(app))
    assert "Aucune version encore : vous écrivez la version 1." in _captions(app)
    _write(app, "Rééquilibrer les attributions.\n\nSuivi en CIL.", "séance du 5 décembre")
    assert not app.exception and not app.error
    saved = fiche_text("86041", "orientations")
    assert (saved.version, saved.text, saved.comment) == (
        1,
        "Rééquilibrer les attributions.\n\nSuivi en CIL.",
        "séance du 5 décembre",
    )
    byline = f"Texte rédigé par Membre de la CIL (démonstration) le {saved.created_at:%d/%m/%Y} "
    assert _unescape(app.success[0].value).startswith(
        f"« Orientations d'attribution » enregistré : {byline}(version 1)."
    )
    assert "Rééquilibrer les attributions.\n\nSuivi en CIL." in _boxes(app)[0]
    assert f"{byline}(version 1)." in _captions(app)
    assert app.text_input(key=COMMENT_KEY).value == ""  # ready for the next version
    assert _submit(app, "Enregistrer la version").label == "Enregistrer la version 2"


def test_a_save_without_comment_is_refused_and_nothing_is_kept():
    app = open_page("fiches", role="cil")
    _write(app, "Texte sans motif", "")
    assert app.error[0].value.startswith("Non enregistré : « Orientations d'attribution » de "
                                         "Buxerolles : un commentaire est obligatoire")  # fmt: skip
    assert fiche_text("86041", "orientations") is None
    assert app.text_area(key=TEXT_KEY).value == "Texte sans motif"  # the draft is not lost


def test_a_concurrent_save_shows_both_texts_and_never_overwrites():
    app = open_page("fiches", role="cil")
    save_fiche_text(HABITAT, "86041", "orientations", "Le texte de Paul", 0, "le sien")
    _write(app, "Le texte de Marie", "le mien")
    message = _unescape(app.error[0].value)
    assert message.startswith("« Orientations d'attribution » de Buxerolles non enregistré : "
                              "vous partiez de la version 0, mais Paul Martin a enregistré la "
                              "version 1 le ")  # fmt: skip
    assert "Rien n'a été écrasé" in message
    boxes = _boxes(app)  # previews, then « Votre texte » and « Version 1 » side by side
    assert "Le texte de Marie" in boxes[2] and "Le texte de Paul" in boxes[3]
    assert fiche_text("86041", "orientations").text == "Le texte de Paul"
    _button(app, "Garder mon texte").click().run()
    assert not app.error
    assert app.text_area(key=TEXT_KEY).value == "Le texte de Marie"
    app.text_input(key=COMMENT_KEY).input("après lecture du sien")
    _submit(app, "Enregistrer la version 2").click().run()
    assert [r.text for r in fiche_text_history("86041", "orientations")] == [
        "Le texte de Marie",
        "Le texte de Paul",
    ]


def test_taking_the_other_version_puts_it_in_the_editor():
    app = open_page("fiches", role="cil")
    save_fiche_text(HABITAT, "86041", "orientations", "Le texte de Paul", 0, "le sien")
    _write(app, "Le texte de Marie", "le mien")
    _button(app, "Reprendre la version 1").click().run()
    assert app.text_area(key=TEXT_KEY).value == "Le texte de Paul"
    assert _submit(app, "Enregistrer la version").label == "Enregistrer la version 2"


def test_an_untouched_draft_follows_a_newer_version():
    app = open_page("fiches", role="cil")
    save_fiche_text(HABITAT, "86041", "orientations", "Nouveau texte de Paul", 0, "le sien")
    app.run()
    assert app.text_area(key=TEXT_KEY).value == "Nouveau texte de Paul"
    assert _submit(app, "Enregistrer la version").label == "Enregistrer la version 2"


def test_the_history_shows_an_older_version_and_restores_it():
    save_fiche_text(HABITAT, "86041", "orientations", "Premier texte", 0, "v1")
    save_fiche_text(HABITAT, "86041", "orientations", "Second texte", 1, "v2")
    app = open_page("fiches", role="cil")
    history = app.dataframe[0].value
    assert history["Version"].tolist() == [2, 1]
    assert history["Rédigé par"].tolist() == ["Paul Martin", "Paul Martin"]
    assert history["Commentaire"].tolist() == ["v2", "v1"]
    assert "C'est la version en vigueur, imprimée dans les fiches." in _captions(app)
    app.selectbox(key="fiche_texte_voir_86041_orientations").select(1).run()
    assert "Premier texte" in _boxes(app)[-1]
    app.text_input(key="fiche_texte_retablir_commentaire_86041_orientations").input("retour")
    _submit(app, "Rétablir la version 1").click().run()
    assert not app.error
    restored = fiche_text("86041", "orientations")
    assert (restored.version, restored.text, restored.comment) == (
        3,
        "Premier texte",
        "Version 1 rétablie : retour",
    )
    assert app.text_area(key=TEXT_KEY).value == "Premier texte"
    assert "version 1 rétablie" in _unescape(app.success[0].value)


@pytest.mark.parametrize("role", ["public", "elu", "bailleur", "admin"])
def test_other_roles_read_the_texts_without_any_editor(role):
    save_fiche_text(HABITAT, "86041", "actions", "Action visible de tous", 0, "c")
    app = open_page("fiches", role=role)
    assert not app.main.text_area and not app.main.get("form_submit_button")
    assert "Action visible de tous" in _boxes(app)[1]
    assert "rédigés par le groupe de travail de la CIL et le service habitat" in _captions(app)


def test_a_text_is_never_read_as_markdown_or_html():
    attack = "![suivi](https://evil.example/x.png) <img src=x onerror=alert(1)> **gras** # T"
    save_fiche_text(HABITAT, "86041", "orientations", attack, 0, "[lien](https://evil.example)")
    app = open_page("fiches", role="cil")
    box = _boxes(app)[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in box and "<img" not in box
    assert "![suivi](https://evil.example/x.png)" in box  # shown as typed, not as an image
    shown = "\n".join(c.value for c in app.caption)
    assert "\\[lien\\]\\(https\\://evil\\.example\\)" in shown  # the comment stays plain text


def test_several_territories_choose_whose_texts_to_show():
    app = open_page("fiches", {"territoires": "86041,86194Q02"}, role="cil")
    app.selectbox(key="fiches_texte_territoire").select("86194Q02").run()
    assert app.subheader[-1].value == "Orientations et actions — Les Couronneries"
    assert app.text_area(key="fiche_texte_86194Q02_orientations").value == ""


def test_a_zip_prepared_before_a_text_was_saved_is_not_offered_again():
    app = open_page("fiches", {"territoires": "86024,86041"}, role="cil")
    app.pills(key="fiches_formats").set_value(["docx"]).run()
    _button(app, "Préparer le ZIP").click().run()
    assert "Télécharger le ZIP" in [b.label for b in app.get("download_button")]
    save_fiche_text(HABITAT, "86041", "actions", "Nouvelle action", 0, "c")
    app.run()
    assert "Télécharger le ZIP" not in [b.label for b in app.get("download_button")]
