"""Column mappings for CRM and referral files the header aliases do not read on their own.

The Upload page asks ``needs_mapping`` for each file; for those that need one it shows
``propose``'s suggestion (source column -> field, ``ignore`` for the rest), lets the user
change it, previews ``read_with_mapping`` and imports with the confirmed mapping through
``importer.import_bytes(..., kind=, mapping=)``, exactly what the CLI's
``import FILE --kind KIND --map "Column=field"`` runs.

>>> suggest("crm_contacts", ["Contact Person", "Mail Address", "Company", "Job Title", "Relationship"])
{'Contact Person': 'full_name', 'Mail Address': 'email', 'Company': 'account_name', 'Job Title': 'title'}
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from relmap.ingest import archive, crm, parse_bytes, referrals
from relmap.model import MappingNeeded, ParsedFile, RejectedFile, UnknownKind

#: Kinds a mapping can read, in the order the Upload page offers them.
KINDS = ("crm_contacts", "crm_accounts", "crm_opportunities", "referrals")
IGNORE = "ignore"
_FUZZY_MIN = 80  # rapidfuzz ratio (0-100) for a column name to suggest a field


@dataclass
class Proposal:
    """What the mapping step starts from."""

    kind: str
    columns: list[str]  # the header cells, in file order (empty and repeated ones left out)
    mapping: dict[str, str]  # column -> field or "ignore", one entry per column
    preview: pd.DataFrame  # the first rows as written


def fields(kind: str) -> list[str]:
    """The fields a column may be mapped to for ``kind``."""
    return list(referrals.ALIASES) if kind == "referrals" else crm.fields_of(kind)


def needs_mapping(name: str, data: bytes) -> bool:
    """True for a CSV/XLSX table the aliases do not read (unknown header, or no column
    recognised for a required field) but a column mapping could; False for files that
    import as they are, archives, and files no mapping can help (binary, empty)."""
    if archive.is_archive(data):
        return False
    try:
        parse_bytes(name, data)
    except (MappingNeeded, UnknownKind):
        try:
            proposal = propose(name, data)
        except RejectedFile:
            return False
        return len(proposal.columns) >= 2 and len(proposal.preview) > 0  # a table, not a blob
    except RejectedFile:
        return False
    return False


def suggest(kind: str, header: list[str]) -> dict[str, str]:
    """Column -> field for the columns a field can be guessed for: header aliases first
    (as the import reads them), then a close or contained alias, each field at most once."""
    from rapidfuzz import fuzz

    aliases = referrals.ALIASES if kind == "referrals" else crm.ALIASES[kind]
    out = suggest_exact(kind, header)
    used = set(out.values())
    for column in header:
        key = crm.norm_header(column)
        if column in out or not key:
            continue
        best: tuple[float, str] | None = None
        for field_name, names in aliases.items():
            if field_name in used:
                continue
            for alias in names:
                score = fuzz.ratio(key, alias)
                if min(len(alias), len(key)) >= 4 and (alias in key or key in alias):
                    score = max(score, 85.0)
                if score >= _FUZZY_MIN and (best is None or score > best[0]):
                    best = (score, field_name)
        if best:
            out[column] = best[1]
            used.add(best[1])
    return {c: out[c] for c in header if c in out}


def propose(name: str, data: bytes, kind: str | None = None) -> Proposal:
    """The suggested kind and mapping for ``name`` and a preview of its first rows.

    Without ``kind``, the detected CRM kind, else the kind whose suggestion covers its
    required fields with the most columns.
    """
    detected, _, preview = crm.propose_mapping(name, data)
    seen: set[str] = set()
    columns = []
    for column in (str(c) for c in preview.columns):
        if column.strip() and column not in seen and not column.startswith("column "):
            seen.add(column)
            columns.append(column)
    if kind is None:
        kind = detected if detected in KINDS else _best_kind(columns)
    suggestion = suggest(kind, columns)
    mapping = {c: suggestion.get(c, IGNORE) for c in columns}
    return Proposal(kind=kind, columns=columns, mapping=mapping, preview=preview)


def _best_kind(columns: list[str]) -> str:
    def score(kind: str) -> tuple[bool, int]:
        chosen = set(suggest(kind, columns).values())
        required = ([("referrer",), ("referred",)] if kind == "referrals" else crm.REQUIRED[kind])
        return all(chosen & set(options) for options in required), len(chosen)

    return max(KINDS, key=score)  # max keeps the first of equals: contacts


def confirmed(kind: str, mapping: dict[str, str]) -> dict[str, str]:
    """The ``--map`` entries for a mapping chosen column by column: every mapped column,
    plus ``ignore`` for the columns the header aliases would otherwise read.

    >>> confirmed("crm_contacts", {"Email": "ignore", "Mail": "email", "Notes": "ignore"})
    {'Email': 'ignore', 'Mail': 'email'}
    """
    auto = set(suggest_exact(kind, list(mapping)))
    return {c: f for c, f in mapping.items() if f != IGNORE or c in auto}


def suggest_exact(kind: str, header: list[str]) -> dict[str, str]:
    """Column -> field from the header aliases alone (what an import reads without a mapping)."""
    if kind == "referrals":
        return {header[i]: f for f, i in referrals.column_indexes(header).items()}
    return {header[i]: f for i, f in crm.auto_mapping(kind, header).items()}


def read_with_mapping(name: str, data: bytes, kind: str, mapping: dict[str, str]) -> ParsedFile:
    """The file read as ``kind`` with ``mapping`` (what importing it would store);
    raises ``RejectedFile`` saying what is still missing."""
    [parsed] = parse_bytes(name, data, kind=kind, mapping=confirmed(kind, mapping))
    return parsed


def cli_command(name: str, kind: str, mapping: dict[str, str]) -> str:
    """The command line that imports ``name`` with this mapping.

    >>> cli_command("my contacts.csv", "crm_contacts", {"Contact Person": "full_name", "Notes": "ignore"})
    "python -m relmap import 'my contacts.csv' --kind crm_contacts --map 'Contact Person=full_name'"
    """
    parts = ["python", "-m", "relmap", "import", Path(name).name, "--kind", kind]
    for column, field_name in confirmed(kind, mapping).items():
        parts += ["--map", f"{column}={field_name}"]
    return " ".join(shlex.quote(p) for p in parts)
