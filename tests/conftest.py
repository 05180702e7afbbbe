"""Shared fixtures: a fresh store on SQLite and, where configured, on PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from relmap.model import metadata
from relmap.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
PG_URL = os.environ.get("RELMAP_TEST_POSTGRES_URL")
IN_CI = bool(os.environ.get("CI") or os.environ.get("RELMAP_CI"))


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    """An empty store, once on a SQLite file and once on PostgreSQL.

    The PostgreSQL run needs RELMAP_TEST_POSTGRES_URL; CI sets it, so there a
    missing server fails instead of skipping.
    """
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'relmap.db'}")
        yield s
        s.engine.dispose()
        return
    if not PG_URL:
        if IN_CI:
            pytest.fail("RELMAP_TEST_POSTGRES_URL is not set in CI")
        print("skipping PostgreSQL: set RELMAP_TEST_POSTGRES_URL to run the store tests on it")
        pytest.skip("RELMAP_TEST_POSTGRES_URL not set (CI sets it)")
    _reset_postgres(PG_URL)
    s = Store(PG_URL)
    yield s
    s.engine.dispose()
    _reset_postgres(PG_URL)


@pytest.fixture
def sqlite_store(tmp_path) -> Store:
    """An empty store on a SQLite file (for tests that need only one backend)."""
    s = Store(f"sqlite:///{tmp_path / 'relmap.db'}")
    yield s
    s.engine.dispose()


@pytest.fixture
def server(tmp_path):
    """A real `streamlit run app.py` on localhost with an empty SQLite store; yields its URL
    (browser tests: skips without Chromium/Playwright, fails so in CI)."""
    from tests.browser import need_browser, streamlit_server

    need_browser()
    with streamlit_server(tmp_path / "e2e.db", tmp_path / "streamlit.log") as url:
        yield url
