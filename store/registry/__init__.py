"""Collectivités reference data (INSEE COG via Etalab) and publishers."""
