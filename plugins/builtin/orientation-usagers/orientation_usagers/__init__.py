"""Orientation des usagers."""
