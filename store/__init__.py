"""Territoires Store: the shell, the storefront and the shared kernel."""
