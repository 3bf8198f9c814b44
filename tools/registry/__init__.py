"""Regeneration of the committed collectivités dataset."""
