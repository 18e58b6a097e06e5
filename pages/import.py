"""Import des données — the service habitat drops the yearly files, checks the report, confirms,
and can go back to any earlier version (capability ``import_data``)."""

import streamlit as st

from ui.frame import require_page, start_page
from ui.import_versions import versions_section
from ui.import_view import import_section, show_done

start_page("Import des données", notice=False, needs_data=False)
show_done()  # before the access check: a demo session ends with the import it made
viewer = require_page("import_data")
importing, listing = st.tabs(["Importer des fichiers", "Versions des données"])
with importing:
    import_section(viewer)
with listing:
    versions_section(viewer)
