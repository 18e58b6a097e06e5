"""Persistence of what users decide: weight profiles, orientations, audit trail."""
