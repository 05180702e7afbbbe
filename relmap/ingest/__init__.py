"""Reading files: bytes in, ``ParsedFile`` objects (typed frames + problems) out.

``parse_bytes`` is the entry point; it never touches the store. A file-level
problem raises ``RejectedFile`` with one sentence naming the file and what to do.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from relmap.ingest import crm, linkedin, referrals, sniff
from relmap.model import ParsedFile, RejectedFile

__all__ = ["parse_bytes"]


def parse_bytes(name: str, data: bytes, kind: str | None = None,
                mapping: dict[str, str] | None = None) -> list[ParsedFile]:
    """Parse one file's bytes; returns one ``ParsedFile`` (several for an archive)."""
    display = Path(name).name
    if not data:
        raise RejectedFile(f"{display} is empty (0 bytes); export the file again and upload it.")
    content_hash = hashlib.sha256(data).hexdigest()
    if (kind in _CRM_AND_REFERRALS or mapping or crm.is_xlsx(data)):
        return [_parse_crm_or_referrals(name, display, data, content_hash, kind, mapping)]
    try:
        table = sniff.read_table(display, data)
    except RejectedFile:
        # Not a LinkedIn layout: CRM exports and referrals find their header by their own aliases.
        return [_parse_crm_or_referrals(name, display, data, content_hash, kind, mapping)]
    detected = kind or sniff.detect_kind(table)
    if detected is None and (referrals.looks_like_referrals(table.header) or crm.detect_kind(table.header)):
        return [_parse_crm_or_referrals(name, display, data, content_hash, kind, mapping)]
    if detected is None:
        raise RejectedFile(
            f"{display} is not a file relmap knows (its header is: {', '.join(table.header[:8])}); "
            "upload a LinkedIn Connections.csv, or pass --kind to say what it is."
        )
    if detected == "linkedin_connections":
        return [linkedin.parse_connections(name, table, content_hash)]
    raise RejectedFile(f"{display}: reading {detected} files is not supported yet.")


# --- CRM exports and referrals ------------------------------------------------------------

_CRM_AND_REFERRALS = (*crm.CRM_KINDS, "referrals")


def _parse_crm_or_referrals(name: str, display: str, data: bytes, content_hash: str, kind: str | None,
                            mapping: dict[str, str] | None) -> ParsedFile:
    """A CRM export (CSV or XLSX) or a referrals file: header found by aliases or by the mapping's columns."""
    table = crm.read_table(display, data, mapping)
    if kind == "referrals" or (kind is None and referrals.looks_like_referrals(table.header)):
        return referrals.parse(name, table, content_hash, mapping)
    detected = kind or crm.detect_kind(table.header, mapping)
    if detected not in crm.CRM_KINDS:
        raise RejectedFile(
            f"{display} is not a file relmap knows (its header is: {', '.join(table.header[:8])}); "
            "pass --kind crm_accounts / crm_contacts / crm_opportunities and map its columns with "
            "--map \"Column=field\"."
        )
    return crm.parse(name, table, content_hash, detected, mapping)
