"""Ledger and billing constraints Piccolo cannot declare: CHECKs (triggers on SQLite), partial and
composite unique indexes, append-only history, immutable issued invoices, clearing at commit."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:52:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints"

APPEND_ONLY = ("ledger_journal", "ledger_transfer", "ledger_period", "billing_payment")
FROZEN_INVOICE_COLUMNS = (
    "kind, issuer_siren, payer_siren, series, year, seq, number, period, total_ht, total_vat, "
    "total_ttc, issue_date, due_date, corrects_id, journal_seq"
)

PG_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION ledger_forbid_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only table: %', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$""",
    """CREATE OR REPLACE FUNCTION ledger_check_clearing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_account WHERE id = NEW.id
               AND (debits_posted <> credits_posted OR debits_pending <> credits_pending)) THEN
        RAISE EXCEPTION 'clearing account % not balanced at commit', NEW.owner_ref
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$""",
    """CREATE OR REPLACE FUNCTION billing_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.seq IS NOT NULL THEN
            RAISE EXCEPTION 'issued invoice % is immutable', OLD.number USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.seq IS NOT NULL AND (ROW(NEW.kind, NEW.issuer_siren, NEW.payer_siren, NEW.series, NEW.year,
            NEW.seq, NEW.number, NEW.period, NEW.total_ht, NEW.total_vat, NEW.total_ttc, NEW.issue_date,
            NEW.due_date, NEW.corrects_id, NEW.journal_seq)
        IS DISTINCT FROM ROW(OLD.kind, OLD.issuer_siren, OLD.payer_siren, OLD.series, OLD.year, OLD.seq,
            OLD.number, OLD.period, OLD.total_ht, OLD.total_vat, OLD.total_ttc, OLD.issue_date,
            OLD.due_date, OLD.corrects_id, OLD.journal_seq)) THEN
        RAISE EXCEPTION 'issued invoice % is immutable', OLD.number USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$""",
    """CREATE OR REPLACE FUNCTION billing_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target text := CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
BEGIN
    IF EXISTS (SELECT 1 FROM billing_invoice WHERE id = target AND seq IS NOT NULL)
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM billing_invoice WHERE id = OLD.invoice_id
                                        AND seq IS NOT NULL)) THEN
        RAISE EXCEPTION 'lines of an issued invoice are immutable' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$""",
]

PG_TRIGGERS = [
    *[
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_forbid_mutation()"
        for table in APPEND_ONLY
    ],
    "CREATE CONSTRAINT TRIGGER ledger_clearing_zero AFTER INSERT OR UPDATE ON ledger_account "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.code = 2900) "
    "EXECUTE FUNCTION ledger_check_clearing()",
    "CREATE TRIGGER billing_invoice_frozen BEFORE UPDATE OR DELETE ON billing_invoice "
    "FOR EACH ROW EXECUTE FUNCTION billing_invoice_guard()",
    "CREATE TRIGGER billing_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON billing_invoice_line "
    "FOR EACH ROW EXECUTE FUNCTION billing_line_guard()",
]

SQLITE_TRIGGERS = [
    *[
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{event.lower()} BEFORE {event} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'append-only table: {table}'); END"
        for table in APPEND_ONLY
        for event in ("UPDATE", "DELETE")
    ],
    f"CREATE TRIGGER IF NOT EXISTS billing_invoice_frozen_update BEFORE UPDATE OF {FROZEN_INVOICE_COLUMNS} "
    "ON billing_invoice FOR EACH ROW WHEN OLD.seq IS NOT NULL "
    "BEGIN SELECT RAISE(ABORT, 'issued invoice is immutable'); END",
    "CREATE TRIGGER IF NOT EXISTS billing_invoice_frozen_delete BEFORE DELETE ON billing_invoice "
    "FOR EACH ROW WHEN OLD.seq IS NOT NULL BEGIN SELECT RAISE(ABORT, 'issued invoice is immutable'); END",
    *[
        f"CREATE TRIGGER IF NOT EXISTS billing_line_frozen_{event.lower()} BEFORE {event} "
        f"ON billing_invoice_line FOR EACH ROW WHEN EXISTS (SELECT 1 FROM billing_invoice "
        f"WHERE id = {ref}.invoice_id AND seq IS NOT NULL) "
        "BEGIN SELECT RAISE(ABORT, 'lines of an issued invoice are immutable'); END"
        for event, ref in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
    ],
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="billing", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("ledger_account_natural", "ledger_account", "ledger, code, owner_ref"),
            unique_index("ledger_transfer_journal_leg", "ledger_transfer", "journal_seq, leg"),
            unique_index(
                "ledger_transfer_one_resolution", "ledger_transfer", "pending_id", "pending_id IS NOT NULL"
            ),
            unique_index(
                "billing_invoice_number", "billing_invoice", "issuer_siren, series, year, seq", "seq IS NOT NULL"
            ),
            check(
                "ledger_account_counters",
                "ledger_account",
                "debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0",
            ),
            check("ledger_account_flags_exclusive", "ledger_account", "(flags & 3) <> 3"),
            check(
                "ledger_account_dmnec",
                "ledger_account",
                "(flags & 1) = 0 OR debits_pending + debits_posted <= credits_posted",
            ),
            check(
                "ledger_account_cmned",
                "ledger_account",
                "(flags & 2) = 0 OR credits_pending + credits_posted <= debits_posted",
            ),
            check("ledger_transfer_amount_positive", "ledger_transfer", "amount > 0"),
            check("ledger_transfer_two_accounts", "ledger_transfer", "debit_account_id <> credit_account_id"),
            check(
                "ledger_transfer_pending_ref",
                "ledger_transfer",
                "(kind IN (2, 3, 4)) = (pending_id IS NOT NULL)",
            ),
            check("ledger_transfer_timeout", "ledger_transfer", "kind = 1 OR timeout_at_us IS NULL"),
            check("ledger_journal_status", "ledger_journal", "status IN ('applied', 'rejected')"),
            check("billing_grant_cap", "billing_grant", "cap_bp >= 0 AND cap_bp <= 10000 AND base IN ('ht', 'ttc')"),
            check("billing_charge_amount", "billing_charge", "amount_ht >= 0 AND vat_rate_bp >= 0 AND vat_rate_bp <= 10000"),
            check("billing_invoice_totals", "billing_invoice", "total_ttc = total_ht + total_vat AND total_ht >= 0 AND total_vat >= 0"),
            check("billing_invoice_kind", "billing_invoice", "kind IN ('invoice', 'credit_note')"),
            check("billing_payment_amounts", "billing_payment", "amount > 0 AND applied >= 0 AND excess >= 0 AND applied + excess = amount"),
            {"postgres": PG_FUNCTIONS + PG_TRIGGERS, "sqlite": SQLITE_TRIGGERS},
        )
    )
    return manager
