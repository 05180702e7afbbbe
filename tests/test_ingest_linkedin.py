"""LinkedIn parsers: every Connections vintage and Excel quirk, and the other archive files."""

from __future__ import annotations

from datetime import date

import pytest

from relmap.ingest import parse_bytes, sniff
from relmap.ingest.linkedin import parse_date
from relmap.model import PARSED_COLUMNS, RejectedFile
from tests.conftest import FIXTURES

LI = FIXTURES / "linkedin"

# file -> (layout, encoding, delimiter, rows_read, hidden_rows, records, problem lines)
CONNECTIONS = {
    "connections_2016.csv": ("2016-2017", "utf-8", ",", 4, 0, 4, []),
    "connections_2018.csv": ("2018", "utf-8", ",", 4, 1, 3, []),
    "connections_2019.csv": ("2018-2020", "utf-8", ",", 5, 2, 3, []),
    "connections_2021.csv": ("2020-2023", "utf-8", ",", 4, 1, 3, []),
    "connections_2024.csv": ("2023+", "utf-8", ",", 8, 2, 4, [9, 10]),
    "connections_cr_lineends.csv": ("2018-2020", "utf-8", ",", 2, 0, 2, []),
    "connections_excel_cp1252_semicolon.csv": ("2023+ excel-resave", "cp1252", ";", 4, 1, 3, []),
    "connections_excel_us.csv": ("2020-2023 excel-resave", "utf-8-sig", ",", 3, 1, 2, []),
    "connections_iso_tab_utf16.txt": ("2023+ excel-resave", "utf-16", "\t", 2, 0, 2, []),
}


def _parse(name: str):
    [parsed] = parse_bytes(name, (LI / name).read_bytes())
    return parsed


@pytest.mark.parametrize("name", sorted(CONNECTIONS))
def test_connections_vintages(name):
    layout, encoding, delimiter, rows_read, hidden, records, problem_lines = CONNECTIONS[name]
    table = sniff.read_table(name, (LI / name).read_bytes())
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    parsed = _parse(name)
    assert parsed.kind == "linkedin_connections"
    assert parsed.layout == layout
    assert (parsed.rows_read, parsed.hidden_rows, len(parsed.frame)) == (rows_read, hidden, records)
    assert [p.line for p in parsed.problems] == problem_lines
    assert list(parsed.frame.columns) == PARSED_COLUMNS["linkedin_connections"]
    assert parsed.frame["connected_on"].map(lambda d: isinstance(d, date)).all()


def test_connections_2024_values():
    frame = _parse("connections_2024.csv").frame.set_index("line")
    assert frame.at[5, "profile_url"] == "linkedin.com/in/jörg-müller-1a2b3c"  # percent-encoded slug decoded
    assert frame.at[6, "profile_url"] == "linkedin.com/in/fatima-zahra"  # country subdomain, query dropped
    assert frame.at[5, "company"] == "ACME, Inc."  # quoted comma kept
    assert frame.at[8, "position"] == 'Sales, "Enterprise" 🤝'
    assert frame.at[6, "email"] == "fz@initech.example"
    assert frame.at[11, "connected_on"] == date(2025, 3, 15)
    problems = {p.line: p.message for p in _parse("connections_2024.csv").problems}
    assert "no name" in problems[9]
    assert "'31 Feb 2024'" in problems[10] and "Connected On" in problems[10]


def test_old_and_excel_values():
    old = _parse("connections_2016.csv").frame
    assert list(old.company) == ["Analytical Engines, Ltd.", "Difference Co", "Self-employed", "Bletchley Park"]
    assert old.connected_on.iloc[0] == date(2016, 12, 22)
    assert old.position.iloc[3] == 'Head of "Hut 8"'
    cp = _parse("connections_excel_cp1252_semicolon.csv").frame
    assert list(cp.first_name) == ["François", "Zoë", "?ukasz"]
    assert list(cp.connected_on) == [date(2021, 12, 1), date(2022, 1, 15), date(2023, 2, 28)]
    assert cp.position.iloc[0] == "Directeur, Ventes"
    us = _parse("connections_excel_us.csv").frame
    assert list(us.connected_on) == [date(2021, 12, 1), date(2022, 3, 15)]
    non_latin = _parse("connections_2019.csv").frame
    assert list(non_latin.first_name) == ["Björn", "美咲", "Олег"]


@pytest.mark.parametrize("text, expected", [
    ("12/22/16, 9:55 AM", date(2016, 12, 22)), ("1/8/18, 6:14 PM", date(2018, 1, 8)),
    ("20 Nov 2018", date(2018, 11, 20)), ("01-Dec-21", date(2021, 12, 1)), ("12/1/2021", date(2021, 12, 1)),
    ("2021-12-01", date(2021, 12, 1)), ("2024-05-01 10:22:31 UTC", date(2024, 5, 1)), ("Jun 2018", date(2018, 6, 1)),
    ("2017", date(2017, 1, 1)), ("soon", None), ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_invitations():
    parsed = _parse("Invitations.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, len(parsed.frame)) == ("linkedin_invitations", "2023+", 3, 2)
    assert list(parsed.frame.counterpart_name) == ["Jörg Müller", "Nadia Newcomer"]
    assert list(parsed.frame.direction) == ["outgoing", "incoming"]
    assert list(parsed.frame.counterpart_profile_url) == ["linkedin.com/in/jörg-müller-1a2b3c",
                                                          "linkedin.com/in/nadia-newcomer"]
    assert [p.line for p in parsed.problems] == [4]
    old = _parse("Invitations_2022.csv")
    assert (old.layout, list(old.frame.counterpart_name)) == ("2018-2023", ["Priya Natarajan", "Omar Haddad"])
    assert list(old.frame.sent_on) == [date(2022, 2, 3), date(2022, 3, 4)]


def test_messages_aggregate_and_never_keep_content():
    parsed = _parse("messages.csv")
    assert parsed.kind == "linkedin_messages"
    assert parsed.rows_read == 5
    frame = parsed.frame.set_index("counterpart_name")
    assert sorted(frame.index) == ["Fatima Zahra", "Jörg Müller", "Priya Natarajan"]  # the owner is no counterpart
    assert frame.at["Jörg Müller", "message_count"] == 2
    assert frame.at["Jörg Müller", "last_touch"] == date(2024, 6, 2)
    assert frame.at["Priya Natarajan", "message_count"] == 1  # the row dated "yesterday" is skipped
    assert [p.line for p in parsed.problems] == [8]  # multi-line content counted in line numbers
    assert list(parsed.frame.columns) == PARSED_COLUMNS["linkedin_messages"]
    assert "SECRET" not in parsed.frame.to_csv()


TWO_PEOPLE = (b"CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,"
              b"CONTENT,FOLDER\n"
              b"2-a,,Kim Ng,https://www.linkedin.com/in/kim-ng,Gus Hale,https://www.linkedin.com/in/gushale,"
              b"2025-03-01 10:22:31 UTC,,hi,INBOX\n"
              b"2-a,,Gus Hale,https://www.linkedin.com/in/gushale,Kim Ng,https://www.linkedin.com/in/kim-ng,"
              b"2025-03-02 09:00:00 UTC,,hello,INBOX\n")


@pytest.mark.parametrize("owner, counterpart", [("Gus Hale", "Kim Ng"), ("Kim Ng", "Gus Hale"),
                                                 (None, "Kim Ng")])
def test_messages_of_two_people_who_tie_name_the_owner_from_the_hint(owner, counterpart):
    # Both are in every message: the owner named by --owner (or Profile.csv) is the exporter;
    # without one the choice is by key order, the same on every run (never by hash order).
    for _ in range(3):
        [parsed] = parse_bytes("messages.csv", TWO_PEOPLE, owner=owner)
        assert parsed.frame["counterpart_name"].tolist() == [counterpart]
        assert parsed.frame["message_count"].tolist() == [2]


def test_positions_and_profile():
    positions = _parse("Positions.csv")
    assert list(positions.frame.company) == ["Hooli", "Acme Inc"]
    assert list(positions.frame.started_on) == [date(2021, 6, 1), date(2018, 1, 1)]
    assert positions.frame.finished_on.iloc[0] is None and positions.frame.finished_on.iloc[1] == date(2021, 5, 1)
    assert [p.line for p in positions.problems] == [4]
    profile = _parse("Profile.csv")
    assert profile.owner_hint == "Rita Rep"
    assert profile.frame.headline.iloc[0] == "Account Executive at Hooli, helping teams grow"


@pytest.mark.parametrize("name, data, words", [
    ("not_a_csv.bin", (LI / "not_a_csv.bin").read_bytes(), "binary"),
    ("unknown_layout.csv", (LI / "unknown_layout.csv").read_bytes(), "not a file relmap knows"),
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n\n  \n", "empty"),
])
def test_file_level_rejections(name, data, words):
    with pytest.raises(RejectedFile) as info:
        parse_bytes(name, data)
    assert name in str(info.value) and words in str(info.value)


def test_detect_kind_table_is_extensible():
    table = sniff.read_table("x.csv", b"Notes:,,,\n\nAccount Name,Type,Website\nACME,Customer,acme.com\n")
    assert sniff.detect_kind(table) is None  # unknown until a rule is registered
    sniff.register_kind("test_accounts", {"account name", "type"})
    try:
        table = sniff.read_table("x.csv", b"Notes:,,,\n\nAccount Name,Type,Website\nACME,Customer,acme.com\n")
        assert (sniff.detect_kind(table), table.header_line) == ("test_accounts", 3)
    finally:
        sniff.KIND_MARKERS.pop("test_accounts")


def test_utf16_big_endian_and_bomless():
    text = "First Name\tLast Name\tCompany\tPosition\tConnected On\nAda\tByron\tACME\tCTO\t01 Jan 2024\n"
    for data in (text.encode("utf-16-be"), b"\xfe\xff" + text.encode("utf-16-be"), text.encode("utf-16-le")):
        [parsed] = parse_bytes("c.txt", data)
        assert list(parsed.frame.first_name) == ["Ada"]
