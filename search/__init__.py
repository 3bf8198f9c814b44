"""Search of services and collectivités: query model, backends, indexer."""
