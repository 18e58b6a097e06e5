"""Use cases without Streamlit, called by ``ui/`` and ``reports/``."""

from services.indicators import build_indicator_table, indicator_reference_year
from services.sru import sru_objectives, sru_summary

__all__ = ["build_indicator_table", "indicator_reference_year", "sru_objectives", "sru_summary"]
