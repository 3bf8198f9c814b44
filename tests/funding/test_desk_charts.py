"""The curators' funding desk draws how each axis and each departmental guichet splits its
allocation (stacked bars that add up to the table's figures) and the map of awards by département."""

from __future__ import annotations

from typing import Any

import httpx

from store.kit.money import format_eur
from tests.funding.support import M, build_plan
from tests.support.people import make_account, sign_in


def stacked(html: str, title: str) -> str:
    start = html.index(f">{title}</title>")
    return html[start : html.index("</svg>", start)]


async def test_the_desk_splits_each_axis_and_guichet_allocation(
    state: Any, client: httpx.AsyncClient
) -> None:
    await build_plan(state.funding)
    await sign_in(client, await make_account(state, "curatrice@anct.example", curator=True))
    desk = (await client.get("/curation/financements")).text

    axes = stacked(desk, "Répartition de l&#39;enveloppe de chaque axe")
    # The three axes, each with its allocation in its title: 30 M€, 24 M€ and 34 M€, all available.
    assert axes.count('class="ts-chart__bar"') == 3
    assert "<title>Co-construction : 30\u00a0M€ (Consommé (versé ou facturé) : 0,00\u00a0€" in axes
    assert "Guichets déconcentrés — Disponible : 34\u00a0M€</title>" in axes
    assert 'aria-describedby="table-financements-enveloppes"' in desk
    assert 'id="table-financements-enveloppes"' in desk

    guichets = stacked(desk, "Répartition de l&#39;enveloppe de chaque guichet départemental")
    assert guichets.count('class="ts-chart__bar"') == 2
    assert "<title>01 — Ain : 1\u00a0M€" in guichets
    assert "<title>69 — Rhône : 2\u00a0M€" in guichets
    assert format_eur(2 * M) in desk  # the exact figures stay in the table

    # The map credits its base map, in its caption and in the page footer.
    assert 'data-testid="map-credit"' in desk
    assert "Victor Cazanave" in desk
