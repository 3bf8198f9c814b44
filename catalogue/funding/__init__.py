"""funding."""
