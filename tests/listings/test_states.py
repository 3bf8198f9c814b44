"""The life cycle as data: the table of legal moves, written out independently of the code."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from catalogue.listings.states import (
    FINAL_STATES,
    TRANSITIONS,
    Action,
    State,
    actions_from,
    transition_for,
)

LEGAL: dict[tuple[Action, State], tuple[State, frozenset[str]]] = {
    (Action.submit, State.draft): (State.submitted, frozenset({"publisher"})),
    (Action.submit, State.changes_requested): (State.submitted, frozenset({"publisher"})),
    (Action.request_changes, State.submitted): (State.changes_requested, frozenset({"curator"})),
    (Action.approve, State.submitted): (State.published, frozenset({"curator"})),
    (Action.reject, State.submitted): (State.rejected, frozenset({"curator"})),
    (Action.suspend, State.published): (State.suspended, frozenset({"curator"})),
    (Action.reinstate, State.suspended): (State.published, frozenset({"curator"})),
    (Action.retire, State.published): (State.retired, frozenset({"publisher", "curator"})),
    (Action.retire, State.suspended): (State.retired, frozenset({"publisher", "curator"})),
}


def test_every_action_from_every_state_is_legal_exactly_as_the_table_says() -> None:
    for action in Action:
        for state in State:
            transition = transition_for(action, state)
            if (action, state) in LEGAL:
                target, roles = LEGAL[(action, state)]
                assert transition is not None, (action, state)
                assert transition.target == target
                assert transition.roles == roles
            else:
                assert transition is None, (action, state)


def test_reasons_are_mandatory_for_curators_negative_decisions_only() -> None:
    required = {a for a, t in TRANSITIONS.items() if t.reason_required_for}
    assert required == {Action.request_changes, Action.reject, Action.suspend, Action.retire}
    assert TRANSITIONS[Action.retire].reason_required_for == {"curator"}


def test_buttons_offered_match_the_table() -> None:
    assert actions_from(State.draft, "publisher") == [Action.submit]
    assert actions_from(State.draft, "curator") == []
    assert set(actions_from(State.submitted, "curator")) == {
        Action.request_changes,
        Action.approve,
        Action.reject,
    }
    assert actions_from(State.published, "publisher") == [Action.retire]
    for final in FINAL_STATES:
        assert actions_from(final, "publisher") == actions_from(final, "curator") == []


@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.sampled_from(["publisher", "curator"]))))
def test_random_sequences_only_take_legal_moves_and_publication_always_follows_review(steps) -> None:
    state = State.draft
    reviewed = False
    for action, role in steps:
        transition = transition_for(action, state)
        if transition is None or role not in transition.roles:
            continue  # refused: the state must not change
        if transition.target == State.published:
            # Publication happens only from a review (approve) or after a prior one (reinstate).
            assert state == State.submitted or (state == State.suspended and reviewed)
            reviewed = True
        assert state not in FINAL_STATES
        assert (action, state) in LEGAL
        assert role in LEGAL[(action, state)][1]
        state = transition.target
    assert state in set(State)
