"""AppTests of the dashboard pages, on an empty store and with data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dash_data import CRM_ACCOUNTS, FIRST, connections, load_two_snapshots
from tests.ui_helpers import dataframe, map_elements, map_html, page_links

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
    assert len(map_elements(at)) == 1, "the map is missing"
    return map_html(at)


def test_app_router_opens_on_empty_store(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "No data yet" in _text(at)


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
    [status] = at.status  # progress while importing, then what happened per file
    assert status.label == "Import finished: 1 stored or unchanged, 0 rejected" and status.state == "complete"
    assert [t.value for t in status.text] == ["Connections.csv: imported, 3 records stored"]
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
    assert ("account", {"account": "ACME"}) in [(p, q) for p, q, _ in page_links(at)]  # open it as an account
    at.radio(key="map-kind").set_value("Team (by company)").run()
    assert not at.exception


PAGES = ["overview", "champions", "at_risk", "account", "person", "map", "team_map", "data", "upload"]


@pytest.mark.parametrize("module", PAGES)
def test_every_page_on_empty_store(db, module):
    at = _page(module).run()
    assert not at.exception
    text = _text(at)
    if module not in ("upload",):
        assert "No data yet" in text or "Nothing imported yet" in text


REPORT = {
    "as_of": "2025-06-01",
    "job_changes": [{"person": "Joe X", "from_company": "ACME", "to_company": "Initech",
                     "window": ["2025-01-01", "2025-06-01"], "confidence": 0.9, "evidence": ["two snapshots"]}],
    "moved_champions": [{"person": "Joe X", "from_company": "ACME", "to_company": "Initech",
                         "window": ["2025-01-01", "2025-06-01"], "reasons": ["champion at ACME; left in 2025-06"],
                         "warm_paths": [["Sam Rep", "Joe X"]]}],
    "accounts": [
        {"account": "ACME", "status": "customer", "owner": "Sam Rep", "arr": 50000, "threads": 1,
         "single_threaded": True, "risk_score": 82, "risk_level": "high",
         "reasons": ["1 contact at ACME (Ada Byron)", "champion Joe X left for Initech"],
         "champions": ["Joe X"], "next_contacts": [{"person": "Bob Smith", "reason": "knows Ada"}]},
        {"account": "Globex", "status": "opportunity", "owner": "Kim Rep", "arr": 10000, "threads": 2,
         "single_threaded": False, "risk_score": 20, "risk_level": "low", "reasons": ["2 contacts"],
         "champions": [], "next_contacts": []},
    ],
    "timeline": [{"account": "ACME", "date": "2025-06-01", "event": "departure", "text": "Joe X left for Initech"}],
}


@pytest.fixture
def loaded(db, monkeypatch):
    """A store with two snapshots and a contract-shaped insights report."""
    import relmap.ui.common as common
    from relmap.store import Store

    store = Store(db)
    load_two_snapshots(store)
    store.engine.dispose()
    monkeypatch.setattr(common, "insights_available", lambda: True)
    monkeypatch.setattr(common, "_report", lambda url, version, as_of: REPORT)
    return db


def test_overview_numbers_from_report(loaded):
    at = _page("overview").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["High-risk accounts"] == "1" and metrics["Single-threaded accounts"] == "1"
    assert metrics["ARR on single-threaded accounts"] == "50,000"
    coverage = dataframe(at, "rep", "contacts")
    assert dict(zip(coverage["rep"], coverage["contacts"], strict=True)) == {"Sam Rep": 3, "Kim Rep": 1}
    assert dict(zip(coverage["rep"], coverage["accounts"], strict=True))["Kim Rep"] == "at-risk?owner=Kim+Rep"
    links = {label: (path, query) for path, query, label in page_links(at)}
    assert links["List high-risk accounts"] == ("at-risk", {"level": "high"})
    assert links["List single-threaded accounts"] == ("at-risk", {"single": "1"})
    assert links["Which accounts carry it"] == ("at-risk", {"single": "1"})
    assert links["List this quarter's moves"][0] == "champions"
    assert links["1 high"] == ("at-risk", {"level": "high"}) and links["1 low"] == ("at-risk", {"level": "low"})
    changes = dataframe(at, "person", "to_company")  # the list behind the job changes chart
    assert list(changes["person"]) == ["Joe X"]


def test_at_risk_filters(loaded):
    at = _page("at_risk").run()
    assert not at.exception
    assert list(at.dataframe[0].value["account"]) == ["ACME", "Globex"]
    at.checkbox(key="risk-single").check().run()
    assert list(at.dataframe[0].value["account"]) == ["ACME"]
    assert at.dataframe[0].value["open"].iloc[0] == "account?account=ACME"


def test_at_risk_level_from_link(loaded):
    at = _page("at_risk")
    at.query_params["level"] = "low"
    at.run()
    assert list(at.dataframe[0].value["account"]) == ["Globex"]


def test_champions_feed(loaded):
    at = _page("champions").run()
    assert not at.exception
    text = _text(at)
    assert "Joe X" in text and "ACME" in text and "Initech" in text
    assert "champion at ACME" in text


def test_account_page(loaded):
    at = _page("account")
    at.query_params["account"] = "ACME"
    at.run()
    assert not at.exception
    assert at.selectbox(key="account-name").value == "ACME"
    assert {m.label: m.value for m in at.metric}["Risk"] == "high (82)"
    assert "Bob Smith" in _text(at) and "champion Joe X left for Initech" in _text(at)
    assert len(map_elements(at)) == 1
    assert "left ACME for Initech" in " ".join(at.dataframe[-1].value["sentence"])  # insights timeline


def test_person_page_history_and_known_by(loaded):
    at = _page("person")
    at.query_params["person"] = "Bob Smith"
    at.run()
    assert not at.exception
    history = at.dataframe[0].value
    assert list(history["company"]) == ["Globex", "Globex", "Globex"]  # two of Sam's snapshots, one of Kim's
    assert sorted(at.dataframe[1].value["rep"]) == ["Kim Rep", "Sam Rep"]
    assert len(map_elements(at)) == 1


def test_team_map_and_drill_down(loaded):
    at = _page("team_map").run()
    assert not at.exception
    assert '"label": "Globex (1)"' in _iframe(at)
    at.selectbox(key="team-drill").set_value("ACME").run()
    assert "Account map: ACME" in _iframe(at)


def test_data_page_history_and_delete(loaded):
    at = _page("data").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 3
    at.checkbox(key="data-delete-ok").check().run()
    at.button(key="data-delete").click().run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 2


@pytest.fixture
def real(db):
    """A store with LinkedIn snapshots and a CRM export; pages use the real insights."""
    from relmap.store import Store
    from tests.dash_data import load_with_crm

    store = Store(db)
    load_with_crm(store)
    store.engine.dispose()
    return db


def test_real_insights_champions_and_risk(real):
    at = _page("champions").run()
    assert not at.exception
    text = "\n".join([_text(at)] + [t.value for t in at.text])
    assert "ACME" in text and "Initech" in text
    assert "Risk at ACME: high" in text and "Who on the team knows them: Sam Rep" in text
    at = _page("at_risk").run()
    table = at.dataframe[0].value
    assert list(table["account"]) == ["ACME", "Globex"]
    assert list(table["owner"]) == ["Sam Rep", "Kim Rep"]  # filled from the CRM export
    at = _page("overview").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["High-risk accounts"] == "1" and metrics["Single-threaded accounts"] == "2"


def test_real_insights_account_map_rings_single_threaded(real):
    at = _page("account")
    at.query_params["account"] = "ACME"
    at.run()
    assert not at.exception
    page = _iframe(at)
    assert '"label": "ACME [single-threaded]"' in page and "(champion)" in page
    assert "<script>alert(1)</script>" not in page
    assert any("Sam Rep knows" in m.value for m in at.markdown)  # warm path into ACME


def test_data_page_reviews_merge(loaded):
    from relmap.store import Store

    store = Store(loaded)
    frames = store.load_frames()
    ids = dict(zip(frames.people["full_name"], frames.people["person_id"], strict=True))
    with store.write() as conn:
        store.add_review(conn, "person", int(ids["Ada Byron"]), int(ids["Bob Smith"]), 0.7, "similar names", None)
    at = _page("data").run()
    assert not at.exception
    reviews = [d for d in at.dataframe if "reason" in d.value.columns]
    assert len(reviews) == 1 and list(reviews[0].value["reason"]) == ["similar names"]
    at.button(key="data-review-split").click().run()
    assert not at.exception
    assert store.reviews("open").empty and list(store.reviews(None)["status"]) == ["kept_apart"]
    store.engine.dispose()


def test_data_page_splits_a_wrongly_merged_person(loaded):
    from relmap.store import Store

    at = _page("data").run()
    at.text_input(key="data-split-query").input("Bob Smith").run()
    assert not at.exception
    records = next(d.value for d in at.dataframe if "what" in d.value.columns)
    assert sorted(records["rep"]) == ["Kim Rep", "Sam Rep", "Sam Rep"]
    pick = at.multiselect(key="data-split-snapshots")
    kim = int(records.loc[records["rep"] == "Kim Rep", "snapshot"].iloc[0])
    pick.select(kim).run()
    at.button(key="data-split-go").click().run()
    assert not at.exception
    assert any("Split: 1 snapshot(s)" in s.value for s in at.success)
    store = Store(loaded)
    frames = store.load_frames()
    assert (frames.people["full_name"] == "Bob Smith").sum() == 2
    store.engine.dispose()


def test_data_page_referral_form_lands_in_the_account_timeline(real):
    from datetime import date

    from relmap.store import Store

    at = _page("data").run()
    assert not at.exception
    at.text_input(key="ref-referrer").input("Ada Byron")
    at.text_input(key="ref-referred").input("Rita <b>Newperson</b>")
    at.text_input(key="ref-company").input("ACME")
    at.date_input(key="ref-date").set_value(date(2025, 5, 20))
    at.text_area(key="ref-note").input("met at the summit")
    at.button[[b.label for b in at.button].index("Add referral")].click().run()
    assert not at.exception
    assert at.success and "Referral added" in at.success[0].value
    assert "(account?account=ACME)" in at.success[0].value
    store = Store(real)
    frames = store.load_frames()
    names = frames.people.set_index("person_id")["full_name"]
    [ref] = frames.referrals.itertuples()
    assert (names[ref.referrer_id], names[ref.referred_id], ref.note) == ("Ada Byron", "Rita <b>Newperson</b>",
                                                                          "met at the summit")
    store.engine.dispose()
    account = _page("account")
    account.query_params["account"] = "ACME"
    account.run()
    assert not account.exception
    sentences = " ".join(account.dataframe[-1].value["sentence"])
    assert "Ada Byron referred Rita <b>Newperson</b> at ACME" in sentences


def test_data_page_referral_form_needs_both_people(db):
    at = _page("data").run()
    at.text_input(key="ref-referrer").input("Ada Byron")
    at.button[[b.label for b in at.button].index("Add referral")].click().run()
    assert not at.exception
    assert "needs both the referrer and the referred" in at.error[0].value


def _frame_with(at: AppTest, column: str):
    [frame] = [d.value for d in at.dataframe if column in d.value.columns]
    return frame


def _map_key(prefix: str, data: bytes) -> str:
    import hashlib

    return f"{prefix}-map-{hashlib.sha256(data).hexdigest()[:12]}"


@pytest.mark.parametrize("module", ["upload", "data"])
def test_unknown_crm_layout_is_mapped_previewed_and_imported(db, module):
    from relmap.store import Store

    prefix = "upload" if module == "upload" else "data"
    unknown = (ROOT / "tests" / "fixtures" / "crm" / "unknown_contacts.csv").read_bytes()
    at = _page(module).run()
    at.file_uploader[0].upload("Connections.csv", connections(FIRST), "text/csv")
    at.file_uploader[0].upload("contacts <b>x</b>.csv", unknown, "text/csv")
    at.text_input(key=f"{prefix}-owner").input("Sam Rep")
    at.run()
    at.button(key=f"{prefix}-go").click().run()
    assert not at.exception
    # The recognised LinkedIn file imported at once; the CRM file waits for its mapping.
    assert list(_frame_with(at, "records stored")["status"]) == ["imported"]
    key = _map_key(prefix, unknown)
    assert at.selectbox(key=f"{key}-kind").value == "crm_contacts"
    proposed = {at.selectbox(key=f"{key}-crm_contacts-{i}").label: at.selectbox(key=f"{key}-crm_contacts-{i}").value
                for i in range(5)}
    assert proposed == {"Contact Person": "full_name", "Mail Address": "email", "Company": "account_name",
                        "Job Title": "title", "Relationship": "ignore"}
    preview = _frame_with(at, "first_name")
    assert list(preview["first_name"]) == ["Maria", "Tom"] and "role" not in preview.columns
    at.selectbox(key=f"{key}-crm_contacts-4").set_value("role").run()  # Relationship holds the buying role
    preview = _frame_with(at, "first_name")
    assert list(preview["role"]) == ["champion", "economic_buyer"]
    assert "--map Relationship=role" in at.code[0].value
    at.button(key=f"{key}-go").click().run()
    assert not at.exception
    summary = _frame_with(at, "records stored")
    assert list(summary["status"]) == ["imported", "imported"]
    assert list(summary["kind"]) == ["linkedin_connections", "crm_contacts"]
    assert int(summary["records stored"].iloc[1]) == 2
    assert not [s for s in at.selectbox if s.key and s.key.startswith(key)]  # the mapping step is done
    store = Store(db)
    frames = store.load_frames()
    names = frames.people.set_index("person_id")["full_name"]
    roles = {names[p]: r for p, r in zip(frames.crm_contacts["person_id"], frames.crm_contacts["role"], strict=True)}
    assert roles == {"Maria Garcia": "champion", "Tom Baker": "economic_buyer"}
    store.engine.dispose()


def test_recognised_crm_file_imports_without_mapping_step(db):
    at = _page("upload").run()
    at.file_uploader[0].upload("accounts.csv", CRM_ACCOUNTS, "text/csv")
    at.run()
    at.button(key="upload-go").click().run()
    assert not at.exception
    assert list(_frame_with(at, "records stored")["kind"]) == ["crm_accounts"]
    assert not [s for s in at.selectbox if s.key and s.key.startswith("upload-map-")]


def test_map_selection_opens_the_person_page_with_filters(loaded):
    """The selection beside the map (the click's fallback) switches to the Person page, keeping
    the shared owner filter in the URL."""
    script = ("import streamlit as st\nfrom relmap.ui.nav import page_object\n"
              "st.navigation([page_object('account'), page_object('person')]).run()\n")
    at = AppTest.from_string(script, default_timeout=60)
    at.query_params["account"] = "ACME"
    at.query_params["owner"] = "Sam Rep"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Account"
    pick = at.selectbox(key="account-map-open")
    ada = next(v for v in pick.options if v == "Person: Ada Byron")
    pick.select(ada).run()
    assert not at.exception
    assert at.title[0].value == "Person"
    assert at.selectbox(key="person-name").value == "Ada Byron"
    assert dict(at.query_params) == {"owner": "Sam Rep", "person": "Ada Byron"}


def test_rep_on_a_map_opens_the_reps_map(loaded):
    """A rep node on an account's map (here through the selection beside it) opens the Map page
    on that rep, keeping the shared filters."""
    script = ("import streamlit as st\nfrom relmap.ui.nav import page_object\n"
              "st.navigation([page_object('account'), page_object('map')]).run()\n")
    at = AppTest.from_string(script, default_timeout=60)
    at.query_params["account"] = "ACME"
    at.run()
    pick = at.selectbox(key="account-map-open")
    reps = [v for v in pick.options if v.startswith("Rep's map: ")]
    assert reps, pick.options
    pick.select(reps[0]).run()
    assert not at.exception
    assert at.title[0].value == "Relationship map"
    rep = reps[0].removeprefix("Rep's map: ")
    assert at.selectbox(key="map-rep").value == rep
    assert dict(at.query_params) == {"rep": rep}
    assert f'"label": "{rep}"' in _iframe(at)


def test_shared_owner_filter_from_the_url(loaded):
    """A shared link with ?owner= shows that owner's view on Overview and At-risk, and keeps
    the owner in the URL."""
    at = _page("overview")
    at.query_params["owner"] = "Kim Rep"
    at.run()
    assert not at.exception
    assert at.selectbox(key="filter-owner").value == "Kim Rep"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["High-risk accounts"] == "0" and metrics["Single-threaded accounts"] == "0"
    assert list(dataframe(at, "rep", "contacts")["rep"]) == ["Kim Rep"]
    assert at.query_params["owner"] == "Kim Rep"
    links = {label: (path, query) for path, query, label in page_links(at)}
    assert links["List high-risk accounts"] == ("at-risk", {"level": "high", "owner": "Kim Rep"})

    at = _page("at_risk")
    at.query_params["owner"] = "Kim Rep"
    at.run()
    assert list(at.dataframe[0].value["account"]) == ["Globex"]
    assert at.dataframe[0].value["open"].iloc[0] == "account?owner=Kim+Rep&account=Globex"


def test_as_of_filter_from_the_url_reaches_every_page(loaded):
    for module in ("overview", "champions", "at_risk", "account", "person", "map", "team_map"):
        at = _page(module)
        at.query_params["as_of"] = "2025-03-01"
        at.run()
        assert not at.exception, module
        assert at.date_input(key="filter-as-of").value.isoformat() == "2025-03-01", module
        assert at.query_params["as_of"] == "2025-03-01", module
    at = _page("person")
    at.query_params["as_of"] = "2025-03-01"
    at.query_params["person"] = "Bob Smith"
    at.run()
    history = at.dataframe[0].value
    assert len(history) == 1  # only Sam's January snapshot is on or before 2025-03-01


def test_at_risk_filters_round_trip_through_the_url(loaded):
    at = _page("at_risk")
    at.query_params["level"] = "high,low"
    at.query_params["status"] = "customer"
    at.run()
    assert at.multiselect(key="risk-level").value == ["high", "low"]
    assert list(at.dataframe[0].value["account"]) == ["ACME"]
    at.checkbox(key="risk-single").check().run()
    assert at.query_params["single"] == "1" and at.query_params["status"] == "customer"
    at.multiselect(key="risk-status").set_value([]).run()
    assert "status" not in at.query_params
    at.text_input(key="risk-table-filter").input("glob").run()
    assert list(at.dataframe[0].value["account"]) == []  # single-threaded only: Globex is not
    at.checkbox(key="risk-single").uncheck().run()
    assert list(at.dataframe[0].value["account"]) == ["Globex"]


def test_champions_since_link_from_the_overview(loaded):
    at = _page("champions")
    at.query_params["since"] = "2025-07-01"
    at.run()
    assert not at.exception
    assert "Joe X" not in _text(at) and "0 of 1" in _text(at)
    at = _page("champions")
    at.query_params["since"] = "2025-04-01"
    at.run()
    assert "Joe X" in _text(at) and "1 of 1" in _text(at)


def test_map_page_view_from_the_url(loaded):
    at = _page("map")
    at.query_params["owner"] = "Sam Rep"
    at.run()
    assert at.selectbox(key="map-rep").value == "Sam Rep" and at.query_params["rep"] == "Sam Rep"
    at = _page("map")
    at.query_params["company"] = "ACME"
    at.run()
    assert at.radio(key="map-kind").value == "Company" and "Account map: ACME" in _iframe(at)


def test_download_neutralises_formulas():
    import pandas as pd

    from relmap.ui.common import safe_csv

    rows = safe_csv(pd.DataFrame({"v": ["=SUM(A1)", "+1", "-2", "@x", "\tt", "\rr", "ok"]})).decode()
    assert rows.splitlines()[1:6] == ["'=SUM(A1)", "'+1", "'-2", "'@x", "'\tt"]
    assert "\r\n\"'\rr\"\r\n" in rows and rows.rstrip().endswith("ok")  # a CR inside a cell is quoted
