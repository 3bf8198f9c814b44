"""A horizontal bar chart rendered on the server as accessible SVG (no JavaScript)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import count

import msgspec
from markupsafe import Markup, escape

from store.web.charts.units import unit_for

BAR_HEIGHT, BAR_THICKNESS = 24, 16
LABEL_WIDTH, VALUE_WIDTH = 260, 110
LABEL_CHARS = 36
_ids = count(1)


class Bar(msgspec.Struct, frozen=True):
    label: str
    value: int


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def render_bar_chart(
    bars: Sequence[Bar | tuple[str, int]],
    *,
    title: str,
    unit: str,
    formatter: Callable[[int], str] | None = None,
    width: int = 640,
    unit_one: str | None = None,
    table_id: str | None = None,
) -> Markup:
    """One bar per row, longest = largest value; each bar carries a ``<title>`` with its figure.

    Labels longer than the label column are shortened with an ellipsis in the drawing, never in the
    ``<title>``. Negative values are refused: the chart has no axis below zero. ``table_id`` names
    the table of the page holding the same figures (``aria-describedby``).
    """
    fmt = formatter or _thousands
    rows = [b if isinstance(b, Bar) else Bar(*b) for b in bars]
    if any(b.value < 0 for b in rows):
        raise ValueError("bar values must be non-negative")
    uid = f"ts-bars-{next(_ids)}"
    top = max((b.value for b in rows), default=0) or 1
    span = width - LABEL_WIDTH - VALUE_WIDTH
    height = max(1, len(rows)) * BAR_HEIGHT
    described = f' aria-describedby="{escape(table_id)}"' if table_id else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ts-chart" role="img" '
        f'aria-labelledby="{uid}-t"{described} '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f'<title id="{uid}-t">{escape(title)}</title>',
    ]
    for i, bar in enumerate(rows):
        y = i * BAR_HEIGHT
        short = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
        said = f"{fmt(bar.value)} {unit_for(bar.value, unit, unit_one)}".strip()
        length = round(span * bar.value / top)
        parts.append(
            f'<g class="ts-chart__bar"><title>{escape(bar.label)} : {escape(said)}</title>'
            f'<text x="0" y="{y + 16}">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{BAR_THICKNESS}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}">{escape(said)}</text></g>'
        )
    if not rows:
        parts.append('<text x="0" y="16">Aucune donnée.</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated value is escaped above
