"""Erasure: ``Store.forget_person`` / ``python -m relmap forget`` removes a person from every
table, the report and the exports, and (SQLite) from the database file's bytes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from relmap import cli
from relmap.demo import load_demo
from relmap.export import export
from relmap.importer import import_bytes, import_paths
from relmap.insights import build_report
from tests.dash_data import connections

NAME = "Joe Whitfield"  # the demo's champion who moved: he is in LinkedIn, CRM, a deal and a referral
EMAIL = "joe.whitfield@kestrelfoods.com"
URL = "linkedin.com/in/joe-whitfield-4k2"


def _everything_shown(store, tmp_path: Path) -> str:
    """The report as JSON plus every export, as one text."""
    frames = store.load_frames()
    parts = [json.dumps(build_report(frames, None), default=str, ensure_ascii=False)]
    for fmt, table in (("csv", "edges"), ("csv", "accounts"), ("csv", "job_changes"), ("csv", "moved_champions"),
                       ("graphml", "edges"), ("gexf", "edges")):
        out = tmp_path / f"export-{table}.{fmt}"
        export(frames, fmt, out, table=table)
        parts.append(out.read_text(encoding="utf-8"))
    return "\n".join(parts)


def _db_bytes(store) -> bytes:
    path = Path(store.engine.url.database)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forget_erases_everywhere(store, tmp_path):
    load_demo(store)
    shown = _everything_shown(store, tmp_path)
    assert NAME in shown and "Whitfield" in shown  # the test can fail: he is there before
    frames = store.load_frames()
    [pid] = frames.people.loc[frames.people.full_name == NAME, "person_id"]
    assert (frames.referrals.referrer_id == pid).any() and (frames.crm_contacts.person_id == pid).any()
    if store.is_sqlite:
        assert b"Whitfield" in _db_bytes(store)
    before = store.table_counts()

    removed = store.forget_person(EMAIL)

    after = store.table_counts()
    assert removed == sum(before[t] - after[t] for t in before if t != "meta")
    assert before["people"] - after["people"] == 1
    assert after["snapshots"] == before["snapshots"]  # other people's data stays
    assert before["relationships"] - after["relationships"] >= 1
    shown = _everything_shown(store, tmp_path)
    assert "Whitfield" not in shown and EMAIL not in shown and URL not in shown
    frames = store.load_frames()
    assert not (frames.people.person_id == pid).any()
    for table in ("employments", "relationships", "crm_contacts", "champion_marks"):
        assert not (getattr(frames, table).person_id == pid).any(), table
    assert not ((frames.referrals.referrer_id == pid) | (frames.referrals.referred_id == pid)).any()
    assert all(r["person_id"] != pid for roles in frames.crm_opportunities.contact_roles for r in json.loads(roles))
    assert store.find_people(NAME) == [] and store.find_people(EMAIL) == []
    if store.is_sqlite:  # VACUUM + WAL truncation: no freed page keeps the bytes
        raw = _db_bytes(store)
        assert b"Whitfield" not in raw and EMAIL.encode() not in raw
    with pytest.raises(LookupError, match="Nobody"):
        store.forget_person(NAME)


DUP = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" \
      "Ada,Byron,https://www.linkedin.com/in/ada-1,,ACME,CTO,01 Jan 2024\n" \
      "Ada,Byron,https://www.linkedin.com/in/ada-2,,Globex,CEO,01 Jan 2024\n" \
      "Bob,Smith,https://www.linkedin.com/in/bob-smith,bob@globex.io,Globex,CFO,01 Jan 2024\n"


def test_forget_ambiguous_name_lists_candidates_and_url_picks_one(store):
    [r] = import_bytes(store, "Connections.csv", DUP.encode(), owner="Sam Rep", as_of=date(2025, 1, 1))
    assert r.status == "imported"
    with pytest.raises(LookupError) as err:
        store.forget_person("byron ada")  # names match like imports: case and word order ignored
    assert "2 people" in str(err.value) and "linkedin.com/in/ada-1" in str(err.value)
    assert "linkedin.com/in/ada-2" in str(err.value)
    assert store.table_counts()["people"] == 3  # nothing erased by a refusal
    assert store.forget_person("https://www.linkedin.com/in/Ada-2/") == 3  # person, employment, relationship
    names = sorted(store.load_frames().people.full_name)
    assert names == ["Ada Byron", "Bob Smith"]
    assert store.forget_person("BOB@globex.io") >= 3
    assert store.find_people("Ada Byron")[0]["profile_url"] == "linkedin.com/in/ada-1"


def test_forget_removes_the_person_from_deal_contact_roles(store):
    crm = Path(__file__).parent / "fixtures" / "crm"
    import_paths(store, [crm / "sf_accounts_report.csv", crm / "sf_contacts_report.csv",
                         crm / "sf_opportunities_report.csv"])
    ids = dict(zip(store.load_frames().people.full_name, store.load_frames().people.person_id))
    assert store.forget_person("Joe Smith") >= 2
    roles = [r for raw in store.load_frames().crm_opportunities.contact_roles for r in json.loads(raw)]
    assert roles == [{"person_id": ids["Ana Müller"], "role": "economic_buyer"}]  # Joe's role is gone


def test_forget_refuses_a_rep_with_stored_exports(store):
    import_bytes(store, "Connections.csv", connections([("Sam", "Rep", "ACME", "AE")]), owner="Kim Rep",
                 as_of=date(2025, 1, 1))
    import_bytes(store, "Connections.csv", connections([("Kim", "Rep", "ACME", "AE")]), owner="Sam Rep",
                 as_of=date(2025, 1, 1))
    with pytest.raises(ValueError, match="delete their snapshots"):
        store.forget_person("Sam Rep")
    assert store.table_counts()["people"] == 2


def test_forget_cli_json(sqlite_store, capsys):
    load_demo(sqlite_store)
    url = sqlite_store.url
    assert cli.main(["forget", "--person", "Nobody Atall", "--db", url, "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["forgotten"] is False and "Nobody" in out["error"]
    assert cli.main(["forget", "--person", NAME, "--db", url, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["forgotten"] is True and out["rows_removed"] > 5
    assert cli.main(["report", "--db", url, "--json"]) == 0
    report = capsys.readouterr().out
    assert "Whitfield" not in report and "Kestrel" in report


def test_data_page_forget_button(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from relmap.store import Store

    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("RELMAP_DATABASE_URL", url)
    store = Store(url)
    import_bytes(store, "Connections.csv", DUP.encode(), owner="Sam Rep", as_of=date(2025, 1, 1))
    at = AppTest.from_string("from relmap.ui.data import page\npage()\n", default_timeout=60).run()
    assert not at.exception
    at.text_input(key="data-forget").input("Ada Byron").run()
    at.button(key="data-forget-go").click().run()
    assert not at.exception
    assert "2 people are called 'Ada Byron'" in at.error[0].value  # refused, candidates listed
    at.text_input(key="data-forget").input("bob@globex.io").run()
    at.button(key="data-forget-go").click().run()
    assert not at.exception and not at.error
    assert "4 record(s) removed" in at.success[0].value  # person, email, employment, relationship
    assert sorted(store.load_frames().people.full_name) == ["Ada Byron", "Ada Byron"]
    store.engine.dispose()
