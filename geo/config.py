"""Where things live: boundary folder, facts folder, caches, database, optional tile URL.

Every location can be overridden with an environment variable so that a deployment can put the
boundary files anywhere (they are never copied into the repository):

- ``TDN_BOUNDARIES_DIR``: folder with the files described in ``SOURCES.md``
  (default ``../shared/boundaries`` beside the project when it exists, else ``data/boundaries``).
- ``TDN_FACTS_DIR``: folder with the sourced reference facts (default ``../shared/facts``, else ``data/facts``).
- ``TDN_CACHE_DIR``: git-ignored folder for prepared layers (default ``data/cache``).
- ``TDN_DATA_DIR``: folder of the default SQLite store and of ``FIRST_SIGNIN.txt`` (default ``data``; an
  offline-bundle install keeps it outside the versioned app folders, so upgrades keep the data).
- ``TDN_DATABASE_URL``: SQLAlchemy URL of the store (default SQLite file ``tdn.sqlite`` in the data folder).
- ``TDN_FONTS_DIR``: extra fonts for the exports (default ``fonts`` beside the app, shipped by the offline
  bundle; without it the system's Noto Sans, else DejaVu Sans).
- ``TDN_TILE_URL``: optional XYZ tile URL template; empty means no tiles (works offline).
- ``TDN_TILE_ATTRIBUTION``: attribution text for that tile layer.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else None


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def boundaries_dir() -> Path:
    """Folder holding the boundary files (see ``SOURCES.md`` in that folder)."""
    return _env_path("TDN_BOUNDARIES_DIR") or _first_existing(
        PROJECT_ROOT.parent / "shared" / "boundaries", PROJECT_ROOT / "data" / "boundaries"
    )


def facts_dir() -> Path:
    """Folder holding the sourced facts CSVs (gates, routes, hotspots, figures)."""
    return _env_path("TDN_FACTS_DIR") or _first_existing(
        PROJECT_ROOT.parent / "shared" / "facts", PROJECT_ROOT / "data" / "facts"
    )


def cache_dir() -> Path:
    """Git-ignored folder for caches built at set-up (created on demand)."""
    path = _env_path("TDN_CACHE_DIR") or PROJECT_ROOT / "data" / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Folder of the default SQLite store and of the first administrator's one-time password."""
    return _env_path("TDN_DATA_DIR") or PROJECT_ROOT / "data"


def fonts_dir() -> Path:
    """Folder of fonts shipped with the app (``*.ttf``, the offline bundle's Noto Sans); may be absent."""
    return _env_path("TDN_FONTS_DIR") or PROJECT_ROOT / "fonts"


def database_url() -> str:
    """SQLAlchemy URL of the case store; a single SQLite file by default."""
    return os.environ.get("TDN_DATABASE_URL", "").strip() or f"sqlite:///{data_dir() / 'tdn.sqlite'}"


def tile_url() -> str | None:
    """Optional XYZ tile URL template. None (the default) draws no tiles at all."""
    return os.environ.get("TDN_TILE_URL", "").strip() or None


def tile_attribution() -> str:
    return os.environ.get("TDN_TILE_ATTRIBUTION", "").strip() or "Tiles: configured tile server"
