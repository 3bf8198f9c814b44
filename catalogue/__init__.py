"""Catalogue: listings and the upstream modules (needs, votes, funding) that feed them."""
