"""Exports without Streamlit: static map snapshots, fiches territoriales, zip batches."""
