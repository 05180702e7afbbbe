"""AppTests of the dashboard pages, on an empty store and with data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dash_data import FIRST, connections, load_two_snapshots

ROOT = Path(__file__).resolve().parent.parent


def _page(module: str) -> AppTest:
    return AppTest.from_string(f"from relmap.ui.{module} import page\npage()\n", default_timeout=60)


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("RELMAP_DATABASE_URL", url)
    return url


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [e.value for e in at.error] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def _iframe(at: AppTest) -> str:
    frames = at.get("iframe")
    assert len(frames) == 1, "the map iframe is missing"
    return frames[0].proto.srcdoc


def test_app_router_opens_on_empty_store(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Upload exports"


def test_upload_page_imports_and_shows_summary(db):
    at = _page("upload").run()
    assert not at.exception
    at.file_uploader[0].upload("Connections.csv", connections(FIRST), "text/csv")
    at.text_input(key="upload-owner").input("Sam Rep")
    at.run()
    at.button(key="upload-go").click().run()
    assert not at.exception
    summary = at.dataframe[0].value
    assert list(summary["status"]) == ["imported"]
    assert int(summary["records stored"].iloc[0]) == 3
    assert "1 imported, 0 unchanged" in _text(at)
    at.button(key="upload-go").click().run()  # same bytes again
    assert list(at.dataframe[0].value["status"]) == ["unchanged"]


def test_upload_page_shows_problems_without_crashing(db):
    at = _page("upload").run()
    at.file_uploader[0].upload("Connections.csv", connections(FIRST), "text/csv")  # no rep name
    at.file_uploader[0].upload("junk.csv", b"\x00\x01 not a csv at all", "text/csv")
    at.run()
    at.button(key="upload-go").click().run()
    assert not at.exception
    summary = at.dataframe[0].value
    assert list(summary["status"]) == ["rejected", "rejected"]
    problems = at.dataframe[1].value
    assert problems["problem"].str.contains("--owner|rep name").any()


def test_map_page_empty_store_says_how_to_start(db):
    at = _page("map").run()
    assert not at.exception
    assert "No data yet" in _text(at) and "Upload" in _text(at)


def test_map_page_draws_the_map(db):
    from relmap.store import Store

    store = Store(db)
    load_two_snapshots(store)
    at = _page("map").run()
    assert not at.exception
    assert "nodes" in _text(at)
    assert '"label": "Kim Rep"' in _iframe(at)  # first rep by name, by default
    at.radio(key="map-kind").set_value("Company").run()
    at.selectbox(key="map-company").set_value("ACME").run()
    assert not at.exception
    page = _iframe(at)
    assert '"label": "ACME' in page and "relmap-legend" in page and "cdnjs" not in page
    at.radio(key="map-kind").set_value("Team (by company)").run()
    assert not at.exception
