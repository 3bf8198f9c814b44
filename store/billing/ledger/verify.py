"""``ledger verify``: re-derive every ledger invariant from the stored history.

Reads one consistent snapshot (REPEATABLE READ on PostgreSQL, a read transaction on SQLite), replays
every transfer from genesis and compares with the stored counters, recomputes the hash chain and the
period seals. Invariant ids refer to research/ledger.md §4.1.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import msgspec

from store.billing.ledger.chain import GENESIS, chain_hash, snapshot_hash
from store.billing.ledger.codes import AccountCode, Flag, Kind, TransferCode
from store.billing.ledger.schemas import StoredResult
from store.billing.ledger.sql import Sql
from store.kit.db import Database

GRANT_PAYMENT = "commitment.consume"
"""A payment to the laureate of a project grant: it consumes the commitment without any invoice, so
the cross-ledger rule (consumption = funder shares invoiced) does not apply to it."""


class CheckResult(msgspec.Struct, frozen=True):
    invariant: str
    name: str
    ok: bool
    checked: int
    detail: str = ""


class _Collector:
    def __init__(self) -> None:
        self.failures: dict[str, list[str]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def check(self, key: str, condition: bool, message: str) -> None:
        self.counts[key] += 1
        if not condition and len(self.failures[key]) < 5:
            self.failures[key].append(message)
        elif not condition:
            self.failures[key].append("…")

    def result(self, key: str, invariant: str, name: str) -> CheckResult:
        failures = self.failures.get(key, [])
        shown = [f for f in failures if f != "…"][:5]
        return CheckResult(invariant, name, not failures, self.counts.get(key, 0), "; ".join(shown))


async def load_history(db: Database) -> dict[str, Any]:
    sql = Sql(db)
    async with db.engine.transaction():
        if sql.pg:
            await sql.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return await read_history(sql)


async def read_history(sql: Sql) -> dict[str, Any]:
    """Everything the verifier needs, read in the caller's (snapshot) transaction."""
    return {
        "accounts": await sql.fetch(
            "SELECT id, ledger, code, owner_ref, flags, debits_pending, debits_posted, credits_pending, "
            "credits_posted FROM ledger_account"
        ),
        "journals": await sql.fetch(
            "SELECT id, seq, idempotency_key, request_hash, kind, status, actor, result, effective_date, "
            "prev_hash, hash, recorded_at_us FROM ledger_journal ORDER BY seq"
        ),
        "transfers": await sql.fetch(
            "SELECT id, journal_seq, leg, ledger, code, kind, debit_account_id, credit_account_id, amount, "
            "pending_id, timeout_at_us, business_ref, effective_date, recorded_at_us FROM ledger_transfer "
            "ORDER BY journal_seq, leg"
        ),
        "head": await sql.fetch("SELECT seq, hash FROM ledger_chain_head WHERE id = 1"),
        "periods": await sql.fetch("SELECT period, seal_seq FROM ledger_period ORDER BY period"),
    }


def verify_history(history: dict[str, Any]) -> list[CheckResult]:
    c = _Collector()
    accounts = {a["id"]: a for a in history["accounts"]}
    by_journal: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for t in history["transfers"]:
        by_journal[int(t["journal_seq"])].append(t)
    transfers_by_id = {t["id"]: t for t in history["transfers"]}
    replay: dict[str, list[int]] = {i: [0, 0, 0, 0] for i in accounts}
    resolutions: dict[str, list[str]] = defaultdict(list)
    seals = {int(p["seal_seq"]): p["period"] for p in history["periods"]}
    closed: list[tuple[int, str]] = []  # (seal seq, period) in chain order

    prev_hash, prev_us, expected_seq = GENESIS, -1, 1
    for j in history["journals"]:
        seq = int(j["seq"])
        legs = by_journal.get(seq, [])
        c.check("chain", seq == expected_seq, f"séquence {seq} au lieu de {expected_seq}")
        c.check("chain", j["prev_hash"] == prev_hash, f"journal {seq} : maillon précédent rompu")
        recomputed = chain_hash(j["prev_hash"], j, legs)
        c.check("chain", recomputed == j["hash"], f"journal {seq} : empreinte recalculée différente")
        c.check("time", int(j["recorded_at_us"]) > prev_us, f"journal {seq} : horodatage non croissant")
        expected_seq, prev_hash, prev_us = seq + 1, j["hash"], int(j["recorded_at_us"])
        try:
            stored = msgspec.json.decode(j["result"], type=StoredResult)
        except msgspec.DecodeError:
            c.check("idempotency", False, f"journal {seq} : réponse illisible")
            continue
        c.check(
            "idempotency",
            stored.status == j["status"] and tuple(t["id"] for t in legs) == stored.transfer_ids,
            f"journal {seq} : réponse et mouvements divergent",
        )
        c.check("idempotency", j["status"] == "applied" or not legs, f"journal {seq} rejeté avec mouvements")
        consume = sum(
            (t["amount"] if t["code"] == TransferCode.CONSUME else -t["amount"])
            for t in legs
            if t["code"] in (TransferCode.CONSUME, TransferCode.CONSUME_REVERSAL)
            and t["kind"] in (Kind.SINGLE, Kind.POST)
        )
        funder = sum(
            (t["amount"] if t["code"] == TransferCode.CHARGE_FUNDER_SHARE else -t["amount"])
            for t in legs
            if t["code"]
            in (
                TransferCode.CHARGE_FUNDER_SHARE,
                TransferCode.CN_FUNDER_PREPAYMENT,
                TransferCode.CN_FUNDER_POSTPAYMENT,
            )
        )
        c.check(
            "cross_ledger",
            consume == funder or j["kind"] == GRANT_PAYMENT,
            f"journal {seq} : consommé {consume} ≠ part financeur {funder}",
        )
        for t in legs:
            dr, cr = accounts.get(t["debit_account_id"]), accounts.get(t["credit_account_id"])
            c.check(
                "transfers",
                t["amount"] > 0
                and dr is not None
                and cr is not None
                and t["debit_account_id"] != t["credit_account_id"]
                and dr["ledger"] == cr["ledger"] == t["ledger"],
                f"mouvement {t['id']} invalide",
            )
            if dr is None or cr is None:
                continue
            if not j["kind"].startswith("period."):
                frozen = [p for s, p in closed if t["effective_date"][:7] <= p]
                c.check("periods", not frozen, f"mouvement {t['id']} daté dans la période close {frozen[:1]}")
            d, k = replay[t["debit_account_id"]], replay[t["credit_account_id"]]
            kind = t["kind"]
            if kind == Kind.SINGLE:
                d[1] += t["amount"]
                k[3] += t["amount"]
            elif kind == Kind.PENDING:
                d[0] += t["amount"]
                k[2] += t["amount"]
            else:
                pending = transfers_by_id.get(t["pending_id"])
                resolutions[t["pending_id"]].append(t["id"])
                ok = (
                    pending is not None
                    and pending["kind"] == Kind.PENDING
                    and int(pending["journal_seq"]) <= seq
                    and (pending["debit_account_id"], pending["credit_account_id"])
                    == (t["debit_account_id"], t["credit_account_id"])
                    and (
                        t["amount"] <= pending["amount"]
                        if kind == Kind.POST
                        else t["amount"] == pending["amount"]
                    )
                )
                if ok and pending is not None and pending["timeout_at_us"] is not None:
                    expired = t["recorded_at_us"] >= pending["timeout_at_us"]
                    ok = expired if kind == Kind.EXPIRE else not expired
                c.check("two_phase", ok, f"résolution {t['id']} incohérente avec sa réservation")
                if pending is not None:
                    d[0] -= pending["amount"]
                    k[2] -= pending["amount"]
                if kind == Kind.POST:
                    d[1] += t["amount"]
                    k[3] += t["amount"]
        if seq in seals:
            closed.append((seq, seals[seq]))
        if j["kind"] == "period.close" and j["status"] == "applied":
            rows = [(i, *v) for i, v in replay.items() if any(v)]
            c.check(
                "seals",
                stored.memo.get("sealed_head_hash") == j["prev_hash"]
                and stored.memo.get("snapshot_hash") == snapshot_hash(rows)
                and stored.memo.get("sealed_through_seq") == seq - 1,
                f"scellement de {stored.memo.get('period')} (journal {seq}) non conforme",
            )
    for pending_id, ids in resolutions.items():
        c.check("two_phase", len(ids) == 1, f"réservation {pending_id} soldée {len(ids)} fois")
    head: dict[str, Any] = history["head"][0] if history["head"] else {"seq": 0, "hash": GENESIS}
    c.check(
        "chain",
        int(head["seq"]) == expected_seq - 1 and head["hash"] == prev_hash,
        "tête de chaîne divergente",
    )

    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for account_id, a in accounts.items():
        stored_counters = [a["debits_pending"], a["debits_posted"], a["credits_pending"], a["credits_posted"]]
        c.check("replay", stored_counters == replay[account_id], f"compte {a['owner_ref']} : soldes ≠ rejeu")
        total = sums[int(a["ledger"])]
        for i in range(4):
            total[i] += stored_counters[i]
        dp, dpo, cp, cpo = stored_counters
        flags = int(a["flags"])
        c.check(
            "flags",
            min(stored_counters) >= 0
            and (flags & 3) != 3
            and (not flags & Flag.DMNEC or dp + dpo <= cpo)
            and (not flags & Flag.CMNED or cp + cpo <= dpo),
            f"compte {a['owner_ref']} : drapeaux de solde violés",
        )
        if a["code"] == AccountCode.INVOICE_CLEARING:
            c.check("clearing", dpo == cpo and dp == cp, f"compte de passage {a['owner_ref']} non soldé")
    for ledger, (dp, dpo, cp, cpo) in sums.items():
        c.check("double_entry", dp == cp and dpo == cpo, f"grand livre {ledger} : débits ≠ crédits")

    return [
        c.result("double_entry", "L1", "Débits = crédits par grand livre (validés et en attente)"),
        c.result("transfers", "L2", "Mouvements valides (montant > 0, comptes distincts, même grand livre)"),
        c.result("flags", "L3/B1", "Drapeaux de solde respectés (jamais de sur-engagement)"),
        c.result("idempotency", "L5", "Réponses stockées conformes aux mouvements"),
        c.result("two_phase", "L6", "Réservations soldées au plus une fois, dans les délais"),
        c.result("replay", "L8", "Soldes = rejeu de tous les mouvements depuis l'origine"),
        c.result("chain", "L9", "Chaîne d'empreintes continue et intègre"),
        c.result("time", "L10", "Horodatages strictement croissants"),
        c.result("periods", "B6", "Aucun mouvement daté dans une période close"),
        c.result("clearing", "S2", "Compte de passage soldé"),
        c.result("cross_ledger", "S3", "Consommation budgétaire = part facturée aux financeurs"),
        c.result("seals", "L9/§3.9", "Scellements de période conformes au rejeu"),
    ]


async def verify_ledger(db: Database) -> list[CheckResult]:
    return verify_history(await load_history(db))
