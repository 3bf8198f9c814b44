"""Operator and maintainer scripts, run by hand (not part of the application)."""
