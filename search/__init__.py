"""Search of services and collectivités: one query model, two backends with Meilisearch semantics."""
