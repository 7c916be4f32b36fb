"""Briefing exports: a 16:9 PNG and a one-page A4 PDF of a view, drawn from its view model.

The same filters as the page URL (``page``, ``era``, ``prov``, ``border``, ``period``, ``metric``,
``lang``, ``demo``, ``form``...) give the same view: :func:`geo.views.spec.parse_view` reads them,
:func:`geo.views.model.build_view` computes and protects the figures (:mod:`geo.stats.suppression`, on
by default), and this module only draws the model (:mod:`geo.render.static_maps`). The page and its
export are two renderers of the same model, so they cannot disagree.

Pages call :func:`render_briefing` on their cached model; a scheduled job calls the command line::

    python -m geo briefing --page border --border laos --prov 40 --period 2024-H1 --format png,pdf --out DIR
    python -m geo briefing --url "page=choropleth&metric=victims&prov=40&period=last-month" --out DIR
    python -m geo briefing --page phong-ngua --prov 40 --period 2024 --out DIR
    python -m geo briefing --page huyen --dist 40417 --period 2024 --out DIR

File names: ``{view}_{place}_{period}_{yyyymmdd}.{ext}`` in ASCII, e.g.
``bien-gioi-lao_nghe-an_2024-H1_20261123.png`` (English exports end in ``_en``; a 2025-era place ends in
``-2025``, because the 2025 provinces are not the pre-2025 ones). The data rules of each kind of view
are in :mod:`geo.views.units`, :mod:`geo.views.prevention_view` and :mod:`geo.views.analysis_view`.
"""
from __future__ import annotations

import argparse
import io
import sys
from datetime import date
from pathlib import Path
from typing import Iterable, Mapping, Sequence
from urllib.parse import parse_qs

from geo.data import schema as S
from geo.render.static_maps import render_pdf, render_png
from geo.stats import suppression as sup
from geo.views.model import ViewModel, build_view
from geo.views.spec import (  # noqa: F401  (re-exported: the export's names before the view model)
    FORMATS,
    METRICS,
    BriefingError,
    BriefingRequest,
    _metric_header,
    briefing_filename,
    parse_params,
    parse_period,
)


class Briefing:
    """The static renderer of one view model: PNG, PDF, files (the model's fields read through)."""

    def __init__(self, model: ViewModel):
        self.model = model

    def __getattr__(self, name):  # request, spec, table, table_status, kpis, made_on, has_data, figures...
        return getattr(self.model, name)

    def filename(self, ext: str) -> str:
        return self.model.filename(ext)

    def png(self, path_or_buffer=None, size: tuple[int, int] = (1920, 1080)) -> bytes | None:
        """The 16:9 slide image: bytes, or written to ``path_or_buffer``."""
        buf = io.BytesIO() if path_or_buffer is None else path_or_buffer
        self.model.figures["png"] = render_png(self.model.map, buf, size)
        return buf.getvalue() if path_or_buffer is None else None

    def pdf(self, path_or_buffer=None) -> bytes | None:
        """The one-page A4 PDF: bytes, or written to ``path_or_buffer``."""
        buf = io.BytesIO() if path_or_buffer is None else path_or_buffer
        self.model.figures["pdf"] = render_pdf(self.model.map, buf)
        return buf.getvalue() if path_or_buffer is None else None

    def write(self, out_dir: str | Path, formats: Iterable[str] = FORMATS) -> list[Path]:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for fmt in formats:
            if fmt not in FORMATS:
                raise BriefingError(f"format must be png or pdf, not {fmt!r}")
            path = out / self.filename(fmt)
            (self.png if fmt == "png" else self.pdf)(path)
            paths.append(path)
        return paths


def render_briefing(model: ViewModel) -> Briefing:
    """The export of an already built view model (what the pages do with their cached model)."""
    return Briefing(model)


def build_briefing(params: Mapping | str | BriefingRequest, engine=None, today: date | None = None,
                   allow_exact: bool = False) -> Briefing:
    """Build the view model of ``params`` and its export. Raises :class:`BriefingError` for bad filters,
    or when a choropleth view has no stored rows at all for its scope and period. ``allow_exact``: see
    :func:`geo.views.spec.parse_view`."""
    spec = params if isinstance(params, BriefingRequest) else parse_params(params, today, allow_exact)
    return Briefing(build_view(spec, engine=engine, today=today))


def export_briefing(params: Mapping | str | BriefingRequest, formats: Sequence[str] = FORMATS,
                    out_dir: str | Path = ".", engine=None, today: date | None = None) -> list[Path]:
    """Build the view and write the files; returns their paths."""
    return build_briefing(params, engine=engine, today=today).write(out_dir, formats)


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m geo briefing",
        description="Export a briefing map (PNG 1920x1080 for slides, A4 PDF with a table) with the same filters "
                    "as the page URL. Small counts are hidden unless --no-suppress.")
    p.add_argument("--url", help="filters as a URL query string, e.g. 'page=border&border=laos&prov=40&period=2024-H1' "
                                 "(options given below override it)")
    p.add_argument("--page", help="admin | choropleth | border | prevention | district (or the page path: ban-do, "
                                  "tong-quan, bien-gioi, diem-nong, phong-ngua, huyen)")
    p.add_argument("--dist", help="district code before 2025 for --page huyen (e.g. 40417 = Kỳ Sơn)")
    p.add_argument("--era", help="pre2025 (default) | 2025")
    p.add_argument("--prov", help="province code of the era (e.g. 40 = Nghệ An); none = whole country")
    p.add_argument("--border", help="laos | china | cambodia | all")
    p.add_argument("--period", help="2024, 2024-H1, 2024-Q2, 2024-05, 2024-01-01/2024-03-15, all, "
                                    "last-month, last-quarter, last-half, last-year")
    p.add_argument("--metric", help=", ".join(METRICS))
    p.add_argument("--layer", help="metric (default) | gi (Gi* hotspots, default of diem-nong) | change")
    p.add_argument("--lang", help="vi (default) | en")
    p.add_argument("--demo", help="include (default) | exclude | only")
    p.add_argument("--form", action="append", help="form of exploitation (repeatable)")
    p.add_argument("--agency", action="append", help="reporting agency (repeatable)")
    p.add_argument("--method", help="quantiles | natural_breaks (default) | fixed")
    p.add_argument("--k", help="number of classes (default 5)")
    p.add_argument("--breaks", help="upper bounds of the classes for --method fixed, e.g. 4,9,19,49")
    p.add_argument("--threshold", help=f"small-count threshold (default ${sup.ENV_THRESHOLD} or 5)")
    p.add_argument("--no-suppress", action="store_true", help="exact numbers (not for release)")
    p.add_argument("--format", default="png,pdf", help="png, pdf or png,pdf (default)")
    p.add_argument("--out", default=".", help="output folder (created if missing)")
    p.add_argument("--date", help="date printed on the export and in the file name (YYYY-MM-DD, default today)")
    return p


def main_briefing(argv: list[str] | None = None) -> int:
    """``python -m geo briefing ...``: 0 written, 1 bad filters or no data, 2 usage."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if not formats or any(f not in FORMATS for f in formats):
        parser.print_usage(sys.stderr)
        print(f"python -m geo briefing: --format must be png, pdf or png,pdf (not {args.format!r})", file=sys.stderr)
        return 2
    today = None
    if args.date:
        try:
            today = date.fromisoformat(args.date)
        except ValueError:
            print(f"python -m geo briefing: --date must be YYYY-MM-DD, not {args.date!r}", file=sys.stderr)
            return 2
    params: dict = {k: v for k, v in parse_qs((args.url or "").lstrip("?")).items()} if args.url else {}
    for name in ("page", "era", "prov", "dist", "border", "period", "metric", "layer", "lang", "demo", "method", "k", "breaks",
                 "threshold"):
        value = getattr(args, name)
        if value is not None:
            params[name] = value
    if args.form:
        params["form"] = args.form
    if args.agency:
        params["agency"] = args.agency
    if args.no_suppress:
        params["suppress"] = "off"
    try:
        briefing = build_briefing(params, today=today, allow_exact=True)
        paths = briefing.write(args.out, formats)
    except BriefingError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 1
    except (ValueError, KeyError) as exc:  # e.g. a bad TDN_SUPPRESSION_THRESHOLD
        print(f"briefing: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    if briefing.spec.demo:
        print(f"note: {S.DEMO_LABEL} — the export shows demonstration figures", file=sys.stderr)
    return 0


main = main_briefing
