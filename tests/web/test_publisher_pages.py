"""The publisher's area: list, create, edit and submit through plain HTML forms."""

from __future__ import annotations

from typing import Any

from catalogue.listings.states import Action
from catalogue.listings.tables import Listing
from tests.support.catalogue import as_, create_listing, make_cast
from tests.support.people import csrf_headers

HTML = {"accept": "text/html"}


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": "serveur-vocal-interactif",
        "name": "Serveur vocal interactif",
        "action": "Orienter les appels vers le bon service",
        "pitch": "Un standard qui répond 24 h sur 24.",
        "description_md": "## Pour qui\n\nLes mairies.",
        "thematiques": ["demarches-administratives-aides", "inclusion-numerique"],
        "target_kinds": ["commune", "epci"],
        "commune_max_population": "10 000",
        "epci_max_population": "",
        "maturity": "stable",
        "deployment_mode": "operator_hosted",
        "accessibility": "non_conforme",
        "licence": "EUPL-1.2",
        "repository_url": "https://git.example/svi",
        "contact_email": "svi@editeur.example",
        "funding_origin": "France Relance, axe 3",
        "required_services": "",
        "procurement_routes": ["in_house", "mapa"],
        "plan_count": "3",
        "plan-0-kind": "flat",
        "plan-0-name": "Standard",
        "plan-0-amount": "1 200,50",
        "plan-0-vat": "5,5",
        "plan-1-kind": "tiered",
        "plan-1-name": "Selon la population",
        "plan-1-tiers": "3500 : 300\n15 000 : 900,00\n* : 2500",
        "plan-1-vat": "20",
        "plan-2-kind": "",
    }
    data.update(overrides)
    return data


async def test_anonymous_and_collectivite_accounts_are_kept_out(client, state) -> None:
    cast = await make_cast(state)
    response = await client.get("/editeur/services", headers=HTML)
    assert response.status_code == 401
    assert "/connexion?next=" in response.text
    await as_(client, cast.agent)
    assert (await client.get("/editeur/services", headers=HTML)).status_code == 403


async def test_create_from_the_form_parses_euros_vat_and_tiers(client, state) -> None:
    cast = await make_cast(state)
    await as_(client, cast.dev_a)
    page = await client.get("/editeur/services/nouveau", headers=HTML)
    assert page.status_code == 200
    assert 'name="_csrf_token"' in page.text
    response = await client.post(
        "/editeur/services/nouveau", data=form(), headers={**HTML, **await csrf_headers(client)}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/editeur/services/serveur-vocal-interactif"
    listing = await state.listings.get(await cast.actor(state, "dev_a"), "serveur-vocal-interactif")
    assert listing.state == "draft"
    assert listing.commune_max_population == 10_000
    assert listing.epci_max_population is None
    assert [t.slug for t in listing.thematiques] == ["demarches-administratives-aides", "inclusion-numerique"]
    flat, tiered = listing.plans
    assert (flat.yearly_cents, flat.vat_rate_bp) == (120_050, 550)
    assert [(t.up_to_population, t.amount_cents) for t in tiered.tiers] == [
        (3500, 30_000),
        (15_000, 90_000),
        (None, 250_000),
    ]
    edit = (await client.get(response.headers["location"], headers=HTML)).text
    assert "Brouillon « Serveur vocal interactif » enregistré." in edit
    assert 'value="1 200,50"' in edit
    assert "15000 : 900,00" in edit


async def test_form_errors_are_shown_next_to_fields_and_nothing_is_written(client, state) -> None:
    cast = await make_cast(state)
    await as_(client, cast.dev_a)
    headers = {**HTML, **await csrf_headers(client)}
    bad = form(**{"plan-0-amount": "douze euros", "commune_max_population": "beaucoup"})
    response = await client.post("/editeur/services/nouveau", data=bad, headers=headers)
    assert response.status_code == 422
    assert "montant invalide" in response.text
    assert "nombre d&#39;habitants invalide" in response.text
    assert 'value="douze euros"' in response.text  # what the user typed is kept
    response = await client.post("/editeur/services/nouveau", data=form(slug="Mauvais Slug"), headers=headers)
    assert response.status_code == 422
    assert "slug" in response.text
    response = await client.post(
        "/editeur/services/nouveau", data=form(**{"plan-1-tiers": "* : 10\n100 : 5"}), headers=headers
    )
    assert response.status_code == 422
    assert "seule la dernière tranche" in response.text
    assert await Listing.count() == 0


async def test_edit_then_submit_then_read_the_curators_reason(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, "conseil-municipal-en-ligne")
    await as_(client, cast.dev_a)
    headers = {**HTML, **await csrf_headers(client)}
    edit_form = form(name="Conseil municipal connecté")
    edit_form.pop("slug")
    response = await client.post(
        "/editeur/services/conseil-municipal-en-ligne", data=edit_form, headers=headers
    )
    assert response.status_code == 303, response.text
    page = (await client.get("/editeur/services/conseil-municipal-en-ligne", headers=HTML)).text
    assert "Modifications enregistrées." in page
    assert 'data-testid="submit-button"' in page
    response = await client.post("/editeur/services/conseil-municipal-en-ligne/soumettre", headers=headers)
    assert response.status_code == 303
    listing_page = (await client.get("/editeur/services", headers=HTML)).text
    assert "Service soumis" in listing_page
    assert "En revue" in listing_page
    curator = await cast.actor(state, "curator")
    await state.listings.transition(
        curator, "conseil-municipal-en-ligne", Action.request_changes, "Ajoutez un logo."
    )
    listing_page = (await client.get("/editeur/services", headers=HTML)).text
    assert "Modifications demandées" in listing_page
    assert "Ajoutez un logo." in listing_page
    page = (await client.get("/editeur/services/conseil-municipal-en-ligne", headers=HTML)).text
    assert 'data-testid="review-note"' in page
    assert 'data-testid="save-button"' in page  # editable again


async def test_submitting_an_incomplete_draft_explains_what_is_missing(client, state) -> None:
    cast = await make_cast(state)
    await as_(client, cast.dev_a)
    headers = {**HTML, **await csrf_headers(client)}
    await client.post(
        "/editeur/services/nouveau", data={"slug": "ebauche", "name": "Ébauche"}, headers=headers
    )
    await client.post("/editeur/services/ebauche/soumettre", headers=headers)
    page = (await client.get("/editeur/services/ebauche", headers=HTML)).text
    assert "Le service est incomplet" in page


async def test_another_publishers_draft_is_404(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, "conseil-municipal-en-ligne")
    await as_(client, cast.dev_b)
    assert (await client.get("/editeur/services/conseil-municipal-en-ligne", headers=HTML)).status_code == 404
    headers = {**HTML, **await csrf_headers(client)}
    response = await client.post("/editeur/services/conseil-municipal-en-ligne", data=form(), headers=headers)
    assert response.status_code == 404
    assert "conseil-municipal-en-ligne" not in (await client.get("/editeur/services", headers=HTML)).text


async def test_another_publishers_listing_is_not_in_my_editor(client, state) -> None:
    """Even published (its public page is /services/…), another publisher's listing opens no editor,
    and its buttons answer 404/403 instead of a message on a page one cannot open."""
    cast = await make_cast(state)
    slug = await create_listing(state, cast, "conseil-municipal-en-ligne")
    await as_(client, cast.dev_b)
    headers = {**HTML, **await csrf_headers(client)}
    assert (await client.post(f"/editeur/services/{slug}/soumettre", headers=headers)).status_code == 404
    dev_a, curator = await cast.actor(state, "dev_a"), await cast.actor(state, "curator")
    await state.listings.transition(dev_a, slug, Action.submit)
    await state.listings.transition(curator, slug, Action.approve)
    assert (await client.get(f"/editeur/services/{slug}", headers=HTML)).status_code == 404
    assert (await client.post(f"/editeur/services/{slug}", data=form(), headers=headers)).status_code == 404
    response = await client.post(f"/editeur/services/{slug}/retirer", data={"reason": "x"}, headers=headers)
    assert response.status_code == 403
    assert (await state.listings.get(curator, slug)).state == "published"
    await as_(client, cast.dev_a)
    assert (await client.get(f"/editeur/services/{slug}", headers=HTML)).status_code == 200
