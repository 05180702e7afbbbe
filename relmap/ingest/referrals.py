"""Referrals: a user-made table of who introduced whom (``Referrer, Referred, Date, Note``, optional ``Company``).

Referrer and referred may be written as a name, an email address or a LinkedIn profile URL.

>>> classify_party("https://www.linkedin.com/in/Jane-Doe/")
{'profile_url': 'linkedin.com/in/jane-doe', 'email': None, 'first_name': None, 'last_name': None}
>>> classify_party("Doe, Jane")["first_name"]
'Jane'
"""

from __future__ import annotations

import pandas as pd

from relmap import identity
from relmap.ingest.crm import norm_header, parse_dates, split_name
from relmap.ingest.sniff import Table
from relmap.model import PARSED_COLUMNS, MappingNeeded, ParsedFile, Problem

ALIASES: dict[str, list[str]] = {
    "referrer": ["referrer", "referredby", "introducer", "introducedby", "referrername", "referredbyname",
                 "introducername", "source", "from", "referreremail", "referredbyemail"],
    "referred": ["referred", "referee", "referredperson", "introduced", "introducedto", "referredname",
                 "refereename", "referral", "referralname", "referreduser", "referredcontact", "referredlead", "to",
                 "contact", "referredemail", "refereeemail", "referralemail"],
    "company": ["company", "account", "accountname", "companyname", "organization", "organisation",
                "referredcompany", "refereecompany", "referralcompany"],
    "referred_on": ["date", "referredon", "referraldate", "introducedon", "when", "referredat", "datereferred",
                    "introductiondate", "createdat"],
    "note": ["note", "notes", "comment", "comments", "context", "description"],
}

_IGNORE = {"", "ignore", "skip", "none", "-"}

#: Headers that make a table a referrals file on their own.
MARKERS = {"referrer", "referredby", "introducer", "introducedby", "referrername", "referredbyname", "introducername",
           "referreremail"}


#: A list of referred people with a "Referred By" column: their name column is the referred one
#: (not when the names are split into first and last name: that is a contacts export, Outlook's).
_REFERRED_NAME = ["name", "fullname", "contactname", "personname"]


def looks_like_referrals(header: list[str]) -> bool:
    """True when the header has a referrer column and a referred column.

    >>> looks_like_referrals(["Name", "Company", "Referred By", "Date"])
    True
    >>> looks_like_referrals(["First Name", "Last Name", "E-mail Address", "Referred By"])
    False
    """
    normed = {norm_header(h) for h in header}
    return bool(normed & MARKERS) and bool(normed & set(ALIASES["referred"]) or _name_column(normed))


def _name_column(normed: set[str]) -> str | None:
    """The referred person's name column of a list of referred people, if it is one."""
    if normed & {"firstname", "lastname"}:
        return None
    return next((a for a in _REFERRED_NAME if a in normed), None)


def classify_party(text: object) -> dict:
    """A referrer/referred cell as ``{profile_url, email, first_name, last_name}`` (one or the other)."""
    raw = identity.clean_text(text)
    out = {"profile_url": None, "email": None, "first_name": None, "last_name": None}
    if raw is None:
        return out
    if url := identity.normalise_profile_url(raw):
        out["profile_url"] = url
    elif email := identity.normalise_email(raw):
        out["email"] = email
    else:
        out["first_name"], out["last_name"] = split_name(raw)
    return out


def column_indexes(header: list[str]) -> dict[str, int]:
    """Field -> column index from header aliases (the first matching column per field)."""
    cols: dict[str, int] = {}
    for field_name, aliases in ALIASES.items():
        for alias in aliases:
            idx = [i for i, h in enumerate(header) if norm_header(h) == alias and i not in cols.values()]
            if idx:
                cols[field_name] = idx[0]
                break
    normed = [norm_header(h) for h in header]
    if "referred" not in cols and "referrer" in cols and (name := _name_column(set(normed))):
        cols["referred"] = normed.index(name)
    return cols


def parse(path: str, table: Table, content_hash: str, mapping: dict[str, str] | None = None) -> ParsedFile:
    """Rows of a referrals file; rows without both people are skipped with their line number."""
    cols = column_indexes(table.header)
    for column, field_name in (mapping or {}).items():
        idx = [i for i, h in enumerate(table.header) if norm_header(h) == norm_header(column)]
        if idx and field_name in ALIASES:
            cols[field_name] = idx[0]
        elif idx and field_name.strip().lower() in _IGNORE:  # the user says this column is not data
            cols = {f: i for f, i in cols.items() if i not in idx}
    for needed in ("referrer", "referred"):
        if needed not in cols:
            raise MappingNeeded(f"{table.name}: no column holds the {needed}; say which one does with "
                               f"--map \"Column={needed}\".")

    # A referral program's export names each party twice ("Referrer Name", "Referrer Email"): an
    # empty name cell falls back to the party's other column.
    spare = {f: [i for a in ALIASES[f] for i, h in enumerate(table.header) if norm_header(h) == a
                 and i not in cols.values()] for f in ("referrer", "referred")}

    def cell(row: list[str], field_name: str) -> str | None:
        for i in [cols.get(field_name), *spare.get(field_name, [])]:
            if i is not None and i < len(row) and (value := identity.clean_text(row[i])):
                return value
        return None

    problems: list[Problem] = []
    kept = []
    rows_read = 0
    for row, line in zip(table.rows, table.lines):
        if not any(c.strip() for c in row):
            continue
        rows_read += 1
        referrer, referred = cell(row, "referrer"), cell(row, "referred")
        if not referrer or not referred:
            problems.append(Problem(line, f"row has no {'referrer' if not referrer else 'referred person'}; skipped"))
            continue
        kept.append({"line": line, "referrer": referrer, "referred": referred, "company": cell(row, "company"),
                     "referred_on": cell(row, "referred_on"), "note": cell(row, "note")})
    dates = parse_dates([r["referred_on"] for r in kept])
    for rec, d in zip(kept, dates):
        if isinstance(d, str):
            problems.append(Problem(rec["line"], f"unreadable date {d!r}; kept without a date"))
            d = None
        rec["referred_on"] = d
    frame = pd.DataFrame.from_records(kept, columns=PARSED_COLUMNS["referrals"])
    return ParsedFile(path=path, kind="referrals", layout="referrals", frame=frame, content_hash=content_hash,
                      rows_read=rows_read, problems=problems)
