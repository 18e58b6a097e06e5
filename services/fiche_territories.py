"""Which territories have a fiche, and how they are named on the command line and in the UI.

One fiche for the EPCI (code ``epci``), one per commune (INSEE code) and one per Poitiers
quartier (quartier code). :func:`resolve_territories` turns codes typed by a user into
territories and refuses an unknown code with a French message listing the valid ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geodata.communes import EPCI_NAME
from services.cotation import fold_text
from services.export_data import ExportData
from services.stock import epci_code

EPCI_KEY = "epci"
LEVEL_LABELS = {"epci": "Intercommunalité", "commune": "Commune", "quartier": "Quartier"}


@dataclass(frozen=True)
class FicheTerritory:
    """A territory with a fiche.

    Attributes
    ----------
    level : str
        ``epci``, ``commune`` or ``quartier``.
    key : str
        The code users type: ``epci``, an INSEE code or a quartier code.
    name : str
        Its name.
    """

    level: str
    key: str
    name: str

    @property
    def code(self) -> str:
        """The territory code of the services (the EPCI's SIREN for the EPCI)."""
        return epci_code() if self.level == "epci" else self.key

    @property
    def label(self) -> str:
        """« Commune : Buxerolles (86041) »."""
        return f"{LEVEL_LABELS[self.level]} : {self.name} ({self.key})"


def fiche_territories(data: ExportData) -> list[FicheTerritory]:
    """The EPCI, then the communes and the quartiers in alphabetical order."""
    communes = [
        FicheTerritory("commune", str(code), str(name))
        for code, name in data.commune_table["commune_name"].items()
    ]
    quartiers = [
        FicheTerritory("quartier", str(code), str(name))
        for code, name in data.quartier_table["quartier_name"].items()
    ]
    by_name = sorted(communes, key=lambda t: fold_text(t.name)) + sorted(
        quartiers, key=lambda t: fold_text(t.name)
    )
    return [FicheTerritory("epci", EPCI_KEY, EPCI_NAME), *by_name]


def resolve_territories(data: ExportData, keys: Iterable[str]) -> list[FicheTerritory]:
    """The territories of ``keys`` (all of them when ``keys`` is empty), in the order given.

    Raises
    ------
    ValueError
        For unknown codes: French message naming them and listing the valid codes.
    """
    territories = fiche_territories(data)
    wanted = [str(k).strip() for k in keys if str(k).strip()]
    if not wanted:
        return territories
    by_key = {t.key.casefold(): t for t in territories}
    unknown = [k for k in wanted if k.casefold() not in by_key]
    if unknown:
        valid = ", ".join(f"{t.key} ({t.name})" for t in territories)
        raise ValueError(
            f"code(s) de territoire inconnu(s) : {', '.join(unknown)}. Codes valides : {valid}."
        )
    return list(dict.fromkeys(by_key[k.casefold()] for k in wanted))


def territory_by_key(data: ExportData, key: str) -> FicheTerritory:
    """The territory of one code (see :func:`resolve_territories`)."""
    return resolve_territories(data, [key])[0]
