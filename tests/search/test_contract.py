"""One contract, two engines: what users notice of Meilisearch's behaviour, asserted identically on
the embedded engine and on a real Meilisearch 1.21. Order assertions use the first hit or "A before
B", never whole lists where ties are engine-dependent."""

from __future__ import annotations

from typing import Any

import pytest

from search.errors import SearchQueryError
from search.indexes import COLLECTIVITES, SERVICES
from search.meili import MeiliBackend
from search.query import And, Eq, FacetSearchQuery, In, Not, Range, SearchQuery
from search.results import SearchResult


async def find(backend: Any, q: str, index: str = SERVICES, **kwargs: Any) -> SearchResult:
    return await backend.search(index, SearchQuery(q=q, **kwargs))


def titles(result: SearchResult) -> list[str]:
    return [h.get("title") or h.get("name") for h in result.hits]


@pytest.mark.meilisearch
async def test_the_server_is_meilisearch_1_21(meili: MeiliBackend) -> None:
    assert await meili.version() == "1.21.0"
    assert await meili.health()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("conseil municipal en ligne", "Conseil municipal en ligne"),
        ("orientation usagers", "Orientation des usagers vers le bon service"),
        ("serveur vocal", "Serveur vocal interactif mutualisé"),
        ("comptabilite", "Comptabilité publique M57"),  # no accent
        ("ÉTAT CIVIL", "État civil en ligne"),  # case and accents
        ("etat-civil", "État civil en ligne"),  # hyphen is a separator
        ("l'état civil", "État civil en ligne"),  # apostrophe is a separator, "l" a stop word
        ("cimetieres", "Gestion des cimetières"),
        ("mediatheque", "Médiathèque : catalogue et prêts"),
    ],
)
async def test_folding_finds_the_right_service_in_the_first_results(
    backend: Any, q: str, expected: str
) -> None:
    assert expected in titles(await find(backend, q))[:3]


async def test_ligatures_fold(backend: Any, tmp_path: Any) -> None:
    result = await find(backend, "oe", index=COLLECTIVITES, filter=Eq("departement_code", "51"))
    assert "Œuilly" in titles(result)


async def test_prefix_applies_to_the_last_word_only(backend: Any) -> None:
    assert "Système d'information géographique mutualisé" in titles(await find(backend, "cadas"))
    assert (await find(backend, "cadas parcelles", matching_strategy="all")).total_hits == 0
    assert (await find(backend, "cadastre parcel", matching_strategy="all")).total_hits > 0


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("urbanisem", True),  # 9 letters: two typos allowed (here a transposition)
        ("urbnaisme", True),
        ("comptabilte", True),  # one deletion
        ("paye", False),  # 4 letters: no typo allowed, "paie" is not found
        ("xomptabilite", True),  # 12 letters: a changed first letter costs two, within budget
    ],
)
async def test_typo_budget(backend: Any, q: str, found: bool) -> None:
    result = await find(backend, q, matching_strategy="all", filter=Eq("publisher_siren", "352973622"))
    hits = titles(result)
    if q == "xomptabilite":
        # Twelve letters allow two typos, and a changed first letter costs exactly two: found.
        assert "Comptabilité publique M57" in hits
    elif found:
        assert hits, q
    else:
        assert "Paie et ressources humaines des agents" not in hits


async def test_first_letter_typo_needs_a_two_typo_budget(backend: Any) -> None:
    assert "Comptabilité publique M57" not in titles(await find(backend, "vompta"))  # 6 letters, 1 typo
    assert "Comptabilité publique M57" in titles(await find(backend, "compta"))


async def test_matching_strategy_last_and_all(backend: Any) -> None:
    assert (await find(backend, "xyzzy gestion")).total_hits == 0  # the first word is mandatory
    assert (await find(backend, "gestion xyzzy")).total_hits > 0
    assert (await find(backend, "gestion xyzzy", matching_strategy="all")).total_hits == 0


async def test_more_matched_words_rank_first(backend: Any) -> None:
    hits = titles(await find(backend, "portail famille cantine"))
    assert hits[0] == "Portail famille et cantine scolaire"


async def test_synonyms_expand_acronyms(backend: Any) -> None:
    assert "Aides sociales du CCAS" in titles(await find(backend, "centre communal action sociale"))
    assert "Gestion électronique des documents" in titles(await find(backend, "ged"))
    assert "Serveur vocal interactif mutualisé" in titles(await find(backend, "svi"))
    assert "Paie et ressources humaines des agents" in titles(await find(backend, "rh"))


async def test_filters_are_case_insensitive_but_accent_sensitive(backend: Any) -> None:
    education = await find(backend, "", filter=Eq("thematiques", "éducation"), hits_per_page=100)
    assert education.total_hits > 0
    assert (await find(backend, "", filter=Eq("thematiques", "Education"))).total_hits == 0
    assert all("Éducation" in h["thematiques"] for h in education.hits)


async def test_filter_operators(backend: Any) -> None:
    total = (await find(backend, "")).total_hits
    cheap = await find(backend, "", filter=Range("yearly_price_cents", lt=60_000), hits_per_page=100)
    assert cheap.total_hits > 0
    assert all(h["yearly_price_cents"] < 60_000 for h in cheap.hits)
    free = await find(backend, "", filter=Eq("pricing", "gratuit"))
    not_free = await find(backend, "", filter=Not(Eq("pricing", "gratuit")))
    assert free.total_hits + not_free.total_hits == total
    both = await find(
        backend, "", filter=And((In("target_kinds", ("region",)), Eq("cofunding_available", True)))
    )
    assert all("region" in h["target_kinds"] and h["cofunding_available"] for h in both.hits)
    assert (await find(backend, "", filter=Eq("pilot_departements", "033"))).total_hits == 0  # no coercion


async def test_injection_in_a_value_stays_a_value(backend: Any) -> None:
    result = await find(backend, "", filter=Eq("pricing", "gratuit' OR pricing EXISTS OR pricing = 'x"))
    assert result.total_hits == 0
    quoted = await find(backend, "", filter=Eq("publisher_name", "Resa'Com"))
    assert quoted.total_hits > 0


async def test_facets_count_every_match_in_alphabetical_order(backend: Any) -> None:
    result = await find(backend, "gestion", facets=("thematiques", "yearly_price_cents"), hits_per_page=1)
    themes = result.facet_distribution["thematiques"]
    assert sum(themes.values()) >= result.total_hits
    keys = list(themes)
    assert (
        keys.index("Éducation") > keys.index("Environnement")
        if {"Éducation", "Environnement"} <= set(keys)
        else True
    )
    stats = result.facet_stats["yearly_price_cents"]
    assert stats["min"] <= stats["max"]


async def test_counts_only_query_has_the_same_facets_and_no_hit(backend: Any) -> None:
    """Disjunctive facet counts ask for no hit (``hits_per_page=0``): same counts, nothing ranked."""
    with_hits = await find(backend, "gestion", facets=("thematiques", "pricing"), hits_per_page=5)
    counts_only = await find(backend, "gestion", facets=("thematiques", "pricing"), hits_per_page=0)
    assert counts_only.hits == []
    assert counts_only.total_hits == with_hits.total_hits
    assert counts_only.facet_distribution == with_hits.facet_distribution


async def test_sort_and_pages(backend: Any) -> None:
    first = await find(backend, "", sort=("yearly_price_cents:desc",), hits_per_page=5, page=1)
    prices = [h["yearly_price_cents"] for h in first.hits]
    assert prices == sorted(prices, reverse=True)
    assert first.total_pages == -(-first.total_hits // 5)
    second = await find(backend, "", sort=("yearly_price_cents:desc",), hits_per_page=5, page=2)
    assert second.hits[0]["yearly_price_cents"] <= prices[-1]
    beyond = await find(backend, "", hits_per_page=5, page=10_000)
    assert beyond.hits == []
    assert beyond.page == 10_000


async def test_max_total_hits_caps_the_count(backend: Any) -> None:
    result = await find(backend, "", index=COLLECTIVITES, hits_per_page=10)
    assert result.total_hits == 1000


async def test_highlighting(backend: Any) -> None:
    result = await find(
        backend,
        "cadastr",
        attributes_to_highlight=("title", "description"),
        highlight_pre_tag="<mark>",
        highlight_post_tag="</mark>",
    )
    formatted = result.hits[0]["_formatted"]
    assert (
        "<mark>Cadastr</mark>e" in formatted["description"]
        or "<mark>cadastr</mark>e" in formatted["description"]
    )
    assert "<mark>" not in formatted["publisher_name"]


async def test_collectivites_with_typos_and_homonyms(backend: Any) -> None:
    for q, name, dep in [
        ("st etienne", "Saint-Étienne", "42"),
        ("saint-etiene", "Saint-Étienne", "42"),
        ("chalons en champagne", "Châlons-en-Champagne", "51"),
        ("chalon sur saone", "Chalon-sur-Saône", "71"),
        ("bourg en bresse", "Bourg-en-Bresse", "01"),
    ]:
        first = (await find(backend, q, index=COLLECTIVITES, filter=Eq("kind", "commune"))).hits[0]
        assert (first["name"], first["departement_code"]) == (name, dep), q
    homonyms = await find(backend, "saint denis", index=COLLECTIVITES, filter=Eq("kind", "commune"))
    labels = [h["label"] for h in homonyms.hits[:2]]
    assert labels == ["Saint-Denis (974)", "Saint-Denis (93)"]  # more inhabitants first


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (SearchQuery(filter=Eq("title", "x")), "invalid_search_filter"),
        (SearchQuery(sort=("publisher_name:asc",)), "invalid_search_sort"),
        (SearchQuery(facets=("title",)), "invalid_search_facets"),
    ],
)
async def test_errors_have_meilisearch_codes(backend: Any, query: SearchQuery, code: str) -> None:
    with pytest.raises(SearchQueryError) as error:
        await backend.search(SERVICES, query)
    assert error.value.code == code
    assert error.value.status == 400


async def test_facet_search(backend: Any) -> None:
    result = await backend.facet_search(SERVICES, FacetSearchQuery(facet="thematiques", facet_query="edu"))
    assert [h.value for h in result.facet_hits] == ["Éducation"]
    assert result.facet_hits[0].count > 0


async def test_upsert_delete_and_swap(backend: Any) -> None:
    from search.settings import IndexSettings

    settings = IndexSettings(uid="scratch", searchable=("title",), filterable=("kind",))
    other = settings.renamed("scratch_next")
    for s in (settings, other):
        await backend.drop(s.uid)
        await backend.ensure_index(s)
    await backend.wait(await backend.upsert("scratch", [{"id": "1", "title": "Ancien", "kind": "a"}]))
    await backend.wait(await backend.upsert("scratch_next", [{"id": "2", "title": "Nouveau", "kind": "b"}]))
    await backend.swap("scratch", "scratch_next")
    assert titles(await find(backend, "", index="scratch")) == ["Nouveau"]
    await backend.wait(await backend.delete("scratch", ["2"]))
    assert (await find(backend, "", index="scratch")).total_hits == 0
    await backend.drop("scratch")
    await backend.drop("scratch_next")
