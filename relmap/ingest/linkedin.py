"""LinkedIn export parsers (Connections.csv and the other files of the archive)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from relmap import identity
from relmap.ingest.sniff import Table
from relmap.model import PARSED_COLUMNS, ParsedFile, Problem

_DATE_FORMATS = ("%d %b %Y", "%m/%d/%y, %I:%M %p", "%d-%b-%y", "%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y")


def parse_date(text: str | None) -> date | None:
    """Parse a LinkedIn date in any vintage's format; None when it is not one."""
    text = identity.clean_text(text)
    if text is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_connections(path: str, table: Table, content_hash: str) -> ParsedFile:
    """Rows of a Connections export; hidden rows (only a date) are counted, not kept."""
    index = {h.strip().lower(): i for i, h in enumerate(table.header)}
    layout = "2023+" if "url" in index else "2018-2023"

    def cell(row: list[str], *names: str) -> str | None:
        for n in names:
            i = index.get(n)
            if i is not None and i < len(row):
                return identity.clean_text(row[i])
        return None

    records = []
    problems: list[Problem] = []
    hidden = 0
    rows_read = 0
    for row, line in zip(table.rows, table.lines):
        if not any(c.strip() for c in row):
            continue
        rows_read += 1
        first = cell(row, "first name")
        last = cell(row, "last name")
        connected_text = cell(row, "connected on")
        connected = parse_date(connected_text)
        if not first and not last:
            if not any(cell(row, n) for n in ("url", "email address", "company", "position")):
                hidden += 1
                continue
            problems.append(Problem(line, "row has no name; skipped"))
            continue
        if connected_text and connected is None:
            problems.append(Problem(line, f"unreadable date {connected_text!r} in Connected On; kept without a date"))
        records.append({
            "line": line, "first_name": first, "last_name": last,
            "profile_url": identity.normalise_profile_url(cell(row, "url")),
            "email": identity.normalise_email(cell(row, "email address")),
            "company": cell(row, "company"), "position": cell(row, "position"),
            "connected_on": connected,
        })
    frame = pd.DataFrame.from_records(records, columns=PARSED_COLUMNS["linkedin_connections"])
    return ParsedFile(path=path, kind="linkedin_connections", layout=layout, frame=frame,
                      content_hash=content_hash, rows_read=rows_read, hidden_rows=hidden, problems=problems)
