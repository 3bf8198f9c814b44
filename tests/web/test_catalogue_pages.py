"""The public catalogue and a listing's page, as a browser (without JavaScript) gets them."""

from __future__ import annotations

from typing import Any

from catalogue.listings.states import Action
from tests.support.catalogue import PUBLISHER_A, as_, create_listing, make_cast

HTML = {"accept": "text/html"}
PLANS = [
    {"kind": "free", "name": "Découverte"},
    {"kind": "flat", "name": "Forfait", "yearly_cents": 120_000, "vat_rate_bp": 2000},
    {"kind": "per_inhabitant", "name": "À l'habitant", "per_inhabitant_cents": 15, "floor_cents": 50_000,
     "cap_cents": 1_000_000, "vat_rate_bp": 550},
    {"kind": "tiered", "name": "Tranches", "tiers": [{"up_to_population": 3500, "amount_cents": 30_000},
                                                     {"up_to_population": None, "amount_cents": 250_000}]},
]  # fmt: skip


async def publish(state: Any, cast: Any, slug: str, **overrides: Any) -> None:
    await create_listing(state, cast, slug, **overrides)
    await state.listings.transition(await cast.actor(state, "dev_a"), slug, Action.submit)
    await state.listings.transition(await cast.actor(state, "curator"), slug, Action.approve)


async def test_home_shows_published_cards_and_filters_by_thematique_without_javascript(client, state) -> None:
    cast = await make_cast(state)
    await publish(state, cast, "conseil-municipal-en-ligne")
    await publish(
        state,
        cast,
        "covoiturage-solidaire",
        name="Covoiturage solidaire",
        thematiques=["mobilite-transports"],
    )
    await create_listing(state, cast, "brouillon-secret", name="Brouillon secret")
    response = await client.get("/", headers=HTML)
    assert response.status_code == 200
    body = response.text
    assert "Conseil municipal en ligne" in body
    assert "Covoiturage solidaire" in body
    assert "Brouillon secret" not in body
    assert body.count('data-testid="listing-card"') == 2
    assert 'name="thematique" value="mobilite-transports"' in body
    assert '<form method="get" action="/"' in body
    filtered = (await client.get("/?thematique=mobilite-transports", headers=HTML)).text
    assert "Covoiturage solidaire" in filtered
    assert "Conseil municipal en ligne" not in filtered
    assert 'value="mobilite-transports" checked' in filtered
    assert "1 service" in filtered
    nothing = (await client.get("/?type=region&offre=inconnue&page=abc", headers=HTML)).text
    assert "Aucun service ne correspond" in nothing


async def test_pagination_keeps_the_filters(client, state) -> None:
    cast = await make_cast(state)
    for index in range(13):
        await publish(state, cast, f"service-numero-{index:02d}", name=f"Service numéro {index:02d}")
    body = (await client.get("/?thematique=citoyennete-democratie-participative", headers=HTML)).text
    assert body.count('data-testid="listing-card"') == 12
    assert 'href="/?thematique=citoyennete-democratie-participative&amp;page=2"' in body
    second = (await client.get("/?thematique=citoyennete-democratie-participative&page=2", headers=HTML)).text
    assert second.count('data-testid="listing-card"') == 1


async def test_listing_page_shows_what_a_buyer_needs(client, state) -> None:
    cast = await make_cast(state)
    await state.publishers.set_verified(None, PUBLISHER_A, True)
    description = "## Fonctionnalités\n\n- convocations\n\n<script>alert('x')</script>"
    await publish(state, cast, "conseil-municipal-en-ligne", plans=PLANS, description_md=description)
    response = await client.get("/catalogue/conseil-municipal-en-ligne", headers=HTML)
    assert response.status_code == 200
    body = response.text
    for expected in (
        "<h1>Conseil municipal en ligne</h1>",
        "Organiser ses conseils municipaux en ligne",  # action
        "Convocations, ordre du jour",  # pitch
        "<h3>Fonctionnalités</h3>",  # rendered Markdown
        "Citoyenneté / démocratie participative",
        "Communes, Intercommunalités (EPCI)",
        "Communes jusqu&#39;à 3\u202f500 habitants, ou dont l&#39;intercommunalité",
        "compte au plus 15\u202f000",
        "Maturité : Bêta",
        "Éditeur A",
        "Éditeur vérifié",
        "mailto:contact@editeur.example",
        'href="https://git.example/conseil"',
        "GNU AGPL v3 ou ultérieure",
        "En ligne, mutualisé (SaaS)",
        "Partiellement conforme au RGAA",
        "France Relance, axe 1",
        "Coopération public-public (CCP L2511-6)",
        "1\u202f200,00\u00a0€",  # flat HT
        "240,00\u00a0€",  # VAT 20 %
        "1\u202f440,00\u00a0€",  # TTC
        "TVA (5,5\u00a0%)",
        "527,50\u00a0€",  # floor TTC at 5,5 %
        "Au-delà de 3\u202f500 habitants",
        "Aucun coût pour la collectivité.",
    ):
        assert expected in body, expected
    assert "<script>alert" not in body
    assert body.count('data-testid="plan"') == 4


async def test_a_draft_page_is_404_for_the_public_and_a_preview_for_its_publisher(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, "brouillon-secret")
    for persona in (None, cast.agent, cast.dev_b):
        await as_(client, persona)
        response = await client.get("/catalogue/brouillon-secret", headers=HTML)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Aucun service publié à cette adresse." in response.text
    await as_(client, cast.dev_a)
    response = await client.get("/catalogue/brouillon-secret", headers=HTML)
    assert response.status_code == 200
    assert 'data-testid="preview-banner"' in response.text
    assert "Brouillon" in response.text


async def test_an_agent_sees_whether_their_collectivite_is_eligible(client, state) -> None:
    cast = await make_cast(state)
    await publish(state, cast, "petites-communes")  # communes ≤ 3 500 or EPCI ≤ 15 000
    await publish(state, cast, "sans-limite", commune_max_population=None, epci_max_population=None)
    await as_(client, cast.agent)
    limited = (await client.get("/catalogue/petites-communes", headers=HTML)).text
    assert "Bourg-en-Bresse" in limited
    assert "non éligible" in limited
    open_to_all = (await client.get("/catalogue/sans-limite", headers=HTML)).text
    assert "éligible</span>" in open_to_all
    await as_(client, None)
    assert 'data-testid="eligibility"' not in (await client.get("/catalogue/sans-limite", headers=HTML)).text
