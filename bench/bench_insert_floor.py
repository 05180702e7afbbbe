"""Benchmark: what SQLite alone needs to store one 30,000-row Connections import.

Inserts the rows a 30,000-row Connections.csv import writes (29,430 people, employments and
relationships; 3,003 companies already there) straight through ``sqlite3`` into a fresh file
with the relmap schema, with no relmap code, in three ways: ``executemany`` with the schema's
indexes and foreign keys, ``executemany`` with no non-unique index and foreign keys off, and
one ``INSERT ... SELECT FROM json_each(?)`` per table. Prints CPU milliseconds and the ratio
to a ``pandas.read_csv`` of bench_import's file: the floor under issue 4's 15x target.

    python bench/bench_insert_floor.py
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402
from bench_import import make_connections  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from relmap.model import metadata  # noqa: E402

ROWS = 29_430


def _fresh(folder: Path, name: str, indexes: bool, foreign_keys: bool) -> sqlite3.Connection:
    path = folder / name
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    engine.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    if not indexes:  # the non-unique ones; unique constraints' own indexes cannot be dropped
        for (index,) in conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL").fetchall():
            conn.execute(f'DROP INDEX "{index}"')
    conn.execute("INSERT INTO reps (id, name, name_key) VALUES (1, 'Rep', 'rep')")
    conn.execute("INSERT INTO snapshots (id, file_name, content_hash, kind, as_of, imported_at, rows_read, "
                 "hidden_rows, records_imported, problems, is_demo) VALUES "
                 "(1, 'Connections.csv', 'h', 'linkedin_connections', '2024-12-09', '2024-12-09', 0, 0, 0, '[]', 0)")
    conn.executemany("INSERT INTO companies (id, name, norm_key) VALUES (?, ?, ?)",
                     [(i, f"Company {i} Inc.", f"company {i}") for i in range(1, 3004)])
    return conn


def _rows() -> tuple[list, list, list]:
    people = [(i, f"First{i} Last{i}", f"First{i}", f"Last{i}", f"first{i} last{i}",
               f"https://www.linkedin.com/in/first-last-{i:x}", None) for i in range(1, ROWS + 1)]
    jobs = [(i, 1 + i * 7919 % 3003, f"Company {i % 3003} Inc.", "Account Executive", 1, "2024-12-09", "linkedin")
            for i in range(1, ROWS + 1)]
    links = [(1, i, 1, "linkedin", "2020-01-01") for i in range(1, ROWS + 1)]
    return people, jobs, links


PEOPLE = "INSERT INTO people (id, full_name, first_name, last_name, name_key, profile_url, email) "
JOBS = "INSERT INTO employments (person_id, company_id, company_text, title, snapshot_id, observed_on, source) "
LINKS = "INSERT INTO relationships (rep_id, person_id, snapshot_id, source, connected_on, message_count) "


def _store(conn: sqlite3.Connection, via_json: bool) -> tuple[float, float]:
    people, jobs, links = _rows()
    started = time.process_time()
    conn.execute("BEGIN")
    if via_json:
        pick = ", ".join(f"value->>{i}" for i in range(7))
        conn.execute(PEOPLE + f"SELECT {pick} FROM json_each(?)", (json.dumps(people),))
        conn.execute(JOBS + f"SELECT {pick} FROM json_each(?)", (json.dumps(jobs),))
        conn.execute(LINKS + "SELECT value->>0, value->>1, value->>2, value->>3, value->>4, 0 FROM json_each(?)",
                     (json.dumps(links),))
    else:
        conn.executemany(PEOPLE + "VALUES (?, ?, ?, ?, ?, ?, ?)", people)
        conn.executemany(JOBS + "VALUES (?, ?, ?, ?, ?, ?, ?)", jobs)
        conn.executemany(LINKS + "VALUES (?, ?, ?, ?, ?, 0)", links)
    inserted = time.process_time()
    conn.execute("COMMIT")
    return inserted - started, time.process_time() - inserted


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "Connections.csv"
        make_connections(csv_path, 30_000)
        read_csv = min(_cpu(lambda: pd.read_csv(csv_path, skiprows=3)) for _ in range(5))
        print(f"sqlite {sqlite3.sqlite_version}; pandas.read_csv of the 30,000-row file: {read_csv * 1000:.1f} ms CPU")
        ways = [("executemany, indexes, foreign keys on", True, True, False),
                ("executemany, no non-unique index, foreign keys off", False, False, False),
                ("INSERT ... SELECT FROM json_each, indexes, foreign keys on", True, True, True)]
        for n, (label, indexes, foreign_keys, via_json) in enumerate(ways):
            insert, commit = min(_store(_fresh(folder, f"{n}-{r}.db", indexes, foreign_keys), via_json)
                                 for r in range(3))
            total = insert + commit
            print(f"{label}: insert {insert * 1000:.0f} ms + commit {commit * 1000:.0f} ms = "
                  f"{total * 1000:.0f} ms CPU, {total / read_csv:.0f}x read_csv (15x is {15 * read_csv * 1000:.0f} ms)")


def _cpu(fn) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


if __name__ == "__main__":
    main()
