"""Streamlit helpers: the only Streamlit code outside ``pages/`` (cache, widgets, maps, formats)."""
