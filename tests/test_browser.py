"""End to end in a real browser: `streamlit run app.py` driven by Playwright in Debian's Chromium.

Uploads a Connections.csv and a CRM accounts export, sees the import summary, opens the map, Champions moved and
an account and sees the maps drawn (a canvas inside the iframe), and checks that no request left localhost. Screenshots
go to tests/artifacts/. Without Chromium or Playwright the test skips with the reason,
except in CI (RELMAP_CI=1), where it fails.
"""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, WAIT_MS, localhost_guard
from tests.dash_data import CRM_ACCOUNTS, FIRST, connections


@pytest.mark.timeout(240)
def test_upload_then_map_in_chromium(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    csv_path = tmp_path / "Connections.csv"
    csv_path.write_bytes(connections(FIRST))
    crm_path = tmp_path / "accounts.csv"
    crm_path.write_bytes(CRM_ACCOUNTS)
    ARTIFACTS.mkdir(exist_ok=True)
    blocked: list[str] = []
    guard = localhost_guard(blocked)

    expect.set_options(timeout=WAIT_MS)  # generous: CI machines run other suites too
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route("**/*", guard)
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(server, wait_until="domcontentloaded")
            expect(page.get_by_text("No data yet")).to_be_visible(timeout=WAIT_MS)  # Overview, empty store
            page.goto(f"{server}/upload", wait_until="domcontentloaded")
            expect(page.get_by_text("Upload exports")).to_be_visible(timeout=WAIT_MS)
            page.locator("input[type=file]").first.set_input_files([str(csv_path), str(crm_path)])
            owner = page.get_by_label("Rep name (whose LinkedIn export this is)")
            owner.fill("Sam Rep")
            owner.press("Enter")
            page.get_by_role("button", name="Import").click()
            expect(page.get_by_text("Import summary")).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_text("2 imported, 0 unchanged")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)

            page.goto(f"{server}/map", wait_until="domcontentloaded")
            expect(page.get_by_text("Relationship map")).to_be_visible(timeout=WAIT_MS)
            frame = page.frame_locator("iframe").first
            expect(frame.locator("#mynetwork canvas")).to_be_visible(timeout=WAIT_MS)
            expect(frame.locator("#relmap-legend")).to_contain_text("Single-threaded account")
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)

            page.goto(f"{server}/champions", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Champions moved")).to_be_visible(timeout=WAIT_MS)
            page.screenshot(path=str(ARTIFACTS / "champions.png"), full_page=True)

            page.goto(f"{server}/account?account=ACME", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible(timeout=WAIT_MS)
            frame = page.frame_locator("iframe").first
            expect(frame.locator("#mynetwork canvas")).to_be_visible(timeout=WAIT_MS)
            expect(frame.locator("#relmap-legend")).to_contain_text("Account map: ACME")
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "account.png"), full_page=True)
        finally:
            browser.close()
    assert blocked == [], f"requests tried to leave localhost: {blocked[:5]}"
