"""Pure-Python reference model (oracle) of the ledger: TigerBeetle semantics, in cents.

Used by the stateful tests as the expected state ("auditor"), and runnable alone in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DMNEC, CMNED, CLOSED = 1, 2, 4


class Rejected(Exception):
    """Business rejection (not a bug): exceeds_credits, pending_transfer_expired, ..."""


@dataclass
class Account:
    id: str
    ledger: int
    flags: int = 0
    dr_pending: int = 0
    dr_posted: int = 0
    cr_pending: int = 0
    cr_posted: int = 0

    def check(self) -> None:
        if self.flags & DMNEC and self.dr_pending + self.dr_posted > self.cr_posted:
            raise Rejected(f"exceeds_credits:{self.id}")
        if self.flags & CMNED and self.cr_pending + self.cr_posted > self.dr_posted:
            raise Rejected(f"exceeds_debits:{self.id}")


@dataclass(frozen=True)
class T:  # one leg: debit `dr`, credit `cr`
    id: str
    dr: str
    cr: str
    amount: int
    kind: str = "single"  # single | pending | post | void | expire
    pending_id: str | None = None
    timeout_at: int | None = None  # virtual-clock seconds


@dataclass
class Ledger:
    accounts: dict[str, Account] = field(default_factory=dict)
    transfers: dict[str, T] = field(default_factory=dict)
    resolved: dict[str, str] = field(default_factory=dict)  # pending id -> resolving transfer id
    journals: dict[str, tuple[object, object]] = field(default_factory=dict)  # idem key -> (request, result)
    now: int = 0

    def open(self, acc: Account) -> None:
        assert acc.id not in self.accounts
        self.accounts[acc.id] = acc

    def submit(self, key: str, request: tuple[T, ...]):
        """Atomic, idempotent journal: all legs or none. Replays return the stored result."""
        if key in self.journals:
            prev_req, prev_res = self.journals[key]
            if prev_req != request:
                raise ValueError("idempotency_key_reused")
            return prev_res
        snapshot = {k: Account(**vars(a)) for k, a in self.accounts.items()}
        try:
            for t in request:
                self._apply(t)
            result = ("applied", tuple(t.id for t in request))
            for t in request:
                self.transfers[t.id] = t
        except Rejected as e:
            self.accounts = snapshot
            result = ("rejected", str(e))
        self.journals[key] = (request, result)
        return result

    def _apply(self, t: T) -> None:
        assert t.amount > 0
        assert t.dr != t.cr
        assert t.id not in self.transfers
        dr, cr = self.accounts[t.dr], self.accounts[t.cr]
        assert dr.ledger == cr.ledger
        if (dr.flags | cr.flags) & CLOSED and t.kind not in ("void", "expire"):
            raise Rejected("account_closed")
        if t.kind in ("single", "pending"):
            if t.kind == "pending":
                dr.dr_pending += t.amount
                cr.cr_pending += t.amount
            else:
                dr.dr_posted += t.amount
                cr.cr_posted += t.amount
        else:
            p = self.transfers.get(t.pending_id)
            if p is None or p.kind != "pending":
                raise Rejected("pending_transfer_not_found")
            if t.pending_id in self.resolved:
                raise Rejected("pending_transfer_already_resolved")
            expired = p.timeout_at is not None and self.now >= p.timeout_at
            if t.kind in ("post", "void") and expired:
                raise Rejected("pending_transfer_expired")
            if t.kind == "expire" and not expired:
                raise Rejected("pending_transfer_not_expired")
            if (t.dr, t.cr) != (p.dr, p.cr) or t.amount > p.amount:
                raise Rejected("pending_transfer_mismatch")
            dr.dr_pending -= p.amount
            cr.cr_pending -= p.amount
            if t.kind == "post":  # partial post releases the remainder
                dr.dr_posted += t.amount
                cr.cr_posted += t.amount
            self.resolved[t.pending_id] = t.id
        dr.check()
        cr.check()

    # --- invariants (also run against the real database in the stateful test) ---
    def check_invariants(self) -> None:
        for ledger in {a.ledger for a in self.accounts.values()}:
            accs = [a for a in self.accounts.values() if a.ledger == ledger]
            assert sum(a.dr_posted for a in accs) == sum(a.cr_posted for a in accs)
            assert sum(a.dr_pending for a in accs) == sum(a.cr_pending for a in accs)
        for a in self.accounts.values():
            assert min(a.dr_pending, a.dr_posted, a.cr_pending, a.cr_posted) >= 0
            a.check()
        # replay equality: counters == fold over immutable transfers
        replay = {k: [0, 0, 0, 0] for k in self.accounts}
        for t in self.transfers.values():
            if t.kind == "single":
                replay[t.dr][1] += t.amount
                replay[t.cr][3] += t.amount
            elif t.kind == "pending" and t.id not in self.resolved:
                replay[t.dr][0] += t.amount
                replay[t.cr][2] += t.amount
            elif t.kind == "post":
                replay[t.dr][1] += t.amount
                replay[t.cr][3] += t.amount
        for k, a in self.accounts.items():
            assert [a.dr_pending, a.dr_posted, a.cr_pending, a.cr_posted] == replay[k], k
