"""Property tests: Connections files with random quirks parse to exact counts, or are rejected clearly."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relmap.ingest import parse_bytes
from relmap.model import PARSED_COLUMNS, ParsedFile, RejectedFile

PLACEHOLDERS = {"null", "none", "nan", "--", "-", "n/a", "na", "#n/a"}
DATE_FORMATS = ["%d %b %Y", "%m/%d/%y, %I:%M %p", "%d-%b-%y", "%m/%d/%Y", "%Y-%m-%d"]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]

_chars = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff\x00")
_name = st.text(_chars, min_size=1, max_size=12).filter(
    lambda s: s.strip() != "" and s.strip().lower() not in PLACEHOLDERS)
_cell = st.one_of(st.just(""), st.text(_chars, max_size=15))
_person = st.tuples(_name, _name, _cell, _cell, st.dates(date(2004, 1, 1), date(2030, 12, 31)))


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


@st.composite
def connections_files(draw):
    people = draw(st.lists(_person, min_size=0, max_size=12))
    hidden = draw(st.integers(0, 3))
    encoding = draw(st.sampled_from(ENCODINGS))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    preamble = draw(st.sampled_from(["none", "notes", "padded"]))
    with_url = draw(st.booleans())
    fmt = draw(st.sampled_from(DATE_FORMATS))
    if delimiter == ";" and fmt == "%m/%d/%Y":
        fmt = "%d/%m/%Y"  # a ";" file is a European Excel's re-save: its numeric dates are day first
    header = ["First Name", "Last Name"] + (["URL"] if with_url else []) + [
        "Email Address", "Company", "Position", "Connected On"]
    rows = []
    for i, (first, last, company, position, day) in enumerate(people):
        url = [f"https://www.linkedin.com/in/person-{i}/"] if with_url else []
        rows.append([first, last, *url, "", company, position, day.strftime(fmt)])
    for _ in range(hidden):
        rows.insert(draw(st.integers(0, len(rows))), [""] * (len(header) - 1) + [date(2024, 9, 14).strftime(fmt)])
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=line_end)
    if preamble != "none":
        pad = [""] * (len(header) - 1) if preamble == "padded" else []
        writer.writerow(["Notes:", *pad])
        writer.writerow(["When exporting your connection data, you may notice that some of the email "
                         "addresses are missing.", *pad])
        writer.writerow(pad)
    writer.writerow(header)
    writer.writerows(rows)
    text = buf.getvalue()
    if not _encodable(text, encoding):
        encoding = "utf-8"
    # Month-first numeric dates that no date proves (every one reads both ways) are noted once.
    days = [p[4] for p in people] + [date(2024, 9, 14)] * hidden
    noted = fmt == "%m/%d/%Y" and all(d.day <= 12 for d in days) and any(d.day != d.month for d in days)
    return text.encode(encoding), people, hidden, noted


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(connections_files())
def test_random_connections_files_parse_exactly(case):
    data, people, hidden, noted = case
    [parsed] = parse_bytes("Connections.csv", data)
    assert parsed.kind == "linkedin_connections"
    assert [p.message.split(":")[0] for p in parsed.problems] == (["Connected On"] if noted else [])
    assert parsed.rows_read == len(people) + hidden
    assert parsed.hidden_rows == hidden
    assert len(parsed.frame) == len(people)
    assert list(parsed.frame.columns) == PARSED_COLUMNS["linkedin_connections"]
    assert list(parsed.frame.first_name) == [p[0].strip() for p in people]
    assert list(parsed.frame.last_name) == [p[1].strip() for p in people]
    assert list(parsed.frame.connected_on) == [p[4] for p in people]


@settings(max_examples=40, deadline=None)
@given(connections_files(), st.integers(0, 400), st.binary(min_size=1, max_size=20))
def test_damaged_files_give_a_result_or_a_clear_rejection(case, at, junk):
    data, _, _, _ = case
    damaged = data[:at] + junk + data[at + len(junk):]
    try:
        results = parse_bytes("Connections.csv", damaged)
    except RejectedFile as exc:
        assert "Connections.csv" in str(exc)
        return
    for parsed in results:
        assert isinstance(parsed, ParsedFile)
        assert parsed.rows_read >= len(parsed.frame) + parsed.hidden_rows
        assert all(p.line > 0 and p.message for p in parsed.problems)
