"""The catalogue API is described in the OpenAPI document, plans as a tagged union."""

from __future__ import annotations


async def test_openapi_describes_the_catalogue(client) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    for path in (
        "/api/v1/listings",
        "/api/v1/listings/{slug}",
        "/api/v1/listings/{slug}/submit",
        "/api/v1/publisher/listings",
        "/api/v1/admin/review-queue",
        "/api/v1/admin/listings/{slug}/reject",
        "/api/v1/admin/audit",
        "/api/v1/publishers/{siren}/verification",
        "/api/v1/thematiques",
    ):
        assert path in document["paths"], path
    schemas = document["components"]["schemas"]
    assert schemas["PerInhabitantPlan"]["properties"]["kind"]["const"] == "per_inhabitant"
    assert "floor_cents" in schemas["PerInhabitantPlan"]["properties"]
