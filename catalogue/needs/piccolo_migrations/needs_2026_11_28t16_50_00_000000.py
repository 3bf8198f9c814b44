"""Constraints Piccolo cannot declare portably (see store.kit.migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="needs", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("consultation_phase_kind", "consultation_phase", "consultation, kind"),
            unique_index("consultation_phase_position", "consultation_phase", "consultation, position"),
            # Decidim: at most one active step per process.
            unique_index("consultation_phase_one_active", "consultation_phase", "consultation", where="active"),
            check("consultation_phase_dates", "consultation_phase", "starts_at < ends_at"),
            check("consultation_phase_kind_known", "consultation_phase", "kind IN ('collecte', 'regroupement', 'vote', 'selection', 'positionnement', 'deploiement', 'terminee')"),
            check("consultation_limits_not_negative", "consultation", "vote_limit >= 0 AND minimum_votes_per_voter >= 0 AND threshold_per_proposal >= 0 AND default_pilot_capacity >= 0"),
            check("contribution_kind_known", "contribution", "kind IN ('besoin', 'service_existant')"),
            check("contribution_state_known", "contribution", "state IN ('draft', 'published', 'reoriented', 'rejected', 'merged')"),
            check("contribution_rejection_has_reason", "contribution", "state NOT IN ('rejected', 'reoriented') OR outcome_message <> ''"),
            unique_index("contribution_beneficiary_pair", "contribution_beneficiary", "contribution, collectivite"),
            check("proposal_state_known", "proposal", "state IN ('published', 'withdrawn')"),
            check("proposal_kind_known", "proposal", "kind IN ('nouveau_service', 'acceleration_service_existant')"),
            unique_index("proposal_source_pair", "proposal_source", "proposal, contribution"),
        )
    )
    return manager
