"""Constraints Piccolo cannot declare portably (see store.kit.migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql

ID = "2026-11-28T20:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="funding", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            check("funding_envelope_kind", "funding_envelope", "kind IN ('plan', 'axe', 'guichet', 'part')"),
            check("funding_call_rate", "funding_call", "max_rate_bp >= 1 AND max_rate_bp <= 10000"),
            check("funding_call_window", "funding_call", "closes_on >= opens_on AND grant_months >= 1"),
            check(
                "funding_application_amounts",
                "funding_application",
                "budget_cents > 0 AND requested_cents > 0 AND requested_cents <= budget_cents "
                "AND awarded_cents >= 0 AND awarded_cents <= requested_cents",
            ),
            check(
                "funding_application_state",
                "funding_application",
                "state IN ('submitted', 'eligible', 'ineligible', 'in_review', 'awarded', 'declined')",
            ),
            check("funding_reservation_amount", "funding_reservation", "amount_cents > 0"),
            check("funding_payment_amount", "funding_payment", "amount_cents > 0"),
            check(
                "funding_listing_grant_terms",
                "funding_listing_grant",
                "cap_bp >= 1 AND cap_bp <= 10000 AND amount_cents > 0 AND until_period >= from_period",
            ),
        )
    )
    return manager
