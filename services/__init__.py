"""Use cases without Streamlit, called by ``ui/`` and ``reports/``."""
