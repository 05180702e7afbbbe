"""Concurrency: imports and a report running at the same time in separate processes, on SQLite
(WAL, busy timeout, BEGIN IMMEDIATE) and PostgreSQL (advisory lock): every process succeeds,
nothing is lost or duplicated, and no "database is locked" reaches anyone."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from relmap.importer import import_bytes
from relmap.store import Store
from tests.procs import big_connections, relmap, wait_for_line

A_ROWS, B_ROWS, SHARED = 800, 800, 300  # B's first 300 people are also in A: one person each


def _expected(files: list[tuple[bytes, str]]) -> dict[str, int]:
    ref = Store("sqlite://")
    for data, owner in files:
        [r] = import_bytes(ref, "Connections.csv", data, owner=owner, as_of=date(2025, 3, 1))
        assert r.status == "imported"
    return ref.table_counts()


def _finish(proc) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def test_two_imports_and_a_report_at_once(store, tmp_path):
    a_data, b_data = big_connections(0, A_ROWS), big_connections(A_ROWS - SHARED, B_ROWS)
    a, b = tmp_path / "a" / "Connections.csv", tmp_path / "b" / "Connections.csv"
    for path, data in ((a, a_data), (b, b_data)):
        path.parent.mkdir()
        path.write_bytes(data)
    common = ["--as-of", "2025-03-01", "--db", store.url, "--json"]
    # A holds the write lock for a second with its rows written; B queues behind it, and the
    # report reads meanwhile (it must neither wait for nor see A's uncommitted rows).
    first = relmap("import", str(a), "--owner", "Ann Rep", *common, slow=1.5)
    wait_for_line(first, "inside the import transaction")
    second = relmap("import", str(b), "--owner", "Ben Rep", *common, slow=0.2)
    report = relmap("report", "--json", "--db", store.url)
    results = [_finish(p) for p in (first, second, report)]

    for code, out, err in results:
        assert code == 0, err
        assert "locked" not in (out + err).lower()
    statuses = [json.loads(out)["files"][0] for _, out, _ in results[:2]]
    assert [(s["status"], s["records_imported"]) for s in statuses] == [("imported", A_ROWS), ("imported", B_ROWS)]
    json.loads(results[2][1])  # the report is whole JSON
    counts = store.table_counts()
    assert counts == _expected([(a_data, "Ann Rep"), (b_data, "Ben Rep")])
    assert counts["people"] == A_ROWS + B_ROWS - SHARED  # nothing lost, nothing duplicated
    assert counts["snapshots"] == 2 and counts["relationships"] == A_ROWS + B_ROWS


def test_same_file_by_two_processes_is_one_snapshot(store, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(big_connections(0, 500))
    args = ["import", str(path), "--owner", "Ann Rep", "--as-of", "2025-03-01", "--db", store.url, "--json"]
    first = relmap(*args, slow=1.0)
    wait_for_line(first, "inside the import transaction")
    second = relmap(*args, slow=0.2)
    results = [_finish(p) for p in (first, second)]
    for code, out, err in results:
        assert code == 0, err
        assert "locked" not in (out + err).lower()
    statuses = sorted(json.loads(out)["files"][0]["status"] for _, out, _ in results)
    assert statuses == ["imported", "unchanged"]
    counts = store.table_counts()
    assert counts["snapshots"] == 1 and counts["people"] == 500 and counts["relationships"] == 500


def test_readers_do_not_wait_for_a_writer(store):
    [r] = import_bytes(store, "Connections.csv", big_connections(0, 50), owner="Ann Rep", as_of=date(2025, 3, 1))
    assert r.status == "imported"
    with store.write() as conn:  # the write lock is held (BEGIN IMMEDIATE / advisory lock) ...
        conn.execute(text("SELECT 1"))
        report = relmap("report", "--json", "--db", store.url)
        out, err = report.communicate(timeout=45)  # ... and a new process opens the store and reports
    assert report.returncode == 0, err
    assert "locked" not in err.lower()
    assert json.loads(out)
