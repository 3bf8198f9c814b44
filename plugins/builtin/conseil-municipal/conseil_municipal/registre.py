"""Lecture des membres et des séances, et calcul du quorum (partagés par les routes)."""

import datetime as dt
from typing import Any

from plugins.sdk import Ctx, NotFound

from . import rules
from .schemas import QuorumView


def maintenant() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def lire_membres(ctx: Ctx) -> dict[str, dict[str, Any]]:
    return {d.id: {"id": d.id, **d.data} for d in await ctx.documents.list("membres")}


async def lire_seance(ctx: Ctx, seance_id: str) -> dict[str, Any]:
    seance = await ctx.documents.get("seances", seance_id)
    if seance is None:
        raise NotFound("Séance introuvable.", code="seance_introuvable")
    return seance


def calculer_quorum(seance: dict[str, Any], membres: dict[str, dict[str, Any]]) -> rules.Quorum:
    en_exercice = [m for m in membres.values() if m.get("en_exercice", True)]
    presents = [m for m in en_exercice if seance["presences"].get(m["id"]) == "present"]
    return rules.quorum(len(en_exercice), len(presents), reconvocation=bool(seance.get("reconvocation_de")))


def vue_quorum(q: rules.Quorum) -> QuorumView:
    return QuorumView(q.en_exercice, q.presents, q.requis, q.atteint, q.exige)
