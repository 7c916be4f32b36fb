"""Where things live: boundary folder, facts folder, caches, database, optional tile URL.

Every location can be overridden with an environment variable so that a deployment can put the
boundary files anywhere (they are never copied into the repository):

- ``TDN_BOUNDARIES_DIR``: folder with the files described in ``SOURCES.md``
  (default ``../shared/boundaries`` beside the project when it exists, else ``data/boundaries``).
- ``TDN_FACTS_DIR``: folder with the sourced reference facts (default ``../shared/facts``, else ``data/facts``).
- ``TDN_CACHE_DIR``: git-ignored folder for prepared layers (default ``data/cache``).
- ``TDN_DATABASE_URL``: SQLAlchemy URL of the store (default SQLite file ``data/tdn.sqlite``).
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


def database_url() -> str:
    """SQLAlchemy URL of the case store; a single SQLite file by default."""
    return os.environ.get("TDN_DATABASE_URL", "").strip() or f"sqlite:///{PROJECT_ROOT / 'data' / 'tdn.sqlite'}"


def tile_url() -> str | None:
    """Optional XYZ tile URL template. None (the default) draws no tiles at all."""
    return os.environ.get("TDN_TILE_URL", "").strip() or None


def tile_attribution() -> str:
    return os.environ.get("TDN_TILE_ATTRIBUTION", "").strip() or "Tiles: configured tile server"
