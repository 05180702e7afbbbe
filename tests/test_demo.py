"""The bundled demo: committed files match their builder, import as demo snapshots, clear cleanly."""

from __future__ import annotations

import json

from relmap.cli import main
from relmap.demo import DEMO_DIR, build_demo, clear_demo, demo_manifest, demo_team, load_demo
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


def test_load_demo_imports_connections_as_demo_and_is_idempotent(store):
    first = load_demo(store)
    imported = [r for r in first if r.status == "imported"]
    assert {r.kind for r in imported} >= {"linkedin_connections"}
    for r in imported:
        assert not r.problems, (r.path, [p.message for p in r.problems])
    # Tom's older export is an Excel re-save: read whole, hidden rows counted not stored.
    tom = next(r for r in imported if "tom-brandt" in r.path and r.kind == "linkedin_connections")
    assert tom.records_imported == tom.rows_read - tom.hidden_rows and tom.hidden_rows >= 0
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


def test_cli_demo_and_clear(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    main(["demo", "--db", url, "--json"])
    files = json.loads(capsys.readouterr().out)["files"]
    assert any(f["status"] == "imported" and f["kind"] == "linkedin_connections" for f in files)
    assert main(["demo", "--db", url, "--clear", "--json"]) == 0
    deleted = json.loads(capsys.readouterr().out)["deleted_snapshots"]
    assert deleted == sum(f["status"] == "imported" for f in files)


def test_cli_generate_writes_files(tmp_path, capsys):
    out = tmp_path / "gen"
    assert main(["generate", "--reps", "2", "--connections", "50", "--seed", "9", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all((out / e["path"]).exists() for e in manifest)
    assert f"wrote {len(manifest)} files" in capsys.readouterr().out
