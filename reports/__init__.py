"""Exports without Streamlit: table files (CSV, Excel), map snapshots, fiches territoriales (PDF,
Word), their batches and the command line (``python -m reports``)."""
