"""Shapes seen in real public LinkedIn and CRM exports (fixtures are synthetic: invented people).

Each test pins one quirk found when real shared files were imported, with exact counts.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from relmap.ingest import crm, parse_bytes, sniff
from relmap.model import RejectedFile
from tests.conftest import FIXTURES

LI = FIXTURES / "linkedin"


def _parse(name: str):
    [parsed] = parse_bytes(name, (LI / name).read_bytes())
    return parsed


def test_header_without_spaces_is_still_connections():
    # A re-save wrote "FirstName,LastName,...,ConnectedOn": it must not be read as CRM contacts.
    parsed = _parse("connections_nospace_header.csv")
    assert (parsed.kind, parsed.layout) == ("linkedin_connections", "2018-2020 excel-resave")
    assert (parsed.rows_read, parsed.hidden_rows, len(parsed.frame), parsed.problems) == (4, 1, 3, [])
    frame = parsed.frame
    assert list(frame.last_name) == ["Byron, PhD", "Hopper", "Turing"]
    assert list(frame.email) == [None, "grace@example.com", None]
    assert list(frame.company) == ["Analytical Engines", "Navy, Inc.", "Bletchley Park"]
    assert list(frame.connected_on) == [date(2022, 5, 4), date(2022, 5, 3), date(2021, 2, 12)]


def test_header_key_spellings():
    assert {sniff.header_key(h) for h in ("First Name", "FirstName", "first_name", " FIRST-NAME ")} == {"firstname"}


def test_messages_2018_layout_from_the_old_archive():
    parsed = _parse("Messages_2018.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("linkedin_messages", "2018", 5, [])
    frame = parsed.frame.set_index("counterpart_name")
    assert sorted(frame.index) == ["Omar Haddad", "Priya Natarajan", "Recruiter Rae"]  # the owner is no counterpart
    assert frame.at["Recruiter Rae", "message_count"] == 2
    assert frame.at["Recruiter Rae", "last_touch"] == date(2018, 10, 17)
    assert frame.at["Omar Haddad", "last_touch"] == date(2018, 2, 24)
    assert "SECRET" not in parsed.frame.to_csv()


def test_messages_2018_read_inside_an_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Messages.csv", (LI / "Messages_2018.csv").read_bytes())
        archive.writestr("Connections.csv", (LI / "connections_2018.csv").read_bytes())
    parsed = parse_bytes("Basic_LinkedInDataExport_11-04-2018.zip", buffer.getvalue())
    assert sorted(p.kind for p in parsed) == ["linkedin_connections", "linkedin_messages"]


def test_rows_wrapped_whole_in_quotes_are_split_back():
    parsed = _parse("connections_quoted_rows.csv")
    assert (parsed.rows_read, parsed.hidden_rows, len(parsed.frame), parsed.problems) == (4, 0, 4, [])
    frame = parsed.frame
    assert list(frame.first_name) == ["Ada", "Grace", "Alan", "Joan"]
    assert list(frame.last_name) == ["Byron", "Hopper", "Turing, OBE", "Clarke"]
    assert frame.position.iloc[1] == "Admiral, Fleet"
    assert list(frame.connected_on) == [date(2021, 6, 11), date(2021, 5, 7), date(2018, 10, 23), date(2021, 5, 6)]


def test_crm_rows_wrapped_whole_in_quotes_are_split_back():
    data = b'Account Name,Type,Website\n"""Acme, Inc."",Customer,acme.com"\nGlobex,Prospect,globex.com\n'
    table = crm.read_table("accounts.csv", data)
    assert table.rows == [["Acme, Inc.", "Customer", "acme.com"], ["Globex", "Prospect", "globex.com"]]


def test_connections_with_name_columns_cut_out_are_rejected_clearly():
    with pytest.raises(RejectedFile) as info:
        parse_bytes("connections_no_names.csv", (LI / "connections_no_names.csv").read_bytes())
    message = str(info.value)
    assert "connections_no_names.csv" in message and "First Name and Last Name" in message
