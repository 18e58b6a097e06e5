"""Exports without Streamlit: the files of the tables shown on the pages (CSV, Excel)."""
