"""The bundled demo: committed files match their builder, import as demo snapshots, clear cleanly."""

from __future__ import annotations

import json

from relmap.cli import main
from relmap.demo import (
    DEMO_AS_OF,
    DEMO_CRM_AS_OF,
    DEMO_DIR,
    build_demo,
    clear_demo,
    demo_manifest,
    demo_team,
    load_demo,
)
from relmap.importer import import_bytes


def test_committed_demo_files_are_what_build_demo_writes(tmp_path):
    manifest = build_demo(tmp_path)
    assert manifest == demo_manifest(DEMO_DIR)
    for entry in manifest:
        assert (tmp_path / entry["path"]).read_bytes() == (DEMO_DIR / entry["path"]).read_bytes(), entry["path"]


def test_demo_is_small_and_holds_the_stories():
    team = demo_team()
    assert len(team.reps) == 3 and len(team.connections) < 1000
    pid = team.extra["core_people"]
    co = team.extra["core_companies"]
    moves = team.moves().set_index("person_id")
    # Joe leaves the customer Kestrel for Brightwater, which is not in the CRM.
    assert moves.loc[pid["joe"], ["from_company", "to_company"]].tolist() == [co["kestrel"], co["brightwater"]]
    assert co["brightwater"] not in set(team.crm_accounts.company_id)
    ref = team.referrals.iloc[-1]
    assert (ref.referrer_id, ref.referred_id, ref.company_id) == (pid["joe"], pid["richard"], co["brightwater"])
    # Victor arrives at Tidewell from elsewhere; Sofia is the only CRM contact there.
    assert moves.loc[pid["victor"], "to_company"] == co["tidewell"]
    tidewell = team.crm_accounts.set_index("company_id").loc[co["tidewell"]]
    assert tidewell.status == "customer"
    assert (team.crm_contacts.account_name == tidewell["name"]).sum() == 1
    # Hana at Larchmont: the open deal's only contact, last touched in April.
    hana = team.messages[team.messages.person_id == pid["hana"]]
    assert hana["date"].max().strftime("%Y-%m") == "2026-04"


def _hidden_in(team, rep_id: int, snapshot: int) -> int:
    c = team.connections
    pids = c.loc[(c.rep_id == rep_id) & (c.snapshot == snapshot), "person_id"].to_numpy()
    return int(team.people["hidden"].to_numpy()[pids].sum())


def test_load_demo_imports_every_file_as_demo_and_is_idempotent(store):
    first = load_demo(store)
    # Every file of the demo (archives unpacked into their members) is read with no problem.
    assert [r.status for r in first] == ["imported"] * len(first)
    for r in first:
        assert not r.problems, (r.path, [p.message for p in r.problems])
    kinds = {r.kind for r in first}
    assert kinds == {"linkedin_connections", "linkedin_profile", "linkedin_positions", "linkedin_messages",
                     "crm_accounts", "crm_contacts", "crm_opportunities", "referrals"}
    # The deliberate quirks are counted exactly: hidden rows of each Connections file.
    team = demo_team()
    conns = [r for r in first if r.kind == "linkedin_connections"]
    assert len(conns) == 6
    for i, r in enumerate(conns):  # manifest order: each rep's older loose file, then the archive
        rep, snapshot = divmod(i, 2)
        assert (team.reps["slug"][rep] in r.path) if snapshot == 0 else ("Basic_LinkedInDataExport" in r.path)
        assert r.hidden_rows == _hidden_in(team, rep, snapshot), r.path
        assert r.records_imported == r.rows_read - r.hidden_rows
    assert sum(r.hidden_rows for r in conns) > 0
    # Tom's older export is the Excel re-save (cp1252, padded Notes line).
    tom_old = next(r for r in conns if "tom-brandt" in r.path and "Basic_" not in r.path)
    assert "excel" in (tom_old.layout or "")
    imported = first
    snaps = store.list_snapshots()
    assert len(snaps) == len(imported) and snaps["is_demo"].astype(bool).all()
    again = load_demo(store)
    assert {r.path for r in again if r.status == "unchanged"} == {r.path for r in imported}
    assert len(store.list_snapshots()) == len(imported)


def test_clear_demo_deletes_demo_snapshots_only(sqlite_store):
    mine = import_bytes(sqlite_store, "Connections.csv",
                        b"First Name,Last Name,Company,Position,Connected On\nAda,Byron,ACME,CTO,01 Jan 2024\n",
                        owner="Real Rep")
    assert mine[0].status == "imported"
    demo = [r for r in load_demo(sqlite_store) if r.status == "imported"]
    assert len(sqlite_store.list_snapshots()) == 1 + len(demo)
    assert clear_demo(sqlite_store) == len(demo)
    left = sqlite_store.list_snapshots()
    assert left["id"].tolist() == [mine[0].snapshot_id]
    assert clear_demo(sqlite_store) == 0


def _refuse(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def test_cli_demo_and_clear(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    main(["demo", "--db", url, "--json"])
    files = json.loads(capsys.readouterr().out)["files"]
    assert any(f["status"] == "imported" and f["kind"] == "linkedin_connections" for f in files)
    # The report is strict JSON: an account with no contact has no rep share (null, never NaN).
    assert main(["report", "--db", url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out, parse_constant=_refuse)
    kestrel = next(a for a in report["accounts"] if a["account"].startswith("Kestrel"))
    assert kestrel["threads"] == 0 and kestrel["rep_share"] is None
    assert main(["demo", "--db", url, "--clear", "--json"]) == 0
    deleted = json.loads(capsys.readouterr().out)["deleted_snapshots"]
    assert deleted == sum(f["status"] == "imported" for f in files)


def test_cli_generate_writes_files(tmp_path, capsys):
    out = tmp_path / "gen"
    assert main(["generate", "--reps", "2", "--connections", "50", "--seed", "9", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all((out / e["path"]).exists() for e in manifest)
    assert f"wrote {len(manifest)} files" in capsys.readouterr().out


def test_report_tells_each_story_of_the_demo(sqlite_store):
    from relmap.insights.report import build_report

    load_demo(sqlite_store)
    report = build_report(sqlite_store.load_frames(), DEMO_AS_OF)
    accounts = {a["account"]: a for a in report["accounts"]}

    # 1. The champion who moved, from a customer to a company that is not one, with the referral.
    joe = next(m for m in report["moved_champions"] if m["person"] == "Joe Whitfield")
    assert (joe["from_company"], joe["to_company"], joe["landing"]) == (
        "Kestrel Foods Inc.", "Brightwater Logistics", "opportunity")
    assert "Maya Okafor" in joe["known_by"]
    assert any(p.get("kind") == "referral" and "Richard Alvarez" in p["path"] for p in joe["warm_paths"])
    # 2. The customer he left hangs by no thread at all: high risk, with its reasons.
    kestrel = accounts["Kestrel Foods Inc."]
    assert kestrel["single_threaded"] and kestrel["risk_level"] == "high"
    assert any("Joe Whitfield left for Brightwater Logistics" in r for r in kestrel["reasons"])
    assert any(r.startswith("renewal in") for r in kestrel["reasons"])
    assert kestrel["arr"] == 120_000 and "ARR at stake: 120,000" in kestrel["reasons"]  # the CRM's ARR column
    # 3. The arrival: a new VP at Tidewell from Cinderpath, where only one rep knows anyone.
    victor = next(j for j in report["job_changes"] if j["person"] == "Victor Lindqvist")
    assert (victor["from_company"], victor["to_company"]) == ("Cinderpath Software GmbH", "Tidewell Retail")
    tidewell = accounts["Tidewell Retail"]
    assert any("Victor Lindqvist arrived from Cinderpath Software GmbH" in r for r in tidewell["reasons"])
    assert any("only Tom Brandt knows anyone there" in r for r in tidewell["reasons"])
    # 4. Whitespace: the loyal, well-threaded customer has departments nobody has met.
    orbis = accounts["Orbis Health"]
    assert orbis["risk_level"] == "low" and not orbis["single_threaded"]
    assert orbis["reasons"][0].startswith(f"{orbis['threads']} contacts at Orbis Health (")  # a 0 still says why
    assert all(a["reasons"] for a in report["accounts"])
    whitespace = {c["person"] for c in orbis["next_contacts"] if any("whitespace" in w for w in c["why"])}
    assert whitespace == {"Inès Moreau", "Kenji Tanaka", "Rosa Peña"}
    # 5. The quiet deal: one contact, untouched for months, close date near.
    larchmont = accounts["Larchmont Energy LLC"]
    assert larchmont["single_threaded"] and larchmont["status"] == "opportunity"
    quiet = next(r for r in larchmont["reasons"] if r.startswith("no touch in"))
    assert int(quiet.split()[3]) >= 150


def test_team_frames_give_insights_the_same_stories_without_a_store():
    from relmap.insights.report import build_report
    from relmap.model import FRAME_COLUMNS
    from relmap.team_frames import team_frames

    frames = team_frames(demo_team(), crm_as_of=DEMO_CRM_AS_OF)
    for name, cols in FRAME_COLUMNS.items():
        assert list(getattr(frames, name).columns) == cols, name
    report = build_report(frames, DEMO_AS_OF)
    joe = next(m for m in report["moved_champions"] if m["person"] == "Joe Whitfield")
    assert (joe["from_company"], joe["to_company"]) == ("Kestrel Foods Inc.", "Brightwater Logistics")
    accounts = {a["account"]: a for a in report["accounts"]}
    assert accounts["Kestrel Foods Inc."]["risk_level"] == "high"
    assert any("Victor Lindqvist arrived" in r for r in accounts["Tidewell Retail"]["reasons"])
