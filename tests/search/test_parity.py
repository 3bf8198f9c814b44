"""Parity: a judgment set of French queries (typos, missing accents, prefixes, acronyms, filters,
facets) over the services catalogue and the collectivités, run on both engines. The expected result
must come first (or in the first three where ties are legitimate) on both, and the top-10 overlap
between the engines, reported, must be at least 0.9."""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from search.embedded.backend import EmbeddedBackend
from search.indexes import COLLECTIVITES, SERVICES
from search.meili import MeiliBackend
from search.query import Eq, Filter, In, Range, SearchQuery

# (query, filter, expected title in the first three results or None)
SERVICE_JUDGMENTS: list[tuple[str, Filter | None, str | None]] = [
    ("conseil municipal en ligne", None, "Conseil municipal en ligne"),
    ("conseil municipal", None, "Conseil municipal en ligne"),
    ("conseil munic", None, "Conseil municipal en ligne"),
    ("deliberations", None, None),
    ("orientation usagers", None, "Orientation des usagers vers le bon service"),
    ("orientaton des usagers", None, "Orientation des usagers vers le bon service"),
    ("serveur vocal", None, "Serveur vocal interactif mutualisé"),
    ("serveur vocla", None, "Serveur vocal interactif mutualisé"),
    ("standard telephonique", None, "Serveur vocal interactif mutualisé"),
    ("svi", None, "Serveur vocal interactif mutualisé"),
    ("ivr", None, "Serveur vocal interactif mutualisé"),
    ("ged", None, "Gestion électronique des documents"),
    ("gestion electronique documents", None, "Gestion électronique des documents"),
    ("archivage", None, None),
    ("demat", None, None),
    ("dematerialisation urbanisme", None, "Dématérialisation des autorisations d'urbanisme"),
    ("autorisations urbanisme", None, "Dématérialisation des autorisations d'urbanisme"),
    ("urbanism", None, None),
    ("urbanisem", None, None),
    ("plu", None, "Plan local d'urbanisme interactif"),
    ("sig", None, "Système d'information géographique mutualisé"),
    ("cadastre", None, None),
    ("comptabilite", None, "Comptabilité publique M57"),
    ("compta", None, "Comptabilité publique M57"),
    ("m57", None, "Comptabilité publique M57"),
    ("paie", None, "Paie et ressources humaines des agents"),
    ("rh", None, "Paie et ressources humaines des agents"),
    ("ressources humaines", None, "Paie et ressources humaines des agents"),
    ("ccas", None, "Aides sociales du CCAS"),
    ("aide sociale", None, "Aides sociales du CCAS"),
    ("cantine", None, "Portail famille et cantine scolaire"),
    ("cantine scolaire", None, "Portail famille et cantine scolaire"),
    ("periscolaire", None, "Portail famille et cantine scolaire"),
    ("inscriptions scolaires", None, "Inscriptions scolaires et sectorisation"),
    ("salles municipales", None, "Réservation des salles municipales"),
    ("reservation salle", None, "Réservation des salles municipales"),
    ("nid de poule", None, "Signalement citoyen de voirie"),
    ("eclairage public", None, None),
    ("dechets", None, "Collecte des déchets et redevance incitative"),
    ("ordures menageres", None, "Collecte des déchets et redevance incitative"),
    ("assainissement", None, "Eau potable et assainissement"),
    ("assainisement", None, "Eau potable et assainissement"),
    ("transport a la demande", None, "Transport à la demande"),
    ("billetterie", None, "Billetterie de l'office de tourisme"),
    ("bibliotheque", None, None),
    ("concessions funeraires", None, "Gestion des cimetières"),
    ("etat civil", None, None),
    ("marches publics", None, "Marchés publics et achats"),
    ("grc", None, "Relation citoyen et demandes en ligne"),
    ("budget participatif", None, "Budget participatif"),
    ("rgpd", None, "Registre des traitements RGPD"),
    ("police municipale", None, None),
    ("energie batiments", None, "Suivi énergétique des bâtiments"),
    ("opendata", None, "Données ouvertes territoriales"),
    ("rendez vous passeport", None, "Prise de rendez-vous en mairie"),
    ("petite enfance", None, "Gestion de la petite enfance"),
    ("gestion", Eq("thematiques", "Finances"), None),
    ("portail", In("target_kinds", ("epci",)), None),
    ("", Eq("pricing", "gratuit"), None),
    ("suivi", Range("yearly_price_cents", lte=120_000), None),
    ("plateforme", Eq("maturity", "pilote"), None),
    ("registre", Eq("cofunding_available", True), None),
]

# (query, expected name, expected département) — the picker's judgments
COLLECTIVITE_JUDGMENTS: list[tuple[str, str | None, str | None]] = [
    ("st etienne", "Saint-Étienne", "42"),
    ("saint-etiene", "Saint-Étienne", "42"),
    ("saint etienne du rouvray", "Saint-Étienne-du-Rouvray", "76"),
    ("chalons en champagne", "Châlons-en-Champagne", "51"),
    ("chalons", "Châlons-en-Champagne", "51"),
    ("chalon sur saone", "Chalon-sur-Saône", "71"),
    ("bourg en bresse", "Bourg-en-Bresse", "01"),
    ("bourg en bres", "Bourg-en-Bresse", "01"),
    ("amberieu en bugey", "Ambérieu-en-Bugey", "01"),
    ("paris", "Paris", "75"),
    ("lyon", "Lyon", "69"),
    ("marseile", "Marseille", "13"),
    ("bordeau", "Bordeaux", "33"),
    ("villeurbane", "Villeurbanne", "69"),
    ("boulogne billancourt", "Boulogne-Billancourt", "92"),
    ("lhay les roses", None, None),
    ("l'hay les roses", "L'Haÿ-les-Roses", "94"),
    ("besancon", "Besançon", "25"),
    ("saint maur", "Saint-Maur-des-Fossés", "94"),
    ("st malo", "Saint-Malo", "35"),
    ("saint nazair", "Saint-Nazaire", "44"),
    ("evry courcouronnes", "Évry-Courcouronnes", "91"),
    ("ste foy les lyon", "Sainte-Foy-lès-Lyon", "69"),
    ("montreuil", "Montreuil", "93"),
    ("saint denis", "Saint-Denis", "974"),
    ("oeuilly", "Œuilly", "51"),
    ("sai", None, None),
    ("vill", None, None),
    ("beaumont sur", None, None),
    ("saint martin", None, None),
]


def top10(result: Any, key: str) -> list[str]:
    return [str(h[key]) for h in result.hits[:10]]


async def run(backend: Any) -> tuple[list[list[str]], list[list[str]], list[str]]:
    services, collectivites, misses = [], [], []
    for q, flt, expected in SERVICE_JUDGMENTS:
        result = await backend.search(
            SERVICES, SearchQuery(q=q, filter=flt, hits_per_page=10, facets=("thematiques",))
        )
        services.append(top10(result, "id"))
        if expected and expected not in [h["title"] for h in result.hits[:3]]:
            misses.append(f"services: {q!r} → {[h['title'] for h in result.hits[:3]]}")
    for q, name, dep in COLLECTIVITE_JUDGMENTS:
        result = await backend.search(COLLECTIVITES, SearchQuery(q=q, hits_per_page=10))
        collectivites.append(top10(result, "siren"))
        if (
            name
            and result.hits
            and (result.hits[0]["name"], result.hits[0]["departement_code"]) != (name, dep)
        ):
            misses.append(f"collectivités: {q!r} → {result.hits[0]['label']}")
        if name and not result.hits:
            misses.append(f"collectivités: {q!r} → nothing")
    return services, collectivites, misses


def overlap(a: list[list[str]], b: list[list[str]]) -> float:
    return statistics.fmean(
        1.0 if not x and not y else len(set(x) & set(y)) / max(len(x), len(y))
        for x, y in zip(a, b, strict=True)
    )


def test_the_judgment_set_is_large_enough() -> None:
    assert len(SERVICE_JUDGMENTS) + len(COLLECTIVITE_JUDGMENTS) >= 60


async def test_embedded_meets_the_judgments(embedded: EmbeddedBackend) -> None:
    _, _, misses = await run(embedded)
    assert not misses, "\n".join(misses)


@pytest.mark.meilisearch
async def test_parity_with_meilisearch(embedded: EmbeddedBackend, meili: MeiliBackend, capsys: Any) -> None:
    emb_services, emb_collectivites, _ = await run(embedded)
    mei_services, mei_collectivites, misses = await run(meili)
    services = overlap(emb_services, mei_services)
    collectivites = overlap(emb_collectivites, mei_collectivites)
    everything = overlap(emb_services + emb_collectivites, mei_services + mei_collectivites)
    with capsys.disabled():
        print(
            f"\nparité top-10 embarqué/Meilisearch : services {services:.3f}, "
            f"collectivités {collectivites:.3f}, ensemble {everything:.3f} "
            f"({len(SERVICE_JUDGMENTS) + len(COLLECTIVITE_JUDGMENTS)} requêtes)"
        )
    assert not misses, "Meilisearch misses judgments too:\n" + "\n".join(misses)
    assert everything >= 0.9
