"""Situations: what a report is about (the incident, its builders by category)."""
