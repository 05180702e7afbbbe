"""Crash safety: an import killed with SIGKILL inside its write transaction leaves the store
exactly as it was (SQLite and PostgreSQL); running the import again completes it."""

from __future__ import annotations

import json
import signal
from datetime import date

from sqlalchemy import text

from relmap.importer import import_bytes
from relmap.store import Store
from tests.procs import big_connections, relmap, wait_for_line

ROWS = 3000


def _reference_counts(files: list[tuple[str, bytes, str]]) -> dict[str, int]:
    """Table counts after importing ``files`` in order into a fresh in-memory store."""
    ref = Store("sqlite://")
    for name, data, owner in files:
        [r] = import_bytes(ref, name, data, owner=owner, as_of=date(2025, 3, 1))
        assert r.status == "imported"
    return ref.table_counts()


def test_sigkill_mid_import_leaves_store_as_before(store, tmp_path):
    base = big_connections(0, 200)
    [r] = import_bytes(store, "Connections.csv", base, owner="Sam Rep", as_of=date(2025, 3, 1))
    assert r.status == "imported"
    before_counts = store.table_counts()
    before_snaps = store.list_snapshots().drop(columns=["imported_at"])
    big = tmp_path / "Connections.csv"
    big.write_bytes(big_connections(100, ROWS))  # 100 people already known, 2,900 new

    proc = relmap("import", str(big), "--owner", "Kim Rep", "--as-of", "2025-03-01", "--db", store.url, slow=60)
    try:
        wait_for_line(proc, "inside the import transaction")  # rows written, not committed
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    fresh = Store(store.url)  # a new process's view of the store
    assert fresh.table_counts() == before_counts
    assert fresh.list_snapshots().drop(columns=["imported_at"]).equals(before_snaps)
    if fresh.is_sqlite:
        with fresh.read() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"

    again = relmap("import", str(big), "--owner", "Kim Rep", "--as-of", "2025-03-01", "--db", store.url, "--json")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    [result] = json.loads(out)["files"]
    assert (result["status"], result["records_imported"]) == ("imported", ROWS)
    expected = _reference_counts([("Connections.csv", base, "Sam Rep"), ("Connections.csv", big.read_bytes(),
                                                                         "Kim Rep")])
    assert fresh.table_counts() == expected
    assert expected["people"] == 100 + ROWS
    fresh.engine.dispose()
