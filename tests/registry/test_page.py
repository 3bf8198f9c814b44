"""Page « Mes collectivités »: real figures, only the agent's own collectivités, login redirect."""

from __future__ import annotations

import httpx

from tests.support.people import make_account, make_agent, sign_in
from tests.support.registry import AMBERIEU_EN_BUGEY, BOURG_EN_BRESSE, CA_BASSIN_DE_BOURG, full_dataset

NNBSP = "\u202f"


async def test_anonymous_visitors_are_sent_to_the_login_form(client: httpx.AsyncClient) -> None:
    response = await client.get("/mes-collectivites")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?next=/mes-collectivites"


async def test_an_agent_sees_their_commune_with_real_data(client: httpx.AsyncClient, state) -> None:  # type: ignore[no-untyped-def]
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG_EN_BRESSE, role="agent"))
    response = await client.get("/mes-collectivites")
    assert response.status_code == 200
    html = response.text
    assert "Bourg-en-Bresse" in html
    assert f"42{NNBSP}372 habitants" in html
    assert "(population 2023)" in html
    assert "Ain (01)" in html
    assert "Auvergne-Rhône-Alpes" in html
    assert f"CA du Bassin de Bourg-en-Bresse (SIREN {CA_BASSIN_DE_BOURG})" in html
    assert "Agent" in html
    assert "Vous ne pouvez pas signer" in html
    assert "Ambérieu-en-Bugey" not in html


async def test_a_president_of_an_epci_sees_its_members_and_can_sign(client: httpx.AsyncClient, state) -> None:  # type: ignore[no-untyped-def]
    await sign_in(
        client,
        await make_agent(state, "president@agglo.fr", CA_BASSIN_DE_BOURG, role="elu_executif", can_sign=True),
    )
    html = (await client.get("/mes-collectivites")).text
    members = [m for g, m in full_dataset().members if g == CA_BASSIN_DE_BOURG]
    population = f"{137_046:,}".replace(",", NNBSP)
    assert f"{len(members)} communes, {population} habitants sans double compte" in html
    assert "Vous pouvez signer pour cette collectivité" in html


async def test_an_agent_never_sees_another_collectivite(client: httpx.AsyncClient, state) -> None:  # type: ignore[no-untyped-def]
    await make_agent(state, "agent@amberieu.fr", AMBERIEU_EN_BUGEY)
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG_EN_BRESSE))
    html = (await client.get("/mes-collectivites")).text
    assert f'data-testid="collectivite-{BOURG_EN_BRESSE}"' in html
    assert AMBERIEU_EN_BUGEY not in html
    assert "Ambérieu" not in html


async def test_an_account_without_mandate_gets_a_clear_message(client: httpx.AsyncClient, state) -> None:  # type: ignore[no-untyped-def]
    await sign_in(client, await make_account(state, "curieux@example.fr"))
    response = await client.get("/mes-collectivites")
    assert response.status_code == 200
    assert "Aucune collectivité rattachée à votre compte" in response.text
