"""Server-rendered, accessible SVG charts: a choropleth map of the départements and bar charts."""

from store.web.charts.bars import Bar, render_bar_chart
from store.web.charts.departements import departement_map
from store.web.charts.map import DepartementMaps, MapClass, map_classes, render_departement_map
from store.web.charts.money import compact_eur
from store.web.charts.stacked import Series, StackedBar, render_stacked_bars

__all__ = [
    "Bar",
    "DepartementMaps",
    "MapClass",
    "Series",
    "StackedBar",
    "compact_eur",
    "departement_map",
    "map_classes",
    "render_bar_chart",
    "render_departement_map",
    "render_stacked_bars",
]
