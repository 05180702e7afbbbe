"""Reading files: bytes in, ``ParsedFile`` objects (typed frames + problems) out.

``parse_bytes`` is the entry point; it never touches the store. A file-level
problem raises ``RejectedFile`` with one sentence naming the file and what to do.
A zip (the LinkedIn archive) is read by ``relmap.ingest.archive``: one ``ParsedFile``
per member of a known kind, each with the path ``archive.zip/member.csv``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from relmap import config
from relmap.ingest import archive, linkedin, sniff
from relmap.model import ParsedFile, RejectedFile

__all__ = ["parse_bytes", "PARSERS"]

#: kind -> parser(path, table, content_hash, mapping) -> ParsedFile. Other modules add their kinds here.
PARSERS = dict(linkedin.PARSERS)


def parse_bytes(name: str, data: bytes, kind: str | None = None,
                mapping: dict[str, str] | None = None) -> list[ParsedFile]:
    """Parse one file's bytes; returns one ``ParsedFile`` (one per known member for an archive)."""
    display = Path(name).name
    if not data:
        raise RejectedFile(f"{display} is empty (0 bytes); export the file again and upload it.")
    if len(data) > config.MAX_UPLOAD_BYTES:
        raise RejectedFile(f"{display} is larger than the {config.MAX_UPLOAD_BYTES // 2**20} MB limit; "
                           "split it or raise RELMAP_MAX_UPLOAD_BYTES.")
    if archive.is_archive(data):
        return archive.parse_archive(name, data, parse_member, kind=kind, mapping=mapping)
    return [parse_member(name, data, kind=kind, mapping=mapping)]


def parse_member(name: str, data: bytes, kind: str | None = None,
                 mapping: dict[str, str] | None = None) -> ParsedFile:
    """Parse one delimited text file (a plain upload or one archive member)."""
    display = Path(name).name
    if not data.strip():
        raise RejectedFile(f"{display} is empty; export the file again and upload it.")
    table = sniff.read_table(display, data)
    if len(table.rows) > config.MAX_ROWS:
        raise RejectedFile(f"{display} has {len(table.rows)} rows, more than the {config.MAX_ROWS} limit; "
                           "split it or raise RELMAP_MAX_ROWS.")
    detected = kind or sniff.detect_kind(table)
    if detected is None:
        raise RejectedFile(
            f"{display} is not a file relmap knows (its header is: {', '.join(table.header[:8])}); "
            "upload a LinkedIn or CRM export, or pass --kind to say what it is."
        )
    parser = PARSERS.get(detected)
    if parser is None:
        raise RejectedFile(f"{display}: reading {detected} files is not supported yet; "
                           f"known kinds are {', '.join(sorted(PARSERS))}.")
    content_hash = hashlib.sha256(data).hexdigest()
    return parser(name, table, content_hash, mapping)
