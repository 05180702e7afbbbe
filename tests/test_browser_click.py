"""In a real browser: clicking a node of a map opens that person's or company's page, with the
shared filters kept in the URL (`streamlit run app.py` in Debian's Chromium, driven by Playwright).

The click is a real mouse click on the canvas, at the node's position as vis-network reports it
(the node is first focused in the middle of the view, away from the legend)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from relmap.importer import import_bytes
from relmap.store import Store
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, WAIT_MS, localhost_guard, need_browser, streamlit_server
from tests.dash_data import CRM_ACCOUNTS, load_two_snapshots

_NODE_POINT = """([label]) => {
  const hit = nodes.get({filter: (n) => String(n.label) === label || String(n.label).startsWith(label + ' ')});
  if (!hit.length) return {labels: nodes.get().map((n) => n.label)};
  const id = hit[0].id;
  network.focus(id, {scale: 1.3, animation: false});
  const p = network.canvasToDOM(network.getPositions([id])[id]);
  const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();
  return {id: id, x: p.x, y: p.y, w: box.width, h: box.height};
}"""


@pytest.fixture
def loaded_server(tmp_path):
    need_browser()
    db = tmp_path / "click.db"
    store = Store(f"sqlite:///{db}")
    load_two_snapshots(store)
    [r] = import_bytes(store, "accounts.csv", CRM_ACCOUNTS)
    assert r.status == "imported", r.problems
    store.engine.dispose()
    with streamlit_server(db, tmp_path / "streamlit.log") as url:
        yield url


def _map_frame(page):
    """The clickable map's frame once its page is drawn and the click hook is attached."""
    from playwright.sync_api import expect

    locator = page.frame_locator("iframe[title*='relmap_map']").first
    expect(locator.locator("#mynetwork canvas")).to_be_visible(timeout=WAIT_MS)
    expect(locator.locator("html[data-relmap-clickable='1']")).to_have_count(1, timeout=WAIT_MS)
    frame = next(f for f in page.frames if "relmap_map" in f.url)
    return locator, frame


def _click_node(page, label: str) -> str:
    locator, frame = _map_frame(page)
    point = frame.evaluate(_NODE_POINT, [label])
    assert "id" in point, f"no node labelled {label!r} on the map: {point}"
    assert 0 < point["x"] < point["w"] and 0 < point["y"] < point["h"], point
    page.wait_for_timeout(300)
    locator.locator("#mynetwork canvas").click(position={"x": point["x"], "y": point["y"]})
    return point["id"]


@pytest.mark.timeout(240)
def test_clicking_map_nodes_opens_person_and_account(loaded_server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    blocked: list[str] = []
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route("**/*", localhost_guard(blocked))
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{loaded_server}/account?account=ACME&owner=Sam+Rep", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()

            node = _click_node(page, "Ada Byron")
            assert node.startswith("person:")
            expect(page.get_by_role("heading", name="Person", exact=True)).to_be_visible()
            page.wait_for_url("**/person?*", timeout=WAIT_MS)
            query = parse_qs(urlparse(page.url).query)
            assert query["person"] == ["Ada Byron"] and query["owner"] == ["Sam Rep"], page.url
            expect(page.get_by_text("Employment across snapshots")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "click_person.png"), full_page=True)

            node = _click_node(page, "ACME")  # the person's map shows their company
            assert node.startswith("company:")
            page.wait_for_url("**/account?*", timeout=WAIT_MS)
            expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
            query = parse_qs(urlparse(page.url).query)
            assert query["account"] == ["ACME"] and query["owner"] == ["Sam Rep"], page.url
        finally:
            browser.close()
    assert blocked == [], f"requests tried to leave localhost: {blocked[:5]}"
