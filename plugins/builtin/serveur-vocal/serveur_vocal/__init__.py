"""Serveur vocal interactif."""
