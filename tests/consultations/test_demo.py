from __future__ import annotations

from store.upstream_demo import SLUG, seed_consultation_demo


async def test_demo_replays_every_phase_and_is_idempotent(client, state) -> None:
    created = await seed_consultation_demo(state)
    assert created["contributions"] == 100
    assert created["proposals"] == 20
    assert 120 <= created["supports"] <= 200
    assert created["selected"] == 6
    assert await seed_consultation_demo(state) == {}
    consultation = await state.consultations.get_by_slug(SLUG)
    assert consultation.active_phase == "deploiement"
    assert "report_progress" in consultation.allowed_actions
    from catalogue.needs.repository import NeedsRepository

    states = await NeedsRepository().count_contributions(consultation.id)
    assert states == {"merged": 82, "reoriented": 17, "rejected": 1}
    results = await state.results.results(None, consultation.id)
    assert results.supports == created["supports"]
    assert results.population > 0
    assert len(results.by_departement) >= 5
    decisions = await state.selection.decisions(None, consultation.id)
    assert sum(d.decision == "selected" for d in decisions) == 6
    pilots = await state.interests.pilots(next(d.proposal_id for d in decisions if d.decision == "selected"))
    assert 1 <= sum(p.role == "territoire_referent" for p in pilots) <= 3
    page = await client.get(f"/consultations/{SLUG}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Améliorer la gestion de la relation usagers" in page.text
