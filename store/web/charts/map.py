"""A choropleth map of the départements, rendered on the server as accessible SVG.

``render_departement_map(values, title=…, unit=…)`` returns a ``<figure>``: the map (one ``<path>``
per metropolitan département, one labelled tile per overseas département, each with a ``<title>``
naming it and its value), a legend, the credit of the base map, and a table of the same figures as
the text alternative. Values are non-negative integers keyed by INSEE département code; codes the
map does not know are listed under the table rather than silently dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from itertools import count
from typing import Any

import msgspec
from markupsafe import Markup, escape

from store.web.charts.departements import DepartementShape, departement_map
from store.web.charts.units import unit_for

PALETTE = ("#f6f6f6", "#e3e3fd", "#b1b1f9", "#7b7bf0", "#4646c8", "#000091")
"""Class 0 (no value or zero) then five steps of the DSFR blue-france ramp, lightest first."""
TEXT_ON = dict(zip(PALETTE, ("#161616",) * 4 + ("#ffffff",) * 2, strict=True))
STEPS = 5
TILE, TILE_GAP, TILES_TOP = 46, 8, 428
"""Overseas tiles: two columns in the Atlantic, bottom left of the metropolitan drawing."""
_ids = count(1)
EMPTY_ROW = '<tr><td colspan="3">Aucune donnée.</td></tr>'


class MapClass(msgspec.Struct, frozen=True):
    index: int
    lower: int
    upper: int
    fill: str


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def map_classes(values: Iterable[int], steps: int = STEPS) -> list[MapClass]:
    """Equal-width classes over 1…max (fewer when max is small); class 0 holds zero and no value."""
    if steps < 1 or steps > len(PALETTE) - 1:
        raise ValueError(f"steps must be between 1 and {len(PALETTE) - 1}")
    top = max((v for v in values if v > 0), default=0)
    k = min(steps, top)
    classes, lower = [MapClass(0, 0, 0, PALETTE[0])], 1
    for i in range(1, k + 1):
        upper = math.ceil(top * i / k)
        classes.append(MapClass(i, lower, upper, PALETTE[i if k == STEPS else round(i * STEPS / k)]))
        lower = upper + 1
    return classes


def class_of(value: int | None, classes: list[MapClass]) -> MapClass:
    if value is None or value <= 0:
        return classes[0]
    for cls in classes[1:]:
        if value <= cls.upper:
            return cls
    raise ValueError(f"{value} is above the last class")


def _legend_label(
    cls: MapClass, classes: list[MapClass], fmt: Callable[[int], str], *, continuous: bool
) -> str:
    """Counts read as exact ranges ("10 à 17"); formatted amounts, shown rounded, as continuous
    ones ("jusqu'à 2,4 M€", "2,4 M€ à 4,8 M€"), each class holding its upper bound."""
    if cls.index == 0:
        return "aucun"
    if cls.lower == cls.upper:
        return fmt(cls.upper)
    if not continuous:
        return f"{fmt(cls.lower)} à {fmt(cls.upper)}"
    if cls.index == 1:
        return f"jusqu'à {fmt(cls.upper)}"
    return f"{fmt(classes[cls.index - 1].upper)} à {fmt(cls.upper)}"


def _tile_position(index: int) -> tuple[int, int]:
    row, column = divmod(index, 2)
    return TILE_GAP + column * (TILE + TILE_GAP), TILES_TOP + row * (TILE + TILE_GAP)


def render_departement_map(
    values: Mapping[str, int],
    *,
    title: str,
    unit: str,
    formatter: Callable[[int], str] | None = None,
    caption: str | None = None,
    table_id: str | None = None,
    unit_one: str | None = None,
    map_id: str | None = None,
    shapes_of: str | None = None,
    legend_formatter: Callable[[int], str] | None = None,
) -> Markup:
    """The figure (map, legend, credit, table). ``formatter`` writes a value (default: thousands).

    ``legend_formatter`` writes the class bounds when they read better shorter than the values
    (``compact_eur`` for amounts shown exactly with ``format_eur``).

    ``shapes_of`` is the ``map_id`` of a map drawn earlier on the same page: this one then reuses its
    outlines (``<use>``) instead of repeating 100 kB of them (``DepartementMaps`` does it for you).

    ``table_id`` names a table of the page that already holds these figures: the map then points to
    it (``aria-describedby``) instead of repeating them in a table of its own. ``unit`` is plural
    ("soutiens"); after 0 or 1 its singular is used (``unit_one``, else the plural without its "s").
    """
    fmt = formatter or thousands
    negative = sorted(code for code, v in values.items() if v < 0)
    if negative:
        raise ValueError(f"negative values for {negative}")
    base = departement_map()
    classes = map_classes(values.values())
    uid = map_id or f"ts-map-{next(_ids)}"

    def said(value: int | None) -> str:
        return "aucune donnée" if value is None else f"{fmt(value)} {unit_for(value, unit, unit_one)}".strip()

    def shape(d: DepartementShape, body: str) -> str:
        value = values.get(d.code)
        cls = class_of(value, classes)
        return (
            f'<g class="ts-map__dep ts-map__c{cls.index}" data-code="{escape(d.code)}" '
            f'data-class="{cls.index}" fill="{cls.fill}">'
            f"<title>{escape(d.name)} ({escape(d.code)}) : {escape(said(value))}</title>{body}</g>"
        )

    width, height = base.width, base.height
    described = f' aria-describedby="{escape(table_id)}"' if table_id else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ts-map__svg" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d"{described} viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">Carte des départements ; les mêmes chiffres figurent dans le tableau '
        f"{'indiqué' if table_id else 'qui suit la carte'}.</desc>",
        '<g stroke="#ffffff" stroke-width="0.6">',
    ]
    overseas = []
    for d in base.departements:
        if d.path is None:
            overseas.append(d)
            continue
        outline = (
            f'<use href="#{escape(shapes_of)}-p{d.code}"/>'
            if shapes_of
            else f'<path id="{uid}-p{d.code}" d="{d.path}"/>'
        )
        parts.append(shape(d, outline))
    parts.append("</g>")
    if overseas:
        parts.append(
            f'<text x="{TILE_GAP}" y="{TILES_TOP - 6}" font-size="13" fill="#3a3a3a">Outre-mer</text>'
        )
    for index, d in enumerate(overseas):
        x, y = _tile_position(index)
        cls = class_of(values.get(d.code), classes)
        parts.append(
            shape(
                d,
                f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="4" stroke="#929292"/>'
                f'<text x="{x + TILE / 2:g}" y="{y + TILE / 2 + 5:g}" text-anchor="middle" '
                f'font-size="14" fill="{TEXT_ON[cls.fill]}">{escape(d.code)}</text>',
            )
        )
    parts.append("</svg>")
    legend = [f'<ul class="ts-map__legend" aria-label="Légende : {escape(unit or title)}">']
    for cls in classes:
        label = _legend_label(
            cls, classes, legend_formatter or fmt, continuous=(legend_formatter or formatter) is not None
        )
        label = f"{label} {unit_for(cls.upper, unit, unit_one)}".strip()
        legend.append(
            f'<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" '
            f'fill="{cls.fill}" stroke="#929292"/></svg> {escape(label)}</li>'
        )
    legend.append("</ul>")
    names = {d.code: d for d in base.departements}
    rows = [
        f"<tr><td>{escape(code)}</td><td>{escape(names[code].name)}</td>"
        f'<td class="ts-num">{escape(fmt(v))}</td></tr>'
        for code, v in sorted(values.items())
        if code in names
    ]
    unknown = sorted(code for code in values if code not in names)
    column = escape(unit.capitalize() or "Valeur")
    table = (
        f'<div class="ts-table-wrap fr-table ts-map__table"><table data-testid="map-table">'
        f'<caption>{escape(title)} (tableau)</caption><thead><tr><th scope="col">Code</th>'
        f'<th scope="col">Département</th><th scope="col">{column}</th></tr>'
        f"</thead><tbody>{''.join(rows) or EMPTY_ROW}</tbody></table>"
        + (f"<p>Codes hors carte : {escape(', '.join(unknown))}.</p>" if unknown else "")
        + "</div>"
    )
    if table_id:
        table = ""
    credit = (
        f"{escape(caption) + ' — ' if caption else ''}Outre-mer en cases (le fond de carte ne couvre "
        f"que la métropole). {escape(base.credit)}."
    )
    return Markup(  # noqa: S704 - every interpolated value is escaped above
        f'<figure class="ts-map" id="{uid}"><div class="ts-map__drawing">{"".join(parts)}{"".join(legend)}'
        f'<figcaption class="ts-map__credit">{credit}</figcaption></div>{table}</figure>'
    )


class DepartementMaps:
    """Several maps on one page: the first carries the outlines, the others point to them."""

    def __init__(self) -> None:
        self._first: str | None = None

    def render(self, values: Mapping[str, int], **options: Any) -> Markup:
        map_id = f"ts-map-{next(_ids)}"
        markup = render_departement_map(values, map_id=map_id, shapes_of=self._first, **options)
        self._first = self._first or map_id
        return markup
