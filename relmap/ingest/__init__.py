"""Reading files: bytes in, ``ParsedFile`` objects (typed frames + problems) out.

``parse_bytes`` is the entry point; it never touches the store. A file-level
problem raises ``RejectedFile`` with one sentence naming the file and what to do.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from relmap.ingest import linkedin, sniff
from relmap.model import ParsedFile, RejectedFile

__all__ = ["parse_bytes"]


def parse_bytes(name: str, data: bytes, kind: str | None = None,
                mapping: dict[str, str] | None = None) -> list[ParsedFile]:
    """Parse one file's bytes; returns one ``ParsedFile`` (several for an archive)."""
    display = Path(name).name
    if not data:
        raise RejectedFile(f"{display} is empty (0 bytes); export the file again and upload it.")
    table = sniff.read_table(display, data)
    detected = kind or sniff.detect_kind(table)
    if detected is None:
        raise RejectedFile(
            f"{display} is not a file relmap knows (its header is: {', '.join(table.header[:8])}); "
            "upload a LinkedIn Connections.csv, or pass --kind to say what it is."
        )
    content_hash = hashlib.sha256(data).hexdigest()
    if detected == "linkedin_connections":
        return [linkedin.parse_connections(name, table, content_hash)]
    raise RejectedFile(f"{display}: reading {detected} files is not supported yet.")
