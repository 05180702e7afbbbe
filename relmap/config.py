"""Settings read from the environment, with their defaults in one place."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"


def database_url(explicit: str | None = None) -> str:
    """The store's SQLAlchemy URL: ``explicit``, else ``RELMAP_DATABASE_URL``, else
    the embedded SQLite file ``data/relmap.db``."""
    if explicit:
        return explicit
    env = os.environ.get("RELMAP_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{DATA_DIR / 'relmap.db'}"


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# Limits enforced before any work is done on a file (docs/SECURITY.md, "Hostile files and limits").
#: Also the Upload page's limit: keep ``server.maxUploadSize`` in .streamlit/config.toml (MB) equal.
DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UPLOAD_BYTES = _int_env("RELMAP_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
MAX_ROWS = _int_env("RELMAP_MAX_ROWS", 1_000_000)
MAX_ZIP_MEMBERS = _int_env("RELMAP_MAX_ZIP_MEMBERS", 500)
MAX_ZIP_RATIO = _int_env("RELMAP_MAX_ZIP_RATIO", 100)
MAX_ZIP_EXPANDED_BYTES = _int_env("RELMAP_MAX_ZIP_EXPANDED_BYTES", 1024 * 1024 * 1024)


def size_text(n: int) -> str:
    """A byte count as people read it, for limit messages.

    >>> size_text(999), size_text(200 * 2**20), size_text(10 * 2**30), size_text(1536)
    ('999 bytes', '200 MB', '10 GB', '1.5 KB')
    """
    for unit, size in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value >= 10 or value.is_integer() else f"{value:.1f} {unit}"
    return f"{n:,} bytes"


# Serving a team (read on every page run, so a change applies without a restart).
def shared_password() -> str | None:
    """The team password the dashboard asks for (``RELMAP_PASSWORD``); None = no password form."""
    return os.environ.get("RELMAP_PASSWORD") or None


def allowed_emails() -> list[str]:
    """With Streamlit's OIDC login: who may get in (``RELMAP_ALLOWED_EMAILS``: comma-separated
    addresses and ``@domain`` entries); empty = anyone the identity provider logs in."""
    raw = os.environ.get("RELMAP_ALLOWED_EMAILS", "")
    return [e.strip().lower() for e in raw.split(",") if e.strip()]
