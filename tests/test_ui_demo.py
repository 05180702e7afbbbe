"""AppTests of every page on the bundled demo data (relmap.demo), and the demo button."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from relmap.demo import load_demo
from relmap.store import Store
from tests.ui_helpers import map_html

PAGES = ["overview", "champions", "at_risk", "account", "person", "map", "team_map", "data", "upload"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """One SQLite store with the demo loaded (copied per test: the Data page can delete)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store(f"sqlite:///{path}")
    results = load_demo(store)
    assert results and all(r.status == "imported" for r in results), [r.problems for r in results]
    store.engine.dispose()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path, monkeypatch):
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("RELMAP_DATABASE_URL", url)
    return url


def _page(module: str) -> AppTest:
    return AppTest.from_string(f"from relmap.ui.{module} import page\npage()\n", default_timeout=120)


def _all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.text] + [i.value for i in at.info]
    parts += [c.value for c in at.caption] + [w.value for w in at.warning] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("module", PAGES)
def test_every_page_on_demo(demo_db, module):
    at = _page(module).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "No data yet" not in _all_text(at)


def test_demo_story_champion_moved(demo_db):
    at = _page("champions").run()
    text = _all_text(at)
    assert "Joe Whitfield" in text and "Kestrel Foods" in text and "Brightwater Logistics" in text
    at = _page("at_risk").run()
    table = at.dataframe[0].value
    kestrel = table[table["account"].str.startswith("Kestrel Foods")]
    assert len(kestrel) == 1 and "Joe Whitfield" in kestrel["reasons"].iloc[0]


def test_demo_account_map_shows_the_move(demo_db):
    at = _page("account")
    at.query_params["account"] = "Kestrel Foods"
    at.run()
    assert not at.exception
    page = map_html(at)
    assert "moved: Joe Whitfield" in page and "Account map: Kestrel Foods" in page
    assert "Joe Whitfield" in " ".join(at.dataframe[-1].value.astype(str).agg(" ".join, axis=1))


def test_demo_person_history(demo_db):
    at = _page("person")
    at.query_params["person"] = "Joe Whitfield"
    at.run()
    companies = set(at.dataframe[0].value["company"])
    assert {"Kestrel Foods Inc.", "Brightwater Logistics"} <= companies


def test_load_demo_button_on_empty_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("RELMAP_DATABASE_URL", url)
    at = _page("map").run()
    at.button(key="map-demo").click().run()
    assert not at.exception
    assert not Store(url).is_empty()
    assert "No data yet" not in _all_text(at)
