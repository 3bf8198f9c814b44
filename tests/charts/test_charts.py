"""The département map and the bar chart: every registry département drawn, classes, valid SVG."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.kit.money import format_eur
from store.registry.dataset import read_dataset
from store.web.charts import (
    Bar,
    DepartementMaps,
    Series,
    StackedBar,
    compact_eur,
    departement_map,
    map_classes,
    render_bar_chart,
    render_departement_map,
    render_stacked_bars,
)
from store.web.charts.map import PALETTE, class_of

SVG = "{http://www.w3.org/2000/svg}"
OVERSEAS_WITHOUT_SHAPE = ["971", "972", "973", "974", "976"]
"""The package draws metropolitan France only: the DROM are tiles (documented in data/SOURCES.md)."""


def figure(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, parsed to check it


def map_svg(markup: str) -> ET.Element:
    svg = figure(markup).find(f".//{SVG}svg[@class='ts-map__svg']")
    assert svg is not None
    return svg


def by_code(markup: str) -> dict[str, ET.Element]:
    return {g.attrib["data-code"]: g for g in map_svg(markup).iter(f"{SVG}g") if "data-code" in g.attrib}


def test_every_registry_departement_is_on_the_map() -> None:
    registry = {a.code: a.name for a in read_dataset().areas if a.kind == "departement"}
    base = departement_map()
    drawn = {d.code for d in base.departements if d.path}
    assert sorted(set(registry) - drawn) == OVERSEAS_WITHOUT_SHAPE == base.without_shape
    assert {d.code: d.name for d in base.departements} == registry
    shown = by_code(render_departement_map({}, title="Vide", unit="soutiens"))
    assert set(shown) == set(registry)
    for code in OVERSEAS_WITHOUT_SHAPE:
        assert shown[code].find(f"{SVG}rect") is not None


def test_map_credits_the_base_map_and_its_licence() -> None:
    base = departement_map()
    assert base.source.licence == "CC-BY-4.0"
    html = render_departement_map({"01": 1}, title="Soutiens", unit="soutiens")
    caption = figure(html).find(".//figcaption")
    assert caption is not None
    assert "Victor Cazanave" in (caption.text or "")
    assert "CC BY 4.0" in (caption.text or "")


def test_each_departement_says_its_name_and_value_and_the_table_repeats_it() -> None:
    html = render_departement_map({"13": 1250, "974": 3}, title="Population couverte", unit="habitants")
    shown = by_code(html)
    assert shown["13"].findtext(f"{SVG}title") == "Bouches-du-Rhône (13) : 1\u202f250 habitants"
    assert shown["974"].findtext(f"{SVG}title") == "La Réunion (974) : 3 habitants"
    assert shown["01"].findtext(f"{SVG}title") == "Ain (01) : aucune donnée"
    table = figure(html).find(".//table[@data-testid='map-table']")
    assert table is not None
    rows = [[td.text for td in tr.findall("td")] for tr in table.iter("tr") if tr.findall("td")]
    assert rows == [["13", "Bouches-du-Rhône", "1\u202f250"], ["974", "La Réunion", "3"]]


def test_values_fall_in_the_right_class_and_colour() -> None:
    values = {"01": 1, "02": 20, "03": 21, "04": 100, "05": 0}
    shown = by_code(render_departement_map(values, title="t", unit="u"))
    # max 100 in five classes: 1-20, 21-40, 41-60, 61-80, 81-100
    assert {c: shown[c].attrib["data-class"] for c in values} == {
        "01": "1",
        "02": "1",
        "03": "2",
        "04": "5",
        "05": "0",
    }
    assert shown["04"].attrib["fill"] == PALETTE[5]
    assert shown["06"].attrib["data-class"] == "0"


def test_few_distinct_values_use_fewer_classes_and_the_legend_says_so() -> None:
    classes = map_classes([1, 2])
    assert [(c.lower, c.upper) for c in classes] == [(0, 0), (1, 1), (2, 2)]
    legend = figure(render_departement_map({"01": 1, "02": 2}, title="t", unit="soutiens")).find(
        ".//ul[@class='ts-map__legend']"
    )
    assert legend is not None
    assert ["".join(li.itertext()).strip() for li in legend] == ["aucun soutien", "1 soutien", "2 soutiens"]


def test_money_formatter_and_unknown_codes_are_listed() -> None:
    html = render_departement_map(
        {"75": 150_000, "99": 5}, title="Montants", unit="", formatter=lambda c: f"{c // 100} €"
    )
    assert by_code(html)["75"].findtext(f"{SVG}title") == "Paris (75) : 1500 €"
    assert "Codes hors carte : 99." in html


def test_negative_values_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        render_departement_map({"01": -1}, title="t", unit="u")
    with pytest.raises(ValueError, match="non-negative"):
        render_bar_chart([("a", -1)], title="t", unit="u")


@given(st.lists(st.integers(min_value=0, max_value=10**12), max_size=60))
def test_classes_partition_every_positive_value(values: list[int]) -> None:
    classes = map_classes(values)
    for upper, following in itertools.pairwise(classes[1:]):
        assert following.lower == upper.upper + 1
    for v in values:
        cls = class_of(v, classes)
        assert (cls.index == 0) == (v == 0)
        assert v == 0 or cls.lower <= v <= cls.upper
    if any(values):
        assert classes[-1].upper == max(values)


def test_bar_chart_is_valid_svg_with_a_title_per_bar() -> None:
    long = "Orientation des usagers vers le service compétent de la collectivité"
    svg = ET.fromstring(  # noqa: S314 - our own output
        render_bar_chart([Bar(long, 40), ("Vote", 20)], title="Soutiens", unit="soutiens")
    )
    assert svg.findtext(f"{SVG}title") == "Soutiens"
    bars = svg.findall(f"{SVG}g")
    assert [b.findtext(f"{SVG}title") for b in bars] == [f"{long} : 40 soutiens", "Vote : 20 soutiens"]
    widths = [int(b.find(f"{SVG}rect").attrib["width"]) for b in bars]  # type: ignore[union-attr]
    assert widths[0] == 2 * widths[1]
    assert bars[0].findtext(f"{SVG}text", "").endswith("…")


def test_empty_charts_say_there_is_nothing() -> None:
    assert "Aucune donnée." in render_bar_chart([], title="t", unit="u")
    assert "Aucune donnée." in render_departement_map({}, title="t", unit="u")


def test_units_are_singular_after_zero_and_one() -> None:
    html = render_departement_map({"01": 1, "02": 0, "03": 2}, title="t", unit="soutiens validés")
    shown = by_code(html)
    assert shown["01"].findtext(f"{SVG}title") == "Ain (01) : 1 soutien validé"
    assert shown["02"].findtext(f"{SVG}title") == "Aisne (02) : 0 soutien validé"
    assert shown["03"].findtext(f"{SVG}title") == "Allier (03) : 2 soutiens validés"
    pays = render_bar_chart([("a", 1)], title="t", unit="pays", unit_one="pays")
    assert "a : 1 pays" in pays


@pytest.mark.parametrize(
    ("cents", "shown"),
    [
        (0, "0,00\u00a0€"),
        (94_999, "949,99\u00a0€"),
        (99_999, "1\u00a0k€"),
        (100_000, "1\u00a0k€"),
        (150_000, "1,5\u00a0k€"),
        (999_950, "10\u00a0k€"),
        (12_345_678, "123\u00a0k€"),
        (99_950_000, "1\u00a0M€"),
        (240_000_001, "2,4\u00a0M€"),
        (3_000_000_000, "30\u00a0M€"),
        (8_800_000_000, "88\u00a0M€"),
        (123_456_789_000, "1,2\u00a0Md€"),
        (-150_000, "-1,5\u00a0k€"),
    ],
)
def test_compact_amounts_for_legends(cents: int, shown: str) -> None:
    assert compact_eur(cents) == shown


def test_a_money_map_reads_in_short_amounts() -> None:
    html = render_departement_map(
        {"01": 240_000_000, "02": 1_200_000_000}, title="Engagé", unit="", formatter=compact_eur
    )
    assert by_code(html)["01"].findtext(f"{SVG}title") == "Ain (01) : 2,4\u00a0M€"
    legend = figure(html).find(".//ul[@class='ts-map__legend']")
    assert legend is not None
    assert ["".join(li.itertext()).strip() for li in legend] == [
        "aucun",
        "jusqu'à 2,4\u00a0M€",
        "2,4\u00a0M€ à 4,8\u00a0M€",
        "4,8\u00a0M€ à 7,2\u00a0M€",
        "7,2\u00a0M€ à 9,6\u00a0M€",
        "9,6\u00a0M€ à 12\u00a0M€",
    ]


def test_a_chart_can_point_to_the_table_holding_its_figures() -> None:
    svg = ET.fromstring(  # noqa: S314 - our own output
        render_bar_chart([("a", 1)], title="t", unit="u", table_id="table-x")
    )
    assert svg.attrib["aria-describedby"] == "table-x"


def test_later_maps_of_a_page_reuse_the_outlines_of_the_first() -> None:
    maps = DepartementMaps()
    first = maps.render({"01": 3}, title="Soutiens", unit="soutiens")
    second = maps.render({"01": 5, "02": 1}, title="Positionnements", unit="positionnements")
    assert len(second) < len(first) / 3
    drawn = map_svg(first)
    reused = map_svg(second)
    ids = {p.attrib["id"] for p in drawn.iter(f"{SVG}path")}
    hrefs = {u.attrib["href"].lstrip("#") for u in reused.iter(f"{SVG}use")}
    assert not list(reused.iter(f"{SVG}path"))
    assert hrefs == ids
    assert len(ids) == 96
    assert by_code(second)["01"].attrib["data-class"] == "5"


def test_a_money_map_can_show_exact_amounts_and_a_short_legend() -> None:
    html = render_departement_map(
        {"01": 240_000_000},
        title="Attribué",
        unit="",
        formatter=format_eur,
        legend_formatter=compact_eur,
    )
    assert by_code(html)["01"].findtext(f"{SVG}title") == "Ain (01) : 2\u202f400\u202f000,00\u00a0€"
    legend = figure(html).find(".//ul[@class='ts-map__legend']")
    assert legend is not None
    labels = ["".join(li.itertext()).strip() for li in legend]
    assert labels[:2] == ["aucun", "jusqu'à 480\u00a0k€"]
    assert labels[-1] == "1,9\u00a0M€ à 2,4\u00a0M€"


SPLIT = [
    Series("consumed", "Consommé", "#000091"),
    Series("committed", "Engagé", "#6a6af4"),
    Series("available", "Disponible", "#e5e5e5"),
]


def test_stacked_bars_split_each_bar_and_title_every_segment() -> None:
    markup = render_stacked_bars(
        [
            StackedBar("Axe 1", {"consumed": 10, "committed": 30, "available": 60}),
            StackedBar("Axe 2", {"committed": 50}),
        ],
        title="Enveloppes",
        series=SPLIT,
        table_id="table-enveloppes",
    )
    root = ET.fromstring(markup)  # noqa: S314 - our own output
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    assert svg.attrib["aria-describedby"] == "table-enveloppes"
    first, second = svg.findall(f"{SVG}g")
    assert first.findtext(f"{SVG}title") == "Axe 1 : 100 (Consommé : 10 ; Engagé : 30 ; Disponible : 60)"
    segments = first.findall(f"{SVG}rect")
    assert [s.findtext(f"{SVG}title") for s in segments] == [
        "Axe 1 — Consommé : 10",
        "Axe 1 — Engagé : 30",
        "Axe 1 — Disponible : 60",
    ]
    widths = [int(s.attrib["width"]) for s in segments]
    assert sum(widths) == 270  # the longest bar spans the whole drawing width
    assert [int(s.attrib["x"]) for s in segments] == [260, 260 + widths[0], 260 + widths[0] + widths[1]]
    assert [int(s.attrib["width"]) for s in second.findall(f"{SVG}rect")] == [135]
    assert ["".join(li.itertext()).strip() for li in root.iter("li")] == ["Consommé", "Engagé", "Disponible"]


def test_stacked_bars_refuse_negative_or_unknown_values() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        render_stacked_bars([StackedBar("a", {"consumed": -1})], title="t", series=SPLIT)
    with pytest.raises(ValueError, match="unknown series"):
        render_stacked_bars([StackedBar("a", {"reserved": 1})], title="t", series=SPLIT)
