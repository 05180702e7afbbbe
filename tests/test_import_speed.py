"""The fast import path (one pandas.read_csv, vectorised cleaning, bulk inserts) stores exactly
what a row-by-row reading with the csv module and the scalar identity functions gives."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from relmap import identity
from relmap.importer import import_bytes
from relmap.ingest import linkedin, parse_bytes, sniff
from relmap.model import employments, people, relationships
from relmap.store import Store

FIRST = ["Ada", "Björn", "Chen", " Dana ", "Emeka", "Fatima", "Giulia", "Hiro", "Inés", "Jörg", "美咲", "Олег",
         'Sam "The Man"', "Zoë", "O'Neil", "Anne-Marie", "Bob", "Robert"]
LAST = ["Lovelace", "Ångström", "Wang", "Smith, Jr.", "Okafor", "Zahra", "Rossi", "Tanaka", "García", "Müller",
        "佐藤", "Петров", "Brontë", "Quinn 🚀", "  Lee", "N/A"]
COMPANIES = ["Acme, Inc.", "ACME Inc", "Self-employed", "Stealth", "", "N/A", "The Widget Co.", "Müller & Söhne GmbH",
             'Big "Quotes" Ltd', "Looking for opportunities", "Initech", "Globex; Corp", "  Spaces  Inc  "]
TITLES = ["CTO", "VP, Sales", "", "--", "Head of \"Growth\"", "Engineer 🚀", "Buyer; EMEA", "null"]


def _url(rng: random.Random, i: int, first: str) -> str:
    slug = f"{first.strip().lower().replace(' ', '-')}-{i:x}"
    kind = rng.randrange(10)
    if kind == 0:
        return ""
    if kind == 1:
        return f"https://www.linkedin.com/in/{slug.upper()}/"
    if kind == 2:
        return f"http://uk.linkedin.com/in/{slug}?trk=abc"
    if kind == 3:
        return f"https://www.linkedin.com/in/j%C3%B6rg-{i:x}"
    if kind == 4:
        return f" https://www.linkedin.com/in/{slug} "
    return f"https://www.linkedin.com/in/{slug}"


def hostile_connections(rows: int, seed: int = 3) -> bytes:
    """A current-layout Connections.csv with quoting, placeholders, hidden and blank rows,
    unreadable dates and rows without names, mixed with ordinary rows."""
    rng = random.Random(seed)
    buf = io.StringIO()
    minimal = csv.writer(buf, lineterminator="\n")
    quote_all = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    buf.write('Notes:\n"When exporting your connection data, you may notice that some of the email addresses '
              'are missing."\n\n')
    minimal.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
    start = date(2012, 1, 1)
    for i in range(rows):
        day = (start + timedelta(days=rng.randrange(5000))).strftime("%d %b %Y")
        roll = rng.random()
        if roll < 0.02:
            buf.write(f",,,,,,{day}\n")  # hidden row
            continue
        if roll < 0.03:
            buf.write("\n" if roll < 0.025 else ",,,,,,\n")  # blank lines
            continue
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if roll < 0.04:
            first, last = "", ""  # no name but other data: a listed problem
        if roll > 0.99:
            day = "31 Feb 2020" if roll > 0.995 else "sometime"  # unreadable dates
        email = f" P{i}@Example.com " if rng.random() < 0.15 else rng.choice(["", "", "not-an-email"])
        url = _url(rng, i, first)
        if not url and first:
            last = f"{last} {i}"  # no URL: a name of its own (same name + company would be one person)
        row = [first, last, url, email, rng.choice(COMPANIES), rng.choice(TITLES), day]
        (quote_all if rng.random() < 0.3 else minimal).writerow(row)
    return buf.getvalue().encode("utf-8")


def _reference(data: bytes) -> list[tuple]:
    """Row by row with the csv module and the scalar functions: one tuple per stored person."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    records = list(reader)
    header = next(i for i, r in enumerate(records) if r[:2] == ["First Name", "Last Name"])
    out = []
    for row in records[header + 1:]:
        row = (row + [""] * 7)[:7]
        first, last = identity.clean_text(row[0]), identity.clean_text(row[1])
        connected = linkedin.parse_date(row[6])
        if (first is None and last is None) or connected is None:
            continue
        out.append((identity.full_name(first, last), identity.normalise_profile_url(row[2]),
                    identity.normalise_email(row[3]), identity.clean_text(row[4]), identity.clean_text(row[5]),
                    connected.isoformat()))
    return out


def _stored(store: Store) -> list[tuple]:
    with store.read() as conn:
        query = (select(people.c.full_name, people.c.profile_url, people.c.email, employments.c.company_text,
                        employments.c.title, relationships.c.connected_on)
                 .select_from(people.join(employments, employments.c.person_id == people.c.id)
                              .join(relationships, relationships.c.person_id == people.c.id)))
        return [(*r[:5], r[5].isoformat()) for r in conn.execute(query)]


def _tables(store: Store) -> dict[str, list[tuple]]:
    with store.read() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(t.c.id))]
                for t in (people, employments, relationships)}


def test_fast_read_is_taken_for_the_generated_file():
    table = sniff.read_table("Connections.csv", hostile_connections(2000))
    assert table.frame is not None  # otherwise the comparisons below would compare a path with itself
    assert len(table.rows) == len(table.lines)


def test_2000_hostile_rows_store_what_a_row_by_row_reading_gives(tmp_path):
    data = hostile_connections(2000)
    store = Store(f"sqlite:///{tmp_path / 'fast.db'}")
    [result] = import_bytes(store, "Connections.csv", data, owner="Rita Rep")
    expected = _reference(data)
    assert result.status == "imported"
    assert result.records_imported == len(expected) > 1500
    assert sorted(_stored(store), key=repr) == sorted(expected, key=repr)


def test_fast_and_csv_module_paths_parse_and_store_the_same(tmp_path, monkeypatch):
    data = hostile_connections(2000, seed=11)
    fast_store = Store(f"sqlite:///{tmp_path / 'fast.db'}")
    [fast_parsed] = parse_bytes("Connections.csv", data)
    [fast] = import_bytes(fast_store, "Connections.csv", data, owner="Rita Rep", as_of=date(2025, 1, 1))

    monkeypatch.setattr(sniff, "_fast_table", lambda *args: None)  # the csv module, row by row
    slow_store = Store(f"sqlite:///{tmp_path / 'slow.db'}")
    [slow_parsed] = parse_bytes("Connections.csv", data)
    [slow] = import_bytes(slow_store, "Connections.csv", data, owner="Rita Rep", as_of=date(2025, 1, 1))

    assert fast_parsed.frame.equals(slow_parsed.frame)
    assert (fast_parsed.rows_read, fast_parsed.hidden_rows, fast_parsed.layout) == \
        (slow_parsed.rows_read, slow_parsed.hidden_rows, slow_parsed.layout)
    assert fast_parsed.problems == slow_parsed.problems and len(fast_parsed.problems) > 10
    assert fast.as_dict() == slow.as_dict()
    assert _tables(fast_store) == _tables(slow_store)


@pytest.mark.parametrize("body, reason", [
    ('Ada,Lee,,,"Acme\nInc",CTO,01 Jan 2024\nBo,Li,,,X,Y,bad date\n', "a quoted line break"),
    ('"Ada,Lee,,,Acme,CTO,01 Jan 2024"\nBo,Li,,,X,Y,bad date\n', "a row wrapped whole in quotes"),
    ("Ada,Lee,,,Acme,CTO,01 Jan 2024\nBo,Li,,,X,Y,bad date,extra\n", "a row wider than the first"),
])
def test_files_the_fast_read_declines_still_parse_with_true_line_numbers(body, reason):
    data = ("Notes:\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + body).encode()
    table = sniff.read_table("Connections.csv", data)
    [parsed] = parse_bytes("Connections.csv", data)
    assert table.frame is None, reason
    assert list(parsed.frame.first_name) == ["Ada"]
    assert [p.line for p in parsed.problems] == [4 + body.count("\n", 0, body.index("Bo"))]


_PIECES = ["a", "é", ",", ",", "\"", "\"\"", "\"a,b\"", "\"a\nb\"", "\"\r\n\"", "\n", "\r\n", "\r", " ", "\t", ";", "x,y",
           "\x0c", "\u2028"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(st.sampled_from(_PIECES), min_size=2, max_size=30), st.sampled_from(["", "Notes:\n", 'Notes:\r\n"x, y"\r\n\r\n']),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_fast_read_agrees_with_the_csv_module_on_random_text(pieces, preamble, line_end):
    """Whenever the pandas read is taken, its rows and line numbers are the csv module's."""
    text = preamble + "First Name,Last Name,URL,Email Address,Company,Position,Connected On" + line_end + "".join(pieces)
    fast = sniff._fast_table("Connections.csv", text, "utf-8", ",")
    assume(fast is not None)
    rows, lines = sniff._records(text, ",")
    idx = sniff._find_header(rows)
    assert fast.header_line == lines[idx]
    assert list(fast.rows) == sniff.unwrap_quoted_rows(rows[idx + 1:], ",", 7)  # what _table gives
    assert list(fast.lines) == lines[idx + 1:]


@pytest.mark.parametrize("missing", [None, float("nan"), date(2024, 1, 2)])
def test_overlong_cells_are_found_among_missing_and_non_text_cells(missing):
    """The longest-length shortcut of ``drop_overlong`` falls back to measuring text cells only
    when a column also holds None, NaN or dates, and still skips the over-long row."""
    import pandas as pd

    from relmap.ingest import drop_overlong
    from relmap.model import ParsedFile

    frame = pd.DataFrame({"line": [2, 3, 4, 5], "company": ["Acme", missing, "C" * 301, "Initech"],
                          "first_name": ["Ada", "Bo", "Cy", "Di"]})
    parsed = ParsedFile("x.csv", "linkedin_connections", "2023+", frame, "hash")
    drop_overlong(parsed)
    assert parsed.frame["line"].tolist() == [2, 3, 5]
    assert [p.line for p in parsed.problems] == [4]
    assert "company is 301 characters long" in parsed.problems[0].message


def test_contact_roles_are_measured_by_their_longest_name_not_their_count():
    import pandas as pd

    from relmap.ingest import drop_overlong
    from relmap.model import ParsedFile

    roles = [[{"name": "Ann", "role": "Champion"}], [{"name": "Z" * 201, "role": "User"}], []]
    frame = pd.DataFrame({"line": [2, 3, 4], "contact_roles": roles})
    parsed = ParsedFile("deals.csv", "crm_opportunities", "generic", frame, "hash")
    drop_overlong(parsed)
    assert parsed.frame["line"].tolist() == [2, 4] and [p.line for p in parsed.problems] == [3]
