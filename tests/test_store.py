"""Store round trips, on SQLite and PostgreSQL (see conftest.store)."""

from __future__ import annotations

from datetime import date

from relmap.importer import import_bytes
from relmap.model import SCHEMA_VERSION

CURRENT = (
    b'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n'
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Ada,Byron,https://www.linkedin.com/in/ada-byron,,\"ACME, Inc.\",CTO,09 Dec 2024\n"
    b",,,,,,10 Dec 2024\n"
    b"Bob,Smith,https://uk.linkedin.com/in/bob-smith/,bob@acme.com,Acme Inc,\"VP, Sales\",01 Jan 2023\n"
)


def test_schema_created_with_version(store):
    assert store.schema_version() == SCHEMA_VERSION
    assert store.is_empty()


def test_round_trip(store):
    [result] = import_bytes(store, "Connections.csv", CURRENT, owner="Sam Rep", as_of=date(2025, 1, 31))
    assert result.status == "imported"
    assert (result.rows_read, result.hidden_rows, result.records_imported) == (3, 1, 2)
    frames = store.load_frames()
    assert sorted(frames.people.full_name) == ["Ada Byron", "Bob Smith"]
    assert list(frames.companies.company_name) == ["ACME, Inc."]  # one company, first spelling kept
    assert set(frames.employments.title) == {"CTO", "VP, Sales"}
    assert frames.employments.observed_on.dt.date.unique().tolist() == [date(2025, 1, 31)]
    assert list(frames.reps.rep_name) == ["Sam Rep"]
    assert sorted(frames.people.profile_url) == ["linkedin.com/in/ada-byron", "linkedin.com/in/bob-smith"]


def test_identical_bytes_are_unchanged(store):
    first = import_bytes(store, "Connections.csv", CURRENT, owner="Sam Rep")[0]
    before = store.counts()
    again = import_bytes(store, "Connections.csv", CURRENT, owner="Sam Rep")[0]
    assert again.status == "unchanged"
    assert again.snapshot_id == first.snapshot_id
    assert again.records_imported == 0
    assert store.counts() == before


def test_failed_write_leaves_store_unchanged(store, monkeypatch):
    import_bytes(store, "Connections.csv", CURRENT, owner="Sam Rep")
    before = store.counts()
    from relmap import importer

    def boom(ctx, parsed):
        importer.write_connections(ctx, parsed)  # writes rows, then fails
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(importer.WRITERS, "linkedin_connections", boom)
    other = CURRENT.replace(b"Bob,Smith", b"Carl,Jones")
    [result] = import_bytes(store, "Connections2.csv", other, owner="Sam Rep")
    assert result.status == "rejected"
    assert result.snapshot_id is None
    assert store.counts() == before


def test_delete_snapshot_removes_what_it_brought(store):
    [result] = import_bytes(store, "Connections.csv", CURRENT, owner="Sam Rep")
    assert store.delete_snapshot(result.snapshot_id)
    counts = store.counts()
    assert counts["snapshots"] == counts["people"] == counts["employments"] == counts["relationships"] == 0
