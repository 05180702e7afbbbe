"""Importing LinkedIn files into the store: writers, the archive zip and the CLI contract."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile

import pandas as pd

from relmap.importer import import_bytes, import_paths
from tests.conftest import FIXTURES

LI = FIXTURES / "linkedin"
ROOT = FIXTURES.parent.parent


def _archive(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_vintages_import_with_exact_counts(store):
    results = import_paths(store, [LI / "connections_2021.csv", LI / "connections_2024.csv",
                                   LI / "connections_excel_cp1252_semicolon.csv"], owner="Rita Rep")
    assert [(r.status, r.records_imported) for r in results] == [("imported", 3), ("imported", 4), ("imported", 3)]
    counts = store.counts()
    assert counts["people"] == 10 and counts["relationships"] == 10
    frames = store.load_frames()
    # "Acme Inc.", "Acme, Inc", "ACME, Inc." and "Acme Corp" are one company; "Looking for..." is none
    acme = frames.companies[frames.companies.norm_key == "acme"]
    assert len(acme) == 1
    assert "Looking for opportunities" not in set(frames.companies.company_name)
    assert set(frames.snapshots.layout) == {"2020-2023", "2023+", "2023+ excel-resave"}


def test_archive_messages_invitations_positions_profile(store):
    members = {
        "Basic_LinkedInDataExport_03-15-2025/Connections.csv": (LI / "connections_2024.csv").read_bytes(),
        "deeper/folder/Invitations.csv": (LI / "Invitations.csv").read_bytes(),
        "messages.csv": (LI / "messages.csv").read_bytes(),
        "Positions.csv": (LI / "Positions.csv").read_bytes(),
        "Profile.csv": (LI / "Profile.csv").read_bytes(),
        "Skills.csv": b"Name\nNegotiation\n",
        "../../evil.csv": (LI / "connections_2018.csv").read_bytes(),
        "Rich_Media/photo.jpg": b"\xff\xd8\xff" + bytes(100),
    }
    data = _archive(members)
    results = import_bytes(store, "Basic_LinkedInDataExport_03-15-2025.zip", data)  # owner from Profile.csv
    assert all(r.status == "imported" for r in results), [r.as_dict() for r in results]
    by_kind = {(r.kind, r.path.rsplit("/", 1)[-1]): r for r in results}
    assert set(by_kind) == {("linkedin_profile", "Profile.csv"), ("linkedin_connections", "Connections.csv"),
                            ("linkedin_invitations", "Invitations.csv"), ("linkedin_messages", "messages.csv"),
                            ("linkedin_positions", "Positions.csv"), ("linkedin_connections", "evil.csv")}
    assert all(r.path.startswith("Basic_LinkedInDataExport_03-15-2025.zip/") for r in results)
    assert by_kind[("linkedin_messages", "messages.csv")].records_imported == 3
    assert by_kind[("linkedin_invitations", "Invitations.csv")].records_imported == 2
    assert by_kind[("linkedin_positions", "Positions.csv")].records_imported == 2
    frames = store.load_frames()
    assert frames.reps.rep_name.tolist() == ["Rita Rep"]
    assert set(frames.snapshots.as_of) == {pd.Timestamp(2025, 3, 15)}
    rita = frames.reps.person_id.iloc[0]
    assert frames.people.set_index("person_id").at[rita, "full_name"] == "Rita Rep"
    own = frames.employments[frames.employments.source == "positions"]
    assert set(own.person_id) == {rita} and len(own) == 2
    rel = frames.relationships.merge(frames.people, on="person_id")
    msgs = rel[rel.source == "message"].set_index("full_name")
    # Jörg matched by URL to his Connections row, not a new person
    assert msgs.at["Jörg Müller", "message_count"] == 2
    assert msgs.at["Jörg Müller", "last_touch"] == pd.Timestamp(2024, 6, 2)
    jorg = frames.people[frames.people.full_name == "Jörg Müller"]
    assert len(jorg) == 1
    inv = rel[rel.source == "invitation"].set_index("full_name")
    assert sorted(inv.index) == ["Jörg Müller", "Nadia Newcomer"]
    assert inv.at["Nadia Newcomer", "last_touch"] == pd.Timestamp(2024, 12, 1)
    # the same archive again: every member unchanged
    again = import_bytes(store, "Basic_LinkedInDataExport_03-15-2025.zip", data)
    assert {r.status for r in again} == {"unchanged"}


def test_archive_only_unknown_members_is_rejected(store):
    data = _archive({"Skills.csv": b"Name\nNegotiation\n", "Ad_Targeting.csv": b"a,b\n1,2\n"})
    [result] = import_bytes(store, "Basic_LinkedInDataExport_01-02-2025.zip", data, owner="Rita")
    assert result.status == "rejected"
    assert "Basic_LinkedInDataExport_01-02-2025.zip holds no file relmap knows" in result.problems[0].message
    assert store.is_empty()


def test_archive_limits_checked_before_expanding(store, monkeypatch):
    from relmap import config

    monkeypatch.setattr(config, "MAX_ZIP_MEMBERS", 2)
    data = _archive({f"f{i}.csv": b"x" for i in range(3)})
    [result] = import_bytes(store, "export.zip", data, owner="Rita")
    assert result.status == "rejected" and "more than the 2 allowed" in result.problems[0].message
    monkeypatch.setattr(config, "MAX_ZIP_EXPANDED_BYTES", 1000)
    data = _archive({"Connections.csv": b"," * 5000})
    [result] = import_bytes(store, "export.zip", data, owner="Rita")
    assert result.status == "rejected" and "expands to" in result.problems[0].message
    assert store.is_empty()


def test_message_counterpart_matched_by_name(sqlite_store):
    import_paths(sqlite_store, [LI / "connections_2021.csv"], owner="Rita Rep")
    [result] = import_paths(sqlite_store, [LI / "Invitations_2022.csv"], owner="Rita Rep")
    assert result.records_imported == 2
    frames = sqlite_store.load_frames()
    assert len(frames.people[frames.people.full_name == "Priya Natarajan"]) == 1  # matched by name
    assert len(frames.people) == 4  # Omar Haddad is new


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "relmap", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_cli_json_contract(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    fixture = str(LI / "connections_2024.csv")
    first = _cli("import", fixture, "--owner", "Rita Rep", "--json", "--db", db)
    assert first.returncode == 0, first.stderr
    [entry] = json.loads(first.stdout)["files"]
    assert {k: entry[k] for k in ("kind", "layout", "status", "rows_read", "hidden_rows", "records_imported")} == {
        "kind": "linkedin_connections", "layout": "2023+", "status": "imported", "rows_read": 8,
        "hidden_rows": 2, "records_imported": 4}
    assert [p["line"] for p in entry["problems"]] == [9, 10]
    second = _cli("import", fixture, "--owner", "Rita Rep", "--json", "--db", db)
    assert second.returncode == 0
    assert json.loads(second.stdout)["files"][0]["status"] == "unchanged"
    bad = _cli("import", str(LI / "not_a_csv.bin"), "--owner", "Rita Rep", "--json", "--db", db)
    assert bad.returncode == 2
    [entry] = json.loads(bad.stdout)["files"]
    assert entry["status"] == "rejected" and "not_a_csv.bin" in entry["problems"][0]["message"]


def _damage(zip_bytes: bytes, member: str, encrypted: bool = False) -> bytes:
    """Flip a byte of a stored member's data (CRC error), or mark it encrypted."""
    data = bytearray(zip_bytes)
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        name_len = int.from_bytes(data[local + 26:local + 28], "little")
        extra_len = int.from_bytes(data[local + 28:local + 30], "little")
        if bytes(data[local + 30:local + 30 + name_len]) == name:
            break
        local = data.find(b"PK\x03\x04", local + 4)
    start = local + 30 + name_len + extra_len
    if encrypted:
        data[local + 6] |= 0x01
        central = data.find(b"PK\x01\x02")
        while central >= 0 and bytes(data[central + 46:central + 46 + len(name)]) != name:
            central = data.find(b"PK\x01\x02", central + 4)
        data[central + 8] |= 0x01
    else:
        data[start + 5] ^= 0xFF
    return bytes(data)


def test_archive_lists_failed_members_and_keeps_the_good_ones(store):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("Connections.csv", (LI / "connections_2024.csv").read_bytes())
        zf.writestr("crm/contacts.csv", b"Contact Owner,Job Title\nSam Rep,CTO\n")  # contacts without names
        zf.writestr("Invitations.csv", (LI / "Invitations.csv").read_bytes())
        zf.writestr("Positions.csv", (LI / "Positions.csv").read_bytes())
        zf.writestr("Skills.csv", b"Name\nNegotiation\n")  # unknown kind: skipped silently
    data = _damage(buf.getvalue(), "Invitations.csv")
    data = _damage(data, "Positions.csv", encrypted=True)
    results = import_bytes(store, "Basic_LinkedInDataExport_03-15-2025.zip", data, owner="Rita Rep")
    by_path = {r.path.removeprefix("Basic_LinkedInDataExport_03-15-2025.zip/"): r for r in results}
    assert set(by_path) == {"Connections.csv", "crm/contacts.csv", "Invitations.csv", "Positions.csv"}
    assert (by_path["Connections.csv"].status, by_path["Connections.csv"].records_imported) == ("imported", 4)
    for member, reason in [("crm/contacts.csv", "full name"), ("Invitations.csv", "damaged"),
                           ("Positions.csv", "password-protected")]:
        r = by_path[member]
        assert r.status == "rejected" and r.snapshot_id is None and r.records_imported == 0, r.as_dict()
        [problem] = r.problems
        assert member in problem.message and reason in problem.message, problem.message
    snaps = store.list_snapshots()
    assert list(snaps["file_name"]) == ["Connections.csv"]  # nothing of the failed members was stored


def test_archive_with_kind_is_rejected_clearly(store):
    data = _archive({"Connections.csv": (LI / "connections_2024.csv").read_bytes()})
    [result] = import_bytes(store, "export.zip", data, owner="Rita", kind="linkedin_connections")
    assert result.status == "rejected"
    assert "--kind" in result.problems[0].message and "export.zip" in result.problems[0].message
    assert store.list_snapshots().empty
