"""Conseil municipal en ligne."""
