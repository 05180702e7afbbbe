"""Sniffing: decode bytes, find the delimiter and the header row by content, name the kind."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from relmap.model import RejectedFile

# Header cells (lowercase) that identify a LinkedIn Connections export.
_CONNECTIONS_MARKERS = {"first name", "last name", "connected on"}


@dataclass
class Table:
    """A delimited text file, decoded, with its header row found.

    ``rows`` are the data rows after the header; ``lines`` the 1-based line number
    of each row in the original file.
    """

    name: str
    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    rows: list[list[str]]
    lines: list[int]


def decode(name: str, data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RejectedFile(f"{name} looks like a binary file, not a CSV; upload the CSV itself.")
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def read_table(name: str, data: bytes) -> Table:
    """Decode ``data`` and find the header row by content (after any preamble)."""
    text, encoding = decode(name, data)
    sample = text[:20000]
    delimiter = max([",", ";", "\t"], key=sample.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    # csv.reader does not tell line numbers per record; recompute from the reader.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[int] = []
    rows: list[list[str]] = []
    last_line = 0
    for record in reader:
        lines.append(last_line + 1)
        rows.append(record)
        last_line = reader.line_num
    del records
    for idx, row in enumerate(rows[:50]):
        cells = [c.strip().lower() for c in row]
        if _CONNECTIONS_MARKERS <= set(cells) or (len([c for c in cells if c]) >= 3 and idx < 50 and _looks_like_header(cells)):
            header = [c.strip() for c in row]
            return Table(name, encoding, delimiter, header, lines[idx], rows[idx + 1:], lines[idx + 1:])
    raise RejectedFile(f"{name} has no header row relmap recognises in its first 50 lines; "
                       "upload the file as exported, with its header row.")


def _looks_like_header(cells: list[str]) -> bool:
    return {"first name", "last name"} <= set(cells)


def detect_kind(table: Table) -> str | None:
    """The file kind from its header, or None when unknown."""
    cells = {c.strip().lower() for c in table.header}
    if {"first name", "last name", "connected on"} <= cells:
        return "linkedin_connections"
    return None
