"""The two indexes, declared once: what is searchable (in ranking order), filterable, sortable, and
the French vocabulary of collectivités (acronyms as synonyms, stop words)."""

from __future__ import annotations

from search.settings import DEFAULT_RANKING_RULES, IndexSettings

SERVICES = "services"
COLLECTIVITES = "collectivites"

# One-way: the acronym (as typed) also means its expansion. Pairs of acronyms go both ways.
ACRONYMS: dict[str, tuple[str, ...]] = {
    "ccas": ("centre communal d'action sociale",),
    "cias": ("centre intercommunal d'action sociale",),
    "ged": ("gestion électronique des documents", "gestion électronique de documents"),
    "sig": ("système d'information géographique",),
    "plu": ("plan local d'urbanisme",),
    "plui": ("plan local d'urbanisme intercommunal",),
    "rh": ("ressources humaines",),
    "grh": ("gestion des ressources humaines",),
    "epci": ("intercommunalité", "établissement public de coopération intercommunale"),
    "svi": ("serveur vocal interactif", "ivr"),
    "ivr": ("serveur vocal interactif", "svi"),
    "dsp": ("délégation de service public",),
    "rgpd": ("protection des données",),
    "dpo": ("délégué à la protection des données",),
    "grc": ("gestion de la relation citoyen", "relation usagers"),
    "crm": ("gestion de la relation citoyen", "grc"),
    "ads": ("autorisations du droit des sols", "urbanisme"),
    "pes": ("protocole d'échange standard",),
    "m57": ("nomenclature comptable",),
    "demat": ("dématérialisation",),
    "compta": ("comptabilité",),
    "cm": ("conseil municipal",),
    "pv": ("procès-verbal",),
    "sdis": ("service départemental d'incendie et de secours",),
    "ehpad": ("établissement d'hébergement pour personnes âgées dépendantes",),
    "rsa": ("revenu de solidarité active",),
    "apa": ("allocation personnalisée d'autonomie",),
    "pmi": ("protection maternelle et infantile",),
    "tad": ("transport à la demande",),
    "om": ("ordures ménagères",),
    "teom": ("taxe d'enlèvement des ordures ménagères",),
    "moa": ("maîtrise d'ouvrage",),
    "si": ("système d'information",),
    "dsi": ("direction des systèmes d'information",),
    "ia": ("intelligence artificielle",),
    "opendata": ("données ouvertes",),
}

FRENCH_STOP_WORDS: tuple[str, ...] = (
    "a",
    "au",
    "aux",
    "avec",
    "d",
    "de",
    "des",
    "du",
    "en",
    "et",
    "l",
    "la",
    "le",
    "les",
    "par",
    "pour",
    "sur",
    "un",
    "une",
)

SERVICES_INDEX = IndexSettings(
    uid=SERVICES,
    searchable=(
        "title",
        "action",
        "keywords",
        "thematiques",
        "summary",
        "publisher_name",
        "pilot_names",
        "description",
    ),
    filterable=(
        "status",
        "thematiques",
        "target_kinds",
        "pricing",
        "maturity",
        "deployment_modes",
        "publisher_siren",
        "publisher_name",
        "pilot_departements",
        "cofunding_available",
        "yearly_price_cents",
    ),
    sortable=("title", "yearly_price_cents", "published_at", "subscriber_count"),
    synonyms=ACRONYMS,
    stop_words=FRENCH_STOP_WORDS,
)

COLLECTIVITES_INDEX = IndexSettings(
    uid=COLLECTIVITES,
    primary_key="siren",
    searchable=("name", "departement_name", "insee_code", "siren"),
    filterable=("kind", "subkind", "departement_code", "region_code", "epci_siren", "population"),
    sortable=("name", "population"),
    ranking_rules=(*DEFAULT_RANKING_RULES, "population:desc"),
    synonyms={
        "st": ("saint",),
        "ste": ("sainte",),
        "sts": ("saints",),
        "stes": ("saintes",),
        "mt": ("mont",),
        "cc": ("communauté de communes",),
        "ca": ("communauté d'agglomération",),
        "cu": ("communauté urbaine",),
    },
)

ALL_INDEXES = (SERVICES_INDEX, COLLECTIVITES_INDEX)
