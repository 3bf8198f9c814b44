"""The map's outlines are rounded without drifting: every point stays within 0.05 of the source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.maps.regenerate import RegenerationError, absolute_rings, compact_path


def test_moves_after_a_closed_ring_start_from_its_first_point() -> None:
    rings = absolute_rings("m 10,10 5,0 0,5 z m 1,1 1,0 0,1 z")
    assert rings == [[(10, 10), (15, 10), (15, 15)], [(11, 11), (12, 11), (12, 12)]]
    assert compact_path(rings) == "m10,10 5,0 0,5zm1,1 1,0 0,1z"


def test_absolute_commands_are_refused() -> None:
    with pytest.raises(RegenerationError):
        absolute_rings("M 1,1 2,2 z")


steps = st.lists(
    st.tuples(st.floats(-50, 50, allow_nan=False), st.floats(-50, 50, allow_nan=False)),
    min_size=3,
    max_size=40,
)


@given(st.lists(steps, min_size=1, max_size=4))
def test_rounding_never_drifts_along_a_border(relative_rings: list[list[tuple[float, float]]]) -> None:
    path = " ".join(
        "m " + " ".join(f"{dx:.5f},{dy:.5f}" for dx, dy in ring) + " z" for ring in relative_rings
    )
    source = absolute_rings(path)
    compacted = absolute_rings(compact_path(source))
    # (A ring that collapses to fewer than three points is dropped, so compare with every point.)
    points = [point for ring in source for point in ring]
    for x, y in (point for ring in compacted for point in ring):
        assert min(max(abs(x - p), abs(y - q)) for p, q in points) <= 0.05 + 1e-9
