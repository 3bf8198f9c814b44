"""Calls for projects: a dated window on an envelope, a maximum rate, audiences and rules."""

from __future__ import annotations

from typing import Any

import msgspec

from catalogue.funding.rules import MAX_DEPTH, decode_rule, depth, encode_rule
from catalogue.funding.schemas import CallIn, CallView
from catalogue.funding.service.base import FundingBase, audit, curator
from store.kit.auth import Actor
from store.kit.errors import Conflict, InvalidInput, NotFound


class CallOps(FundingBase):
    async def create_call(self, actor: Actor | None, data: CallIn) -> CallView:
        curator(actor)
        if data.closes_on < data.opens_on:
            raise InvalidInput("La clôture précède l'ouverture.", code="bad_window")
        if data.rules is not None and depth(data.rules) > MAX_DEPTH:
            raise InvalidInput(
                f"Règles trop imbriquées : {MAX_DEPTH} niveaux au plus.", code="rules_too_deep"
            )
        async with self.uow() as work:
            await self.envelope_row(data.envelope_code)
            if await self.repo.call_by_slug(data.slug) is not None:
                raise Conflict(f"L'appel « {data.slug} » existe déjà.", code="call_exists")
            call_id = await self.repo.insert_call(
                {
                    "slug": data.slug,
                    "title": data.title,
                    "description": data.description,
                    "envelope_code": data.envelope_code,
                    "opens_on": data.opens_on,
                    "closes_on": data.closes_on,
                    "max_rate_bp": data.max_rate_bp,
                    "audiences": msgspec.json.encode(list(data.audiences)).decode(),
                    "rules": encode_rule(data.rules),
                    "grant_months": data.grant_months,
                    "published": 1,
                    "created_at": self.clock(),
                }
            )
            work.audit(audit(actor, "funding.call.create", "call", call_id, data={"slug": data.slug}))
        return await self.get_call(call_id)

    def _call_view(self, row: dict[str, Any], labels: dict[str, str]) -> CallView:
        today = self.today()
        return CallView(
            id=row["id"],
            slug=row["slug"],
            title=row["title"],
            description=row["description"],
            envelope_code=row["envelope_code"],
            envelope_label=labels.get(row["envelope_code"], row["envelope_code"]),
            opens_on=row["opens_on"],
            closes_on=row["closes_on"],
            max_rate_bp=row["max_rate_bp"],
            audiences=tuple(msgspec.json.decode(row["audiences"])),
            rules=decode_rule(row["rules"]),
            grant_months=row["grant_months"],
            open_now=row["opens_on"] <= today <= row["closes_on"],
        )

    async def _labels(self) -> dict[str, str]:
        return {e["code"]: e["label"] for e in await self.repo.envelopes()}

    async def list_calls(self) -> list[CallView]:
        labels = await self._labels()
        return [self._call_view(r, labels) for r in await self.repo.calls(published_only=True)]

    async def get_call(self, call_id: int) -> CallView:
        row = await self.repo.call(call_id)
        if row is None or not row["published"]:
            raise NotFound("Appel à projets introuvable.", code="call_not_found")
        return self._call_view(row, await self._labels())
