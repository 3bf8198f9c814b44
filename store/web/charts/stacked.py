"""Stacked horizontal bars: one bar per row split into series (what an envelope's allocation is
made of: consumed, committed, reserved, available), as accessible SVG with a legend."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import count

import msgspec
from markupsafe import Markup, escape

from store.web.charts.bars import BAR_HEIGHT, BAR_THICKNESS, LABEL_CHARS, LABEL_WIDTH, VALUE_WIDTH

_ids = count(1)


class Series(msgspec.Struct, frozen=True):
    key: str
    label: str
    fill: str


class StackedBar(msgspec.Struct, frozen=True):
    label: str
    values: Mapping[str, int]
    """Value per series key; a missing key counts as zero."""


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def render_stacked_bars(
    bars: Sequence[StackedBar],
    *,
    title: str,
    series: Sequence[Series],
    formatter: Callable[[int], str] | None = None,
    width: int = 640,
    table_id: str | None = None,
) -> Markup:
    """Bars as long as their total (the longest = the largest total), segments in ``series`` order,
    a ``<title>`` on every segment and on every bar, and a legend of the series."""
    fmt = formatter or _thousands
    if any(v < 0 for b in bars for v in b.values.values()):
        raise ValueError("stacked values must be non-negative")
    unknown = {k for b in bars for k in b.values} - {s.key for s in series}
    if unknown:
        raise ValueError(f"values for unknown series {sorted(unknown)}")
    uid = f"ts-stack-{next(_ids)}"
    totals = [sum(b.values.values()) for b in bars]
    top = max(totals, default=0) or 1
    span = width - LABEL_WIDTH - VALUE_WIDTH
    height = max(1, len(bars)) * BAR_HEIGHT
    described = f' aria-describedby="{escape(table_id)}"' if table_id else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ts-chart ts-chart--stacked" role="img" '
        f'aria-labelledby="{uid}-t"{described} width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<title id="{uid}-t">{escape(title)}</title>',
    ]
    for i, (bar, total) in enumerate(zip(bars, totals, strict=True)):
        y = i * BAR_HEIGHT
        short = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
        detail = " ; ".join(f"{s.label} : {fmt(bar.values.get(s.key, 0))}" for s in series)
        parts.append(
            f'<g class="ts-chart__bar"><title>{escape(bar.label)} : {escape(fmt(total))} '
            f"({escape(detail)})</title>"
            f'<text x="0" y="{y + 16}">{escape(short)}</text>'
        )
        x = 0
        for s in series:
            value = bar.values.get(s.key, 0)
            end = round(span * (x + value) / top)
            start = round(span * x / top)
            if end > start:
                parts.append(
                    f'<rect class="ts-chart__segment" x="{LABEL_WIDTH + start}" y="{y + 4}" '
                    f'width="{end - start}" height="{BAR_THICKNESS}" style="fill:{s.fill}">'
                    f"<title>{escape(bar.label)} — {escape(s.label)} : {escape(fmt(value))}</title></rect>"
                )
            x += value
        length = round(span * total / top)
        parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}">{escape(fmt(total))}</text></g>')
    if not bars:
        parts.append('<text x="0" y="16">Aucune donnée.</text>')
    parts.append("</svg>")
    legend = "".join(
        f'<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" '
        f'style="fill:{s.fill}" stroke="#929292"/></svg> {escape(s.label)}</li>'
        for s in series
    )
    return Markup(  # noqa: S704 - every interpolated value is escaped above
        f'<div class="ts-stacked">{"".join(parts)}'
        f'<ul class="ts-map__legend" aria-label="Légende : {escape(title)}">{legend}</ul></div>'
    )
