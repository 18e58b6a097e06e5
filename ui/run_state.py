"""Values kept for one script run of one session (the viewer, the saved profiles of the run).

Streamlit runs each script run in its own thread; the values are also tagged with the session
id, so that a value of one session can never be read by another even if a thread were reused.
"""

from __future__ import annotations

import threading

from streamlit.runtime.scriptrunner import get_script_run_ctx

_local = threading.local()


def run_values() -> dict:
    """The dictionary of values of the current run and session (empty at first)."""
    ctx = get_script_run_ctx()
    session = ctx.session_id if ctx is not None else None
    if getattr(_local, "session", ...) != session or not hasattr(_local, "values"):
        _local.session = session
        _local.values = {}
    return _local.values
