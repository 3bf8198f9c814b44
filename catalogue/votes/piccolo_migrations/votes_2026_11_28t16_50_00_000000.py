"""Constraints Piccolo cannot declare portably (see store.kit.migrations), and the references to
the proposals of catalogue.needs (a foreign key on PostgreSQL, aborting triggers on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints"


def references_proposal(table: str) -> dict[str, list[str]]:
    message = f"FOREIGN KEY constraint failed: {table}.proposal_id"
    return {
        "postgres": [
            f'ALTER TABLE "{table}" ADD CONSTRAINT {table}_proposal_fk '
            f'FOREIGN KEY (proposal_id) REFERENCES "proposal" (id) ON DELETE RESTRICT'
        ],
        "sqlite": [
            f'CREATE TRIGGER IF NOT EXISTS {table}_proposal_fk_{event} BEFORE {event.upper()} ON "{table}" '
            f'FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM "proposal" WHERE id = NEW.proposal_id) '
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for event in ("insert", "update")
        ],
    }


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="votes", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("ballot_voter", "ballot", "consultation_id, voter"),
            # Decidim FixProposalVoteUniqueIndexForSoftDelete: one live support per voter and proposal.
            unique_index("support_one_live_per_voter", "support", "proposal_id, voter", where="withdrawn_at IS NULL"),
            check("proposal_tally_not_negative", "proposal_tally", "supports >= 0"),
            check("selection_decision_known", "selection_decision", "decision IN ('selected', 'not_selected', 'deferred')"),
            check("selection_decision_amounts", "selection_decision", "funding_amount_cents >= 0 AND pilot_capacity >= 0"),
            check("interest_role_known", "interest_declaration", "role IN ('territoire_referent', 'early_adopter', 'cofinanceur', 'observateur')"),
            check("interest_state_known", "interest_declaration", "state IN ('submitted', 'accepted', 'declined', 'withdrawn')"),
            check("interest_cofunding_amount", "interest_declaration", "cofunding_amount_cents >= 0 AND (role <> 'cofinanceur' OR cofunding_amount_cents > 0)"),
            unique_index("interest_one_live_per_role", "interest_declaration", "proposal_id, collectivite, role", where="state IN ('submitted', 'accepted')"),
            check("milestone_progress_range", "deployment_milestone", "progress >= 0 AND progress <= 100 AND weight >= 1"),
            references_proposal("support"),
            references_proposal("proposal_tally"),
            references_proposal("selection_decision"),
            references_proposal("interest_declaration"),
            references_proposal("deployment_milestone"),
        )
    )
    return manager
