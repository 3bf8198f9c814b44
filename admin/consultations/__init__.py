"""Curators back-office for consultations: the dashboard tables and their CSV exports."""
