"""ANCT curation: the listing review queue, curator decisions and the audit log."""
