"""Journal des décisions — who changed what, when and why (service habitat, administrator)."""

from ui.frame import require_page, start_page
from ui.journal_view import journal_filters, journal_table_view

start_page("Journal des décisions", notice=False, needs_data=False)
viewer = require_page("view_journal")
journal_table_view(viewer, journal_filters(viewer))
