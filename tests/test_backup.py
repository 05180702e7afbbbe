"""Backup and restore: ``export --format archive`` then ``import`` reproduces the same store and
report, on SQLite, on PostgreSQL and across them; damaged or tampered backups and non-empty
targets are rejected naming the member, and nothing is written."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest

from relmap import backup, cli
from relmap.demo import load_demo
from relmap.importer import import_bytes
from relmap.model import metadata
from relmap.store import Store
from tests.conftest import IN_CI, PG_URL, _reset_postgres
from tests.dash_data import connections, load_two_snapshots

IMPORT_KEYS = ["path", "kind", "layout", "status", "rows_read", "hidden_rows", "records_imported", "problems",
               "snapshot_id"]


def _cli(capsys, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def _rows(store: Store) -> dict[str, list[dict]]:
    """Every table's rows, as the backup writes them (dates as ISO text)."""
    out: dict[str, list[dict]] = {}
    store.dump_tables(lambda table, rows: out.__setitem__(
        table.name, [{k: backup._json_value(v) for k, v in r.items()} for r in rows]))
    return out


def _empty_counts() -> dict[str, int]:
    return {t.name: (1 if t.name == "meta" else 0) for t in metadata.sorted_tables}


def _targets(source_backend: str, tmp_path) -> list[tuple[str, str]]:
    """Where a backup of a store on ``source_backend`` is restored: a new store on the same backend
    and one on the other (PostgreSQL: the test database, emptied)."""
    targets = [("sqlite", f"sqlite:///{tmp_path / 'restored.db'}")]
    if PG_URL:
        targets.append(("postgresql", PG_URL))
    elif IN_CI:
        pytest.fail("RELMAP_TEST_POSTGRES_URL is not set in CI")
    return sorted(targets, key=lambda t: t[0] != source_backend)


def test_demo_backup_restores_the_same_store_and_report(store, tmp_path, capsys):
    """Demo in store A -> archive -> empty store B (same backend, then the other backend):
    identical rows, row counts and ``report --json``; later imports continue after the restored ids."""
    load_demo(store)
    source = store.engine.dialect.name
    out = tmp_path / "backups" / "relmap-backup.zip"
    code, text = _cli(capsys, "export", "--format", "archive", "--out", str(out), "--db", store.url)
    assert code == 0 and "wrote backup" in text
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert [t["name"] for t in manifest["tables"]] == [t.name for t in metadata.sorted_tables]
    assert manifest["schema_version"] == store.schema_version() and manifest["source"] == source
    counts = store.table_counts()
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == counts
    assert counts["people"] > 100 and counts["employments"] > 500
    _, report_a = _cli(capsys, "report", "--json", "--db", store.url)
    rows_a = _rows(store)
    store.engine.dispose()

    for backend, url in _targets(source, tmp_path):
        if backend == "postgresql":
            _reset_postgres(url)  # the test database, emptied: a new PostgreSQL store
        code, text = _cli(capsys, "import", str(out), "--json", "--db", url)
        [entry] = json.loads(text)["files"]
        assert list(entry) == IMPORT_KEYS
        assert entry["kind"] == "relmap_backup" and entry["status"] == "imported", entry["problems"]
        assert entry["records_imported"] == entry["rows_read"] == sum(counts.values())
        assert code == 0
        restored = Store(url)
        assert restored.table_counts() == counts, f"{source} -> {backend}"
        assert _rows(restored) == rows_a, f"{source} -> {backend}"
        _, report_b = _cli(capsys, "report", "--json", "--db", url)
        assert report_b == report_a, f"{source} -> {backend}: the report differs after restore"
        # New ids continue after the restored ones (PostgreSQL sequences were moved past them).
        [r] = import_bytes(restored, "Connections.csv", connections([("Ada", "Newhire", "ACME", "CTO")]),
                           owner="Sam Rep", as_of=date(2026, 11, 1))
        assert r.status == "imported", r.problems
        assert r.snapshot_id == counts["snapshots"] + 1
        restored.engine.dispose()
    if PG_URL:
        _reset_postgres(PG_URL)


# --- rejections ----------------------------------------------------------------------------------


@pytest.fixture
def small_backup(tmp_path) -> bytes:
    """A backup of a small store (three snapshots, two reps)."""
    source = Store(f"sqlite:///{tmp_path / 'source.db'}")
    load_two_snapshots(source)
    data = backup.backup_bytes(source)
    source.engine.dispose()
    return data


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
           manifest_edit=None, fix_sha: bool = False, add: dict[str, bytes] | None = None) -> bytes:
    """``data`` with members replaced, dropped or added, the manifest edited, and (``fix_sha``) the
    manifest's checksums and row counts recomputed so only a deeper check can catch the change."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {n: replace.get(n, src.read(n)) for n in src.namelist() if n not in drop} | (add or {})
    manifest = json.loads(members.pop("manifest.json"))
    if fix_sha:
        for entry in manifest["tables"]:
            if entry["member"] in members:
                entry["sha256"] = hashlib.sha256(members[entry["member"]]).hexdigest()
                entry["rows"] = members[entry["member"]].count(b"\n")
    if manifest_edit:
        manifest_edit(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
        zf.writestr("manifest.json", json.dumps(manifest))
    return out.getvalue()


def _restore_rejected(store: Store, data: bytes, name: str = "relmap-backup.zip") -> str:
    before = store.table_counts()
    [result] = import_bytes(store, name, data)
    assert result.kind == "relmap_backup" and result.status == "rejected"
    assert result.records_imported == 0 and result.snapshot_id is None
    assert store.table_counts() == before, "a rejected restore wrote something"
    [problem] = result.problems
    return problem.message


def test_restore_into_a_non_empty_store_is_refused(store, small_backup):
    load_two_snapshots(store)
    rows = _rows(store)
    message = _restore_rejected(store, small_backup)
    assert "only into an empty store" in message and "--db" in message and "delete this store" in message
    assert "3 snapshots" in message
    assert _rows(store) == rows


def test_bad_row_late_in_the_backup_rolls_back_everything(store, small_backup):
    """The checksums agree, but a row of the last tables breaks: every table inserted before it
    is rolled back (one transaction)."""
    zf = zipfile.ZipFile(io.BytesIO(small_backup))
    lines = zf.read("relationships.jsonl").decode().splitlines(keepends=True)
    row = json.loads(lines[-1])
    row["connected_on"] = "not a date"
    lines[-1] = json.dumps(row) + "\n"
    tampered = _rezip(small_backup, {"relationships.jsonl": "".join(lines).encode()}, fix_sha=True)
    message = _restore_rejected(store, tampered)
    assert f"relationships.jsonl line {len(lines)}: connected_on" in message
    assert store.table_counts() == _empty_counts()


def test_duplicate_ids_roll_back_everything(store, small_backup):
    zf = zipfile.ZipFile(io.BytesIO(small_backup))
    people = zf.read("people.jsonl")
    first = people.splitlines(keepends=True)[0]
    tampered = _rezip(small_backup, {"people.jsonl": people + first}, fix_sha=True)
    message = _restore_rejected(store, tampered)
    assert "could not be restored (IntegrityError)" in message and "nothing was written" in message
    assert store.table_counts() == _empty_counts()


def test_changed_member_fails_its_checksum(sqlite_store, small_backup):
    people = zipfile.ZipFile(io.BytesIO(small_backup)).read("people.jsonl")
    tampered = _rezip(small_backup, {"people.jsonl": people.replace(b"Ada", b"Eve")})
    message = _restore_rejected(sqlite_store, tampered)
    assert message.startswith("relmap-backup.zip/people.jsonl: its sha256 does not match manifest.json")


def test_missing_member_or_table_is_named(sqlite_store, small_backup):
    message = _restore_rejected(sqlite_store, _rezip(small_backup, drop=("employments.jsonl",)))
    assert "employments.jsonl: is missing from the zip" in message

    def forget_table(manifest):
        manifest["tables"] = [t for t in manifest["tables"] if t["name"] != "employments"]

    message = _restore_rejected(sqlite_store, _rezip(small_backup, drop=("employments.jsonl",),
                                                     manifest_edit=forget_table))
    assert "manifest.json: table 'employments' is missing" in message


def test_wrong_schema_version_is_refused(sqlite_store, small_backup):
    def newer(manifest):
        manifest["schema_version"] = 99

    message = _restore_rejected(sqlite_store, _rezip(small_backup, manifest_edit=newer))
    assert "manifest.json: schema version 99" in message and "schema 1" in message


def test_extra_member_and_broken_manifest_are_refused(sqlite_store, small_backup):
    message = _restore_rejected(sqlite_store, _rezip(small_backup, add={"Connections.csv": connections([])}))
    assert "Connections.csv: is not part of a relmap backup" in message
    src = zipfile.ZipFile(io.BytesIO(small_backup))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in src.namelist():
            zf.writestr(name, src.read(name) if name != "manifest.json" else b'{"format": "relmap-backup", ')
    message = _restore_rejected(sqlite_store, out.getvalue())
    assert "manifest.json: cannot be read as JSON" in message


def test_backup_is_recognised_by_content_not_name(sqlite_store, small_backup, tmp_path, capsys):
    path = tmp_path / "Basic_LinkedInDataExport_03-15-2025.zip"
    path.write_bytes(small_backup)
    code, text = _cli(capsys, "import", str(path), "--json", "--db", sqlite_store.url)
    [entry] = json.loads(text)["files"]
    assert code == 0 and entry["kind"] == "relmap_backup" and entry["status"] == "imported"
    assert sqlite_store.table_counts()["snapshots"] == 3
    # A zip with some other manifest.json is not a backup: the archive logic reads it.
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("manifest.json", '{"files": []}')
        zf.writestr("Connections.csv", connections([("Kim", "Lee", "Globex", "CFO")]))
    assert not backup.is_backup(other.getvalue())
    results = import_bytes(sqlite_store, "team.zip", other.getvalue(), owner="Kim Rep")
    assert [(r.kind, r.status) for r in results] == [("linkedin_connections", "imported")]


def test_kind_and_as_of_do_not_apply_to_a_backup(sqlite_store, small_backup, tmp_path, capsys):
    [result] = import_bytes(sqlite_store, "b.zip", small_backup, kind="crm_accounts")
    assert result.status == "rejected" and "drop --kind" in result.problems[0].message
    assert sqlite_store.is_empty()
    code = cli.main(["export", "--format", "archive", "--out", str(tmp_path / "x.zip"), "--as-of", "2025-01-01",
                     "--db", sqlite_store.url])
    assert code == 2 and "drop --as-of" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_data_page_offers_a_backup_download(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("RELMAP_DATABASE_URL", url)
    s = Store(url)
    load_two_snapshots(s)
    s.engine.dispose()
    at = AppTest.from_string("from relmap.ui.data import page\npage()\n", default_timeout=60).run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.label == "Download a backup"]
    assert len(buttons) == 1
    assert buttons[0].proto.deferred_file_id, "the backup is made on click, not on every rerun"
    assert any("export --format archive" in c.value for c in at.caption)
