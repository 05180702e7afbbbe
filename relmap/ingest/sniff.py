"""Sniffing: decode bytes, find the delimiter and the header row by content, name the kind.

A file's kind is decided by its header cells, never by its name. ``KIND_MARKERS`` is a
small table of rules: a kind matches when every cell of one of its marker sets is in the
header (lowercase, stripped). Other modules add kinds with ``register_kind``:

>>> register_kind("example_kind", {"alpha", "beta"})
>>> detect_kind(Table("x.csv", "utf-8", ",", ["Alpha", "Beta", "Gamma"], 1, [], []))
'example_kind'
>>> _ = KIND_MARKERS.pop("example_kind")
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from relmap.model import RejectedFile

#: kind -> alternative marker sets (lowercase header cells); a header matching every
#: cell of one set is that kind. When several kinds match, the largest matching set wins.
KIND_MARKERS: dict[str, list[frozenset[str]]] = {
    "linkedin_connections": [frozenset({"first name", "last name", "connected on"})],
    "linkedin_invitations": [frozenset({"from", "to", "sent at", "direction"})],
    "linkedin_messages": [frozenset({"conversation id", "from", "to", "date"})],
    "linkedin_positions": [frozenset({"company name", "title", "started on", "finished on"})],
    "linkedin_profile": [frozenset({"first name", "last name", "headline"})],
}

#: How many lines may precede the header (preambles are 3 lines; Excel may add a few).
HEADER_SEARCH_ROWS = 50

_DELIMITERS = (",", ";", "\t")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def register_kind(kind: str, *marker_sets: set[str]) -> None:
    """Teach detection a kind: each marker set is lowercase header cells that identify it."""
    rules = KIND_MARKERS.setdefault(kind, [])
    for markers in marker_sets:
        rules.append(frozenset(m.strip().lower() for m in markers))


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

    def column_index(self) -> dict[str, int]:
        """Lowercase header cell -> column position (the first one when names repeat)."""
        index: dict[str, int] = {}
        for i, cell in enumerate(self.header):
            index.setdefault(cell.strip().lower(), i)
        return index


def decode(name: str, data: bytes) -> tuple[str, str]:
    """Decode bytes; returns ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16 (with BOM, or the NUL pattern of plain
    UTF-16) are recognised; anything else is read as Windows-1252. Binary data raises
    ``RejectedFile``.

    >>> decode("a.csv", "a;b".encode("utf-16"))
    ('a;b', 'utf-16')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise RejectedFile(f"{name} starts like a {encoding} text file but cannot be decoded; "
                                   "export it again as CSV (UTF-8).") from None
    head = data[:4096]
    nuls = head.count(0)
    if nuls:
        even = head[0::2].count(0)
        odd = head[1::2].count(0)
        if nuls > len(head) // 4 and (even == 0 or odd == 0):
            encoding = "utf-16-be" if odd == 0 else "utf-16-le"
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                pass
        if nuls > max(8, len(head) // 100):
            raise RejectedFile(f"{name} looks like a binary file, not a CSV; export the data as CSV and upload that.")
        data = data.replace(b"\x00", b"")
    if _looks_binary(head):
        raise RejectedFile(f"{name} looks like a binary file, not a CSV; export the data as CSV and upload that.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _looks_binary(head: bytes) -> bool:
    """True when many bytes are control characters no text file holds."""
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return controls > max(4, len(head) // 50)


def _records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Every record of ``text`` with the 1-based line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    last_line = 0
    try:
        for record in reader:
            lines.append(last_line + 1)
            rows.append(record)
            last_line = reader.line_num
    except csv.Error as exc:
        raise RejectedFile(f"cannot be read as CSV near line {last_line + 1} ({exc}); "
                           "export it again as CSV.") from None
    return rows, lines


def _header_kind(row: list[str]) -> tuple[str | None, int]:
    """The kind a header row matches and the size of the matching marker set (0: none)."""
    cells = {c.strip().lower() for c in row}
    best: tuple[str | None, int] = (None, 0)
    for kind, rules in KIND_MARKERS.items():
        for markers in rules:
            if markers <= cells and len(markers) > best[1]:
                best = (kind, len(markers))
    return best


def _find_header(rows: list[list[str]]) -> int | None:
    """Index of the first row (in the first ``HEADER_SEARCH_ROWS``) matching a known kind."""
    for idx, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _header_kind(row)[0] is not None:
            return idx
    return None


def _first_table_row(rows: list[list[str]]) -> int | None:
    """Fallback for unknown layouts: the first row with two or more filled cells."""
    for idx, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for c in row if c.strip()) >= 2:
            return idx
    return None


def read_table(name: str, data: bytes) -> Table:
    """Decode ``data``, pick the delimiter and find the header row by content.

    The header is the first row (after any preamble such as ``Notes:`` lines, padded
    or not) whose cells match a known kind's markers; with no such row, the first row
    with two or more filled cells (a layout a column mapping may still read).
    """
    text, encoding = decode(name, data)
    head_text = "\n".join(text[:50000].splitlines()[:HEADER_SEARCH_ROWS + 5])
    fallback: tuple[int, str] | None = None
    for delimiter in sorted(_DELIMITERS, key=lambda d: -head_text.count(d)):
        try:
            head_rows, _ = _records(head_text, delimiter)
        except RejectedFile:
            continue
        idx = _find_header(head_rows)
        if idx is not None:
            return _table(name, text, encoding, delimiter, known=True)
        if fallback is None:
            fallback = (0, delimiter)
    if fallback is None:
        raise RejectedFile(f"{name} cannot be read as a table; export it again as CSV.")
    return _table(name, text, encoding, fallback[1], known=False)


def _table(name: str, text: str, encoding: str, delimiter: str, known: bool) -> Table:
    try:
        rows, lines = _records(text, delimiter)
    except RejectedFile as exc:
        raise RejectedFile(f"{name} {exc}") from None
    idx = _find_header(rows) if known else _first_table_row(rows)
    if idx is None:
        raise RejectedFile(f"{name} has no header row in its first {HEADER_SEARCH_ROWS} lines; "
                           "upload the file as exported, with its header row.")
    header = [c.strip().lstrip("\ufeff") for c in rows[idx]]
    return Table(name, encoding, delimiter, header, lines[idx], rows[idx + 1:], lines[idx + 1:])


def detect_kind(table: Table) -> str | None:
    """The file kind from its header (``"linkedin_connections"``...), or None when unknown."""
    return _header_kind(table.header)[0]
