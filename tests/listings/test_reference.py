"""The thématiques table holds the 2021 consultation's list, and survives between tests."""

from __future__ import annotations

from catalogue.listings.reference import THEMATIQUES


async def test_the_thematiques_table_is_the_reference_list_in_order(state) -> None:
    views = await state.listings.thematiques()
    assert [(v.slug, v.label) for v in views] == list(THEMATIQUES)


async def test_thematiques_are_public(client) -> None:
    response = await client.get("/api/v1/thematiques")
    assert response.status_code == 200
    assert response.json()[0] == {
        "slug": "citoyennete-democratie-participative",
        "label": "Citoyenneté / démocratie participative",
    }
