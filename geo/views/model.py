"""The view model: everything one view shows, computed once, protected once, read by every renderer.

``build_view(spec)`` turns a :class:`geo.views.spec.ViewSpec` (the filters of a URL, a command line
or a page's widgets) into a :class:`ViewModel`: the units with their values, classes and protected
labels (``map``, a :class:`geo.render.static_maps.MapSpec` that both map renderers draw), the key
figures with their change against the previous period, the tables the page shows (display strings,
small counts already written ``<5``), notes and sources, which cells are protected and why, and the
store's data version it was computed from.

Renderers never compute a figure: the folium page (``ui.py`` + :mod:`geo.render.maps`), the static
PNG/PDF (:mod:`geo.render.briefing`) and the CSV/XLSX downloads (:mod:`geo.render.downloads`) all
read the same model, so page, export and download agree cell for cell.

Caching: a model depends only on its spec and on the store's :func:`geo.data.store.data_version`;
callers cache on ``(spec, data_version)`` (the Streamlit glue does), so an import or an undo in any
process makes every cached view stale at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from geo.views.mapspec import MapSpec
    from geo.views.spec import ViewSpec


@dataclass
class Table:
    """One table of a view: display strings (protected), in the view's language."""

    key: str  # "main" (the view's table, also printed on exports), "published", "corridors"...
    title: str
    frame: pd.DataFrame
    status: pd.DataFrame | None = None  # suppression status of the count cells (None: nothing to protect)
    note: str = ""
    sensitive: bool = False  # holds counts of cases or victims (protected: no count 1 to threshold-1 shown)


@dataclass
class ViewModel:
    """One view, ready for any renderer (see the module doc)."""

    view: "ViewSpec"  # what was asked
    map: "MapSpec"  # units, values, classes, protected labels, legend, title, notes, sources
    table: pd.DataFrame  # the view's main table (display strings, as printed in the PDF)
    table_status: pd.DataFrame | None  # suppression status of its count cells (None: no counts)
    kpis: list[tuple[str, str]]  # key figures (label, protected text)
    made_on: date
    has_data: bool
    figures: dict = field(default_factory=dict)  # renderers note what they drew here (for checks)
    data_version: str = ""  # the store's data version the model was computed from
    kpi_changes: dict[str, str] = field(default_factory=dict)  # kpi label -> change vs previous period
    tables: list[Table] = field(default_factory=list)  # further tables the page shows
    options: dict = field(default_factory=dict)  # choices the page offers that depend on the data (e.g. routes)
    #: numbers a page may draw as a chart (protected like the tables: perturbed for viewers, NaN where the
    #: table shows "<5"), by name, e.g. "trend" and "compare" on the District page
    charts: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def request(self):  # the name exports used before the view model
        return self.view

    @property
    def spec(self):  # the name exports used before the view model
        return self.map

    def filename(self, ext: str) -> str:
        from geo.views.spec import briefing_filename

        return briefing_filename(self.view, ext, self.made_on)

    def all_tables(self) -> list[Table]:
        """The main table first, then the page's other tables."""
        main = Table("main", self.map.table_title or "", self.table, self.table_status,
                     sensitive=self.table_status is not None)
        return [main, *self.tables]

    @property
    def protected_cells(self) -> int:
        """How many count cells of the tables are written as "<5" or hidden."""
        n = 0
        for tab in self.all_tables():
            if tab.status is not None:
                n += int(tab.status.isin(["small", "hidden"]).sum().sum())
        return n


def build_view(spec, engine=None, today: date | None = None, data_version: str | None = None) -> ViewModel:
    """The view model of ``spec`` (a :class:`geo.views.spec.ViewSpec`, or a URL query parsed by
    :func:`geo.views.spec.parse_view`). Raises :class:`geo.views.spec.ViewError` for bad filters or a
    view with nothing to show."""
    from geo.data import store
    from geo.views.analysis_view import _analysis_briefing
    from geo.views.prevention_view import _prevention_briefing
    from geo.views.spec import ViewSpec, parse_view
    from geo.views.units import build_units_view

    if not isinstance(spec, ViewSpec):
        spec = parse_view(spec, today)
    version = data_version if data_version is not None else store.data_version(engine)
    made_on = today or date.today()
    if spec.layer != "metric":
        model = _analysis_briefing(spec, engine, made_on)
    elif spec.page == "prevention":
        model = _prevention_briefing(spec, engine, made_on)
    else:
        model = build_units_view(spec, engine, made_on)
    model.data_version = version
    from geo.views.pages import add_page_parts

    add_page_parts(model, engine)
    return model
