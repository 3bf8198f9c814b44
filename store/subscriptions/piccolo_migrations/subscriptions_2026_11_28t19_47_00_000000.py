"""Constraints Piccolo cannot declare portably (see store.kit.migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T19:47:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one live subscription per collectivité and listing; states, amounts and segments checked"

STATES = "'requested', 'pending_signature', 'active', 'suspended', 'terminated', 'rejected'"
LIVE = "state IN ('requested', 'pending_signature', 'active', 'suspended')"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="subscriptions", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("subscription_one_live", "subscription", "listing, collectivite", LIVE),
            unique_index(
                "subscription_coverage_one_live", "subscription_coverage", "listing, collectivite", "live"
            ),
            unique_index(
                "subscription_segment_one_open", "subscription_segment", "subscription", "ends_on IS NULL"
            ),
            unique_index("subscription_command_key", "subscription_command", "account_id, key"),
            check("subscription_state_known", "subscription", f"state IN ({STATES})"),
            check(
                "subscription_amounts_not_negative",
                "subscription",
                "yearly_ht_cents >= 0 AND estimated_value_cents >= 0 "
                "AND vat_rate_bp >= 0 AND vat_rate_bp <= 10000 AND duration_months > 0",
            ),
            check(
                "subscription_cost_sharing_known",
                "subscription",
                "cost_sharing IS NULL OR cost_sharing IN ('equal', 'population', 'custom')",
            ),
            check(
                "subscription_segment_dates",
                "subscription_segment",
                "ends_on IS NULL OR ends_on >= starts_on",
            ),
            check("subscription_segment_amount", "subscription_segment", "yearly_ht_cents >= 0"),
            check(
                "subscription_coverage_share",
                "subscription_coverage",
                "share_bp IS NULL OR (share_bp >= 0 AND share_bp <= 10000)",
            ),
        )
    )
    return manager
