"""Request → eligibility → signature → active and deployed → plan change, suspension, termination."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import pytest

from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from store.kit.tables import AuditEntry, OutboxEvent
from store.registry.repository import RegistryRepository
from store.subscriptions.schemas import ChangePlanIn
from store.subscriptions.tables import Subscription
from tests.subscriptions.support import (
    AGGLO,
    AMBERIEU,
    BOURG,
    PLUGIN,
    key,
    make_cast,
    publish_listing,
    request,
)
from tests.support.people import sign_in


async def test_request_sign_deploys_the_service_for_the_collectivite(state: Any, client: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    agent, signer = await cast.actor("agent"), await cast.actor("signer")

    requested = await state.subscriptions.request(agent, request(slug), key=key())
    assert requested.state == "pending_signature"
    assert requested.yearly_ht_cents == 120_000
    assert requested.actions == ["reject"]  # without signing power, an agent can only withdraw it

    with pytest.raises(Forbidden) as refused:
        await state.subscriptions.sign(agent, requested.id, key=key())
    assert refused.value.code == "signature_required"

    active = await state.subscriptions.sign(signer, requested.id, key=key())
    assert active.state == "active"
    assert active.deployment_note is None
    assert active.covered[0].service_url == f"/services/{BOURG}/{PLUGIN}/"
    deployment = await state.plugin_deployments.view(BOURG, PLUGIN)
    assert deployment.state == "active"
    await sign_in(client, cast.agent)
    page = await client.get(f"/services/{BOURG}/{PLUGIN}/membres")
    assert page.status_code == 200, page.text

    audits = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.to_state)
        .where(AuditEntry.subject_id == requested.id)
        .order_by(AuditEntry.id)
    )
    assert [a["action"] for a in audits] == [
        "store:subscription:request",
        "store:subscription:eligibility",
        "store:subscription:sign",
    ]
    history = await state.subscriptions.history(signer, requested.id)
    assert [(h.action, h.to_state) for h in history] == [
        ("request", "requested"), ("eligibility", "pending_signature"), ("sign", "active"),
    ]  # fmt: skip
    topics = {r["topic"] for r in await OutboxEvent.select(OutboxEvent.topic)}
    assert {"store:subscription:requested", "store:subscription:activated"} <= topics


async def test_change_plan_suspend_resume_terminate(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    signer, curator = await cast.actor("signer"), await cast.actor("curator")
    sub = await state.subscriptions.request(signer, request(slug), key=key())
    sub = await state.subscriptions.sign(signer, sub.id, key=key())

    changed = await state.subscriptions.change_plan(signer, sub.id, ChangePlanIn(plan_index=2), key=key())
    assert changed.plan.name == "Par habitant"
    assert changed.yearly_ht_cents == max(changed.covered_population * 10, 50_000)
    assert [s.ends_on is None for s in changed.segments] == [False, True]
    with pytest.raises(Conflict) as same:
        await state.subscriptions.change_plan(signer, sub.id, ChangePlanIn(plan_index=2), key=key())
    assert same.value.code == "same_plan"

    with pytest.raises(InvalidInput) as no_reason:
        await state.subscriptions.suspend(curator, sub.id, "", key=key())
    assert no_reason.value.code == "reason_required"
    suspended = await state.subscriptions.suspend(curator, sub.id, "Impayés", key=key())
    assert suspended.state == "suspended"
    assert suspended.suspended_by == "curator"
    assert (await state.plugin_deployments.view(BOURG, PLUGIN)).state == "deprovisioned"
    with pytest.raises(Forbidden) as not_theirs:
        await state.subscriptions.resume(signer, sub.id, key=key())
    assert not_theirs.value.code == "suspended_by_curator"
    resumed = await state.subscriptions.resume(curator, sub.id, key=key())
    assert resumed.state == "active"
    assert (await state.plugin_deployments.view(BOURG, PLUGIN)).state == "active"

    ended = await state.subscriptions.terminate(signer, sub.id, "", key=key())
    assert ended.state == "terminated"
    assert ended.terminated_on is not None
    assert all(s.ends_on is not None for s in ended.segments)
    assert (await state.plugin_deployments.view(BOURG, PLUGIN)).state == "deprovisioned"
    exported = await state.plugin_deployments.export(None, BOURG, PLUGIN)
    assert exported.tenant_siren == BOURG  # the data stays exportable
    with pytest.raises(Conflict) as over:
        await state.subscriptions.terminate(signer, sub.id, "", key=key())
    assert over.value.code == "illegal_transition"

    # Terminated: the collectivité may subscribe again.
    again = await state.subscriptions.request(signer, request(slug), key=key())
    assert again.state == "pending_signature"


async def test_groupement_subscribes_for_members_with_population_shares(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    agglo = await cast.actor("agglo_signer")
    data = request(
        slug, AGGLO, plan_index=2, members=[{"siren": BOURG}, {"siren": AMBERIEU}],
        cost_sharing="population", procurement_route="mapa",
    )  # fmt: skip
    with pytest.raises(InvalidInput) as strangers:
        await state.subscriptions.request(agglo, data, key=key())
    assert strangers.value.code == "not_a_member"  # Ambérieu is in another intercommunalité
    two = (await RegistryRepository().member_sirens(AGGLO))[:2]
    data = msgspec.structs.replace(
        data, members=[msgspec.convert({"siren": s}, type(data.members[0])) for s in two]
    )
    sub = await state.subscriptions.request(agglo, data, key=key())
    assert sub.on_behalf
    assert sub.cost_sharing == "population"
    assert sorted(c.siren for c in sub.covered) == sorted(two)
    assert sub.covered_population == sum(c.population or 0 for c in sub.covered)
    active = await state.subscriptions.sign(agglo, sub.id, key=key())
    for siren in two:
        assert (await state.plugin_deployments.view(siren, PLUGIN)).state == "active"
    assert active.state == "active"
    # A member already covered cannot subscribe on its own.
    member_signer = await cast.actor("signer")
    if BOURG in two:
        with pytest.raises(Conflict):
            await state.subscriptions.request(member_signer, request(slug), key=key())


async def test_another_collectivite_neither_sees_nor_acts(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    signer, other = await cast.actor("signer"), await cast.actor("other_signer")
    sub = await state.subscriptions.request(signer, request(slug), key=key())
    for attempt in (
        state.subscriptions.get(other, sub.id),
        state.subscriptions.sign(other, sub.id, key=key()),
        state.subscriptions.terminate(other, sub.id, "", key=key()),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert [s.id for s in await state.subscriptions.list(other)] == []
    with pytest.raises(Forbidden):
        await state.subscriptions.request(other, request(slug), key=key())  # acting for Bourg
    with pytest.raises(Forbidden):
        await state.subscriptions.list(other, collectivite=BOURG)


async def test_two_parallel_requests_make_one_subscription(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    agent, signer = await cast.actor("agent"), await cast.actor("signer")
    results = await asyncio.gather(
        *(state.subscriptions.request(who, request(slug), key=key()) for who in (agent, signer) * 3),
        return_exceptions=True,
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(made) == 1, results
    assert len(refused) == 5
    assert all(isinstance(r, Conflict) and r.code == "already_subscribed" for r in refused), refused
    assert await Subscription.count().where(Subscription.collectivite == BOURG) == 1


async def test_idempotency_key_replays_and_refuses_another_body(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    signer = await cast.actor("signer")
    same = key()
    first = await state.subscriptions.request(signer, request(slug), key=same)
    again = await state.subscriptions.request(signer, request(slug), key=same)
    assert again.id == first.id
    with pytest.raises(Conflict) as reused:
        await state.subscriptions.request(
            signer, request(slug, plan_index=0, procurement_route="gratuit"), key=same
        )
    assert reused.value.code == "idempotency_key_reused"
    signing = key()
    signed = await state.subscriptions.sign(signer, first.id, key=signing)
    replay = await state.subscriptions.sign(signer, first.id, key=signing)
    assert replay.id == signed.id
    assert replay.state == "active"


async def test_reconcile_deploys_what_a_crash_left_undeployed(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    signer = await cast.actor("signer")
    sub = await state.subscriptions.request(signer, request(slug), key=key())
    await state.subscriptions.sign(signer, sub.id, key=key())
    # As if the process had stopped after the signature's commit, before deploying.
    await state.plugin_deployments.undeploy(None, BOURG, PLUGIN)
    assert await state.subscriptions.reconcile() == [f"{BOURG}/{PLUGIN} : déployé"]
    assert (await state.plugin_deployments.view(BOURG, PLUGIN)).state == "active"
    assert await state.subscriptions.reconcile() == []


async def test_an_agent_withdraws_a_request_the_signatory_declines_another(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    agent, signer = await cast.actor("agent"), await cast.actor("signer")
    first = await state.subscriptions.request(agent, request(slug), key=key())
    withdrawn = await state.subscriptions.reject(agent, first.id, "Erreur d'offre", key=key())
    assert withdrawn.rejection_code == "withdrawn"
    second = await state.subscriptions.request(agent, request(slug), key=key())
    declined = await state.subscriptions.reject(signer, second.id, "Pas de crédits cette année", key=key())
    assert declined.rejection_code == "declined"
    assert declined.rejection_reason == "Pas de crédits cette année"
