"""CRM exports: accounts, contacts and opportunities from Salesforce, HubSpot, Zoho or any table.

Columns are mapped to relmap fields by header aliases (case, spaces and punctuation
ignored, so ``Account Name``, ``AccountName`` and ``account_name`` are one alias); a
user ``mapping`` ``{"Column": "field"}`` overrides them. A file whose required field
cannot be mapped is rejected with a sentence naming the field and ``--map`` as the fix.

>>> norm_header("Company Domain Name")
'companydomainname'
>>> parse_amount("€ 1.234,50", decimal_comma=True), parse_amount("$12,000"), parse_amount("475,00")
(1234.5, 12000.0, 475.0)
>>> normalise_status("Customer - Channel"), normalise_status("salesqualifiedlead"), normalise_status("Former Customer")
('customer', 'prospect', 'churned')
>>> normalise_role("Economic Decision Maker"), normalise_role("Business User")
('economic_buyer', 'user')
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pandas as pd

from relmap import config, identity
from relmap.ingest.sniff import Table, decode, read_records, unwrap_quoted_rows
from relmap.model import PARSED_COLUMNS, MappingNeeded, ParsedFile, Problem, RejectedFile

CRM_KINDS = ("crm_accounts", "crm_contacts", "crm_opportunities")

#: Header aliases per kind and field, most specific first (already ``norm_header``-ed).
ALIASES: dict[str, dict[str, list[str]]] = {
    "crm_accounts": {
        "external_id": ["id", "accountid", "recordid", "companyid", "externalid", "zohoaccountid"],
        "name": ["accountname", "companyname", "name", "account", "company", "organization", "organisation",
                 "organizationname", "customer", "customername"],
        "domain": ["companydomainname", "website", "domain", "companydomain", "websiteurl", "web", "url"],
        "status": ["type", "accounttype", "status", "accountstatus", "customerstatus", "lifecyclestage",
                   "relationship", "companytype"],
        "owner": ["accountowner", "companyowner", "owner", "ownername", "ownerid", "accountmanager"],
        "arr": ["arr", "annualrecurringrevenue", "contractvalue", "acv", "annualcontractvalue"],
        "renewal_date": ["renewaldate", "nextrenewaldate", "contractenddate", "contractrenewaldate", "renewal"],
        "last_activity": ["lastactivity", "lastactivitydate", "lastactivitytime", "lastcontacted",
                          "lastengagementdate"],
    },
    "crm_contacts": {
        "external_id": ["id", "contactid", "recordid", "externalid"],
        "first_name": ["firstname", "first", "givenname", "prenom", "vorname", "nombre"],
        "last_name": ["lastname", "last", "surname", "familyname", "nom", "nachname", "apellido"],
        "full_name": ["fullname", "contactname", "name", "contact"],
        "email": ["email", "emailaddress", "workemail", "businessemail", "email1", "primaryemail"],
        "title": ["title", "jobtitle", "position", "titel", "poste"],
        "account_name": ["accountname", "associatedcompany", "companyname", "company", "account", "organization",
                         "organisation"],
        "account_external_id": ["accountid", "associatedcompanyid", "associatedcompanyids", "companyid"],
        "role": ["contactrole", "role", "buyingrole", "opportunityrole", "persona"],
        "owner": ["contactowner", "owner", "ownername", "ownerid", "leadowner"],
        "last_activity": ["lastactivity", "lastactivitydate", "lastactivitytime", "lastcontacted",
                          "lastengagementdate"],
    },
    "crm_opportunities": {
        "external_id": ["id", "opportunityid", "recordid", "dealid"],
        "name": ["opportunityname", "dealname", "name", "opportunity", "deal"],
        "account_name": ["accountname", "associatedcompany", "companyname", "company", "account"],
        "account_external_id": ["accountid", "associatedcompanyid", "associatedcompanyids", "companyid"],
        "stage": ["stage", "stagename", "dealstage", "opportunitystage", "salesstage"],
        "amount": ["amount", "dealamount", "opportunityamount", "amountconverted", "value", "dealvalue", "arr",
                   "annualrecurringrevenue"],
        "close_date": ["closedate", "expectedclosedate", "closingdate", "close"],
        "is_closed": ["isclosed", "closed"],
        "is_won": ["iswon", "won"],
        "contact_roles": ["contactroles", "contacts", "associatedcontacts", "associatedcontact", "primarycontact",
                          "contact", "contactrole"],
        "owner": ["opportunityowner", "dealowner", "owner", "ownername", "ownerid"],
    },
}

#: Fields a file of each kind cannot do without (any one of each inner tuple).
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "crm_accounts": [("name",)],
    "crm_contacts": [("first_name", "last_name", "full_name", "email")],
    "crm_opportunities": [("name",)],
}

# Headers that name the kind on their own, tried in this order.
_KIND_MARKERS = (
    ("crm_opportunities", {"opportunityname", "dealname", "stagename", "dealstage", "opportunitystage", "iswon",
                           "isclosed", "opportunityid", "dealid", "stage", "opportunityowner", "dealowner"}),
    ("crm_contacts", {"firstname", "lastname", "fullname", "contactname", "contactid", "contactowner", "email",
                      "emailaddress", "jobtitle", "contactrole"}),
    ("crm_accounts", {"accountname", "companyname", "companydomainname", "website", "accounttype", "accountowner",
                      "companyowner", "accountid", "arr"}),
)

_FOOTER = re.compile(r"^(grand totals?\b|gesamtsumme|totaux|total g[eé]n[eé]ral|totales generales|"
                     r"confidential information|copyright\b|generated by\b|©)", re.IGNORECASE)
_EMPTY_LOOKUP = re.compile(r"^0{15}AAA$|^0{15,18}$")
_DEACTIVATED = re.compile(r"\s*\((deactivated|inactive|former)[^)]*\)\s*$", re.IGNORECASE)
_IGNORE = {"", "ignore", "skip", "none", "-"}


def norm_header(text: object) -> str:
    """A header cell as an alias key: folded, only letters and digits."""
    return re.sub(r"[^0-9a-z]", "", identity.fold(str(text or "")))


def fields_of(kind: str) -> list[str]:
    """The fields a mapping may name for ``kind``."""
    return list(ALIASES[kind])


# --- reading the table ----------------------------------------------------------------------


def is_xlsx(data: bytes) -> bool:
    """True when ``data`` is an Excel workbook (a zip holding ``xl/workbook.xml``)."""
    from relmap.ingest.archive import zip_names

    if not data.startswith(b"PK"):
        return False
    return "xl/workbook.xml" in (zip_names(data) or [])


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx_rows(name: str, data: bytes) -> list[list[str]]:
    """Every row of the first non-empty sheet of a workbook, as text."""
    import openpyxl

    from relmap.ingest import archive

    archive.open_zip(name, data).close()  # zip limits first: a workbook is a zip too
    limit = config.MAX_ROWS + 51  # header rows may precede the data
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # corrupt workbook, encrypted file...
        raise RejectedFile(f"{name} cannot be opened as an Excel workbook ({exc.__class__.__name__}); "
                           "save it again as .xlsx or export it as CSV.") from None
    try:
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append([_cell_text(v) for v in row])
                if len(rows) > limit:
                    raise RejectedFile(f"{name} has more than {config.MAX_ROWS:,} rows, the limit; split it into "
                                       "smaller files or raise RELMAP_MAX_ROWS.")
            if any(any(c.strip() for c in r) for r in rows):
                return rows
    except RejectedFile:
        raise
    except Exception as exc:  # a sheet that is not XML, a cell openpyxl cannot read...
        raise RejectedFile(f"{name} cannot be read as an Excel workbook ({exc.__class__.__name__}); "
                           "save it again as .xlsx or export it as CSV.") from None
    finally:
        book.close()
    raise RejectedFile(f"{name} is an empty workbook; export the CRM report again.")


def read_rows(name: str, data: bytes) -> tuple[list[list[str]], list[int], str, str]:
    """Rows of a CSV or XLSX file with each row's 1-based line; plus encoding and delimiter."""
    if is_xlsx(data):
        rows = read_xlsx_rows(name, data)
        return rows, list(range(1, len(rows) + 1)), "xlsx", ""
    text, encoding = decode(name, data)
    sample = text[:20000]
    delimiter = max([",", ";", "\t"], key=sample.count)
    rows, lines = read_records(name, text, delimiter)
    return rows, lines, encoding, delimiter


def first_row(name: str, data: bytes) -> list[str]:
    """The first row with two or more filled cells (else the first non-blank one): what a
    message shows as the header of a file relmap does not know."""
    rows = [[c.strip() for c in r] for r in read_rows(name, data)[0][:50] if any(c.strip() for c in r)]
    return next((r for r in rows if sum(1 for c in r if c) >= 2), rows[0] if rows else [])


# Referral headers (relmap.ingest.referrals) count too, so one reader serves both.
_REFERRAL_HEADERS = {"referrer", "referred", "referredby", "introducer", "introducedby", "referee"}


def _header_score(normed: set[str]) -> int:
    known = {alias for fields in ALIASES.values() for aliases in fields.values() for alias in aliases}
    known |= _REFERRAL_HEADERS
    return len((normed - {""}) & known)


#: How many cells of a row are looked at to tell whether it is the header.
HEADER_CELLS = 1000


def read_table(name: str, data: bytes, mapping: dict[str, str] | None = None) -> Table:
    """Decode a CRM or referrals file and find its header row by content.

    The header is the first of the first 50 rows holding every column named in
    ``mapping``, or else at least two known header aliases.
    """
    rows, lines, encoding, delimiter = read_rows(name, data)
    wanted = {norm_header(c) for c in (mapping or {})}
    for idx, row in enumerate(rows[:50]):
        # A header's known columns are among its first cells: a 100,000-column line is not scanned whole.
        normed = {norm_header(c) for c in row[:HEADER_CELLS]}
        if (wanted and wanted <= normed) or (not wanted and _header_score(normed) >= 2):
            cells = [c.strip() for c in row]
            data = unwrap_quoted_rows(rows[idx + 1:], delimiter, len(cells))
            return Table(name, encoding, delimiter, cells, lines[idx], data, lines[idx + 1:])
    if wanted:
        raise NoHeaderFound(f"{name}: no row in its first 50 lines holds the columns named in --map "
                            f"({', '.join(mapping)}); check their spelling against the file's header.")
    raise NoHeaderFound(f"{name} has no header row relmap recognises in its first 50 lines; "
                        "upload the file as exported, with its header row, or name its columns with --map.")


class NoHeaderFound(RejectedFile):
    """No row of a CRM or referrals file looks like its header."""


# --- kind and mapping --------------------------------------------------------------------------


def detect_kind(header: list[str], mapping: dict[str, str] | None = None) -> str | None:
    """The CRM kind a header describes (or the kind the mapping's fields point to), or None.

    >>> detect_kind(["Record ID", "Deal Name", "Deal Stage", "Amount"])
    'crm_opportunities'
    >>> detect_kind(["Account Name", "Type", "Website", "Account Owner"])
    'crm_accounts'
    >>> detect_kind(["Id", "ParentId", "Name", "Body"]) is None  # a Salesforce Attachment.csv
    True
    """
    normed = {norm_header(c) for c in header}
    for kind, markers in _KIND_MARKERS:
        if normed & markers:
            return kind
    if mapping:
        votes = {kind: sum(f in ALIASES[kind] and all(f not in ALIASES[k] for k in CRM_KINDS if k != kind)
                           for f in mapping.values()) for kind in CRM_KINDS}
        kind, count = max(votes.items(), key=lambda kv: kv[1])
        if count:
            return kind
    return None


def auto_mapping(kind: str, header: list[str]) -> dict[int, str]:
    """Column index -> field from header aliases (each field takes its best-ranked column first)."""
    out: dict[int, str] = {}
    for i, cell in enumerate(header):
        key = norm_header(cell)
        best: tuple[int, str] | None = None
        for field_name, aliases in ALIASES[kind].items():
            if key in aliases:
                rank = aliases.index(key)
                if best is None or rank < best[0]:
                    best = (rank, field_name)
        if best:
            out[i] = best[1]
    return out


def _column_mapping(name: str, kind: str, header: list[str], mapping: dict[str, str] | None) -> dict[int, str]:
    cols = auto_mapping(kind, header)
    for column, field_name in (mapping or {}).items():
        field_name = field_name.strip().lower()
        idx = [i for i, h in enumerate(header) if h.strip() == column.strip()] or \
              [i for i, h in enumerate(header) if norm_header(h) == norm_header(column)]
        if not idx:
            raise RejectedFile(f"{name}: the column {column!r} named in --map is not in its header "
                               f"({', '.join(h for h in header[:12] if h)}); check the spelling.")
        if field_name not in _IGNORE and field_name not in ALIASES[kind]:
            raise RejectedFile(f"{name}: {field_name!r} is not a field of {kind.replace('_', ' ')}; use one of "
                               f"{', '.join(ALIASES[kind])} (or 'ignore') in --map \"Column=field\".")
        for i in idx:
            if field_name in _IGNORE:
                cols.pop(i, None)
            else:
                # The user's column wins: other columns auto-mapped to that field step aside.
                for j in [j for j, f in cols.items() if f == field_name and j not in idx]:
                    del cols[j]
                cols[i] = field_name
    return cols


def _check_required(name: str, kind: str, cols: dict[int, str]) -> None:
    present = set(cols.values())
    for options in REQUIRED[kind]:
        if not present & set(options):
            field_name = "full_name" if kind == "crm_contacts" else options[0]
            raise MappingNeeded(
                f"{name}: no column holds the {kind.removeprefix('crm_').rstrip('s')} {field_name.replace('_', ' ')}; "
                f"say which one does with --map \"Column={field_name}\" (or pick it on the Upload page).")


def propose_mapping(name: str, data: bytes) -> tuple[str | None, dict[str, str], pd.DataFrame]:
    """What the Upload page shows before a CRM import: ``(kind, {column: field}, preview)``.

    ``kind`` is None when the header names no CRM kind; the preview is the first ten
    data rows as written, one column per header cell.
    """
    try:
        table = read_table(name, data)
    except RejectedFile:
        rows, lines, _, _ = read_rows(name, data)
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            raise
        table = Table(name, "", "", [c.strip() for c in rows[0]], 1, rows[1:], list(range(2, len(rows) + 1)))
    from relmap.ingest import referrals

    if referrals.looks_like_referrals(table.header):
        kind = "referrals"
        proposal = {table.header[i]: f for f, i in referrals.column_indexes(table.header).items()}
    else:
        kind = detect_kind(table.header)
        proposal = {table.header[i]: f for i, f in auto_mapping(kind, table.header).items()} if kind else {}
    columns = _unique_names(table.header)
    preview = pd.DataFrame([(r + [""] * len(columns))[:len(columns)] for r in table.rows[:10]], columns=columns)
    return kind, proposal, preview


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h or f"column {i + 1}"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


# --- values ---------------------------------------------------------------------------------------


def parse_amount(text: object, decimal_comma: bool = False) -> float | None:
    """A money amount with any currency sign or code; None when it is not a number."""
    raw = identity.clean_text(text)
    if raw is None:
        return None
    negative = raw.startswith("(") and raw.endswith(")") or "-" in raw
    digits = re.sub(r"[^\d,.]", "", raw)
    if not re.search(r"\d", digits):
        return None
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif "," in digits:
        thousands = re.fullmatch(r"\d{1,3}(,\d{3})+", digits)
        decimal = "," if decimal_comma or not thousands else "."
    elif "." in digits:
        decimal = "." if not (decimal_comma and re.fullmatch(r"\d{1,3}(\.\d{3})+", digits)) else ","
    else:
        decimal = "."
    group = "," if decimal == "." else "."
    digits = digits.replace(group, "").replace(decimal, ".")
    try:
        value = float(digits)
    except ValueError:
        return None
    return -value if negative else value


_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?:[ ,T]+\d{1,2}:\d{2}.*)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_NAMED_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y",
                  "%d.%m.%Y", "%Y/%m/%d")


def _year(text: str) -> int:
    y = int(text)
    return y if y >= 100 else (2000 + y if y < 70 else 1900 + y)


def parse_dates(values: list[str | None], dayfirst: bool | None = None) -> list[date | None | str]:
    """Dates of one column. Unreadable cells come back as their text (the caller reports them).

    Numeric dates are month-first unless a value proves otherwise (a first part above 12)
    or ``dayfirst`` says so (files from a ``;`` locale).

    >>> parse_dates(["3/31/2024", "4/1/24 9:05 AM", "2024-05-02T10:00:00.000Z", "01-Dec-21", "soon", None])
    [datetime.date(2024, 3, 31), datetime.date(2024, 4, 1), datetime.date(2024, 5, 2), datetime.date(2021, 12, 1), 'soon', None]
    >>> parse_dates(["5-3-2024", "25-12-2024"])
    [datetime.date(2024, 3, 5), datetime.date(2024, 12, 25)]
    """
    texts = [identity.clean_text(v) for v in values]
    numeric = [m for t in texts if t and (m := _NUMERIC_DATE.match(t))]
    if any(int(m.group(1)) > 12 for m in numeric):
        dayfirst = True
    elif any(int(m.group(3)) > 12 for m in numeric):
        dayfirst = False
    elif dayfirst is None:
        dayfirst = bool(numeric) and all(m.group(2) in ".-" for m in numeric)
    out: list[date | None | str] = []
    for t in texts:
        out.append(None if t is None else _one_date(t, dayfirst))
    return out


def _one_date(text: str, dayfirst: bool) -> date | str:
    try:
        if m := _ISO_DATE.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _NUMERIC_DATE.match(text):
            a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
            return date(y, b, a) if dayfirst else date(y, a, b)
    except ValueError:
        return text
    head = text.split(" ", 3)
    for candidate in (text, " ".join(head[:3])):
        for fmt in _NAMED_FORMATS:
            try:
                return datetime.strptime(candidate.strip(), fmt).date()
            except ValueError:
                continue
    return text


def parse_bool(text: object) -> bool | None:
    """``1``/``0``, ``true``/``false``, ``yes``/``no``; None otherwise."""
    raw = identity.clean_text(text)
    if raw is None:
        return None
    return {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False, "y": True,
            "n": False, "x": True}.get(raw.lower())


def clean_owner(text: object) -> str | None:
    """An owner cell without ``(Deactivated User)`` and similar notes."""
    raw = identity.clean_text(text)
    return identity.clean_text(_DEACTIVATED.sub("", raw)) if raw else None


def clean_id(text: object) -> str | None:
    """An external id; Salesforce's empty lookup ``000000000000000AAA`` is None."""
    raw = identity.clean_text(text)
    return None if raw is None or _EMPTY_LOOKUP.match(raw) else raw


def normalise_status(text: object) -> str:
    """An account type or lifecycle stage as customer / opportunity / prospect / churned."""
    raw = identity.clean_text(text)
    if raw is None:
        return "prospect"
    key = identity.fold(raw)
    if re.search(r"churn|former|\bex[- ]?customer|lost customer|cancel|inactive customer", key):
        return "churned"
    if re.search(r"customer|closed ?won|\bclient\b|evangelist|\bactive\b", key):
        return "customer"
    if re.search(r"opportunit|pipeline|negotiat|proposal", key):
        return "opportunity"
    return "prospect"


_ROLES = (
    (r"champion|advocate|sponsor|coach", "champion"),
    (r"economic|budget|signator|sign[- ]?off", "economic_buyer"),
    (r"decision", "decision_maker"),
    (r"technical|evaluator|architect", "technical_buyer"),
    (r"influenc", "influencer"),
    (r"blocker|detractor", "blocker"),
    (r"\buser\b|end user", "user"),
)


def normalise_role(text: object) -> str | None:
    """A buying role as champion / economic_buyer / decision_maker / technical_buyer / influencer /
    blocker / user; other text is kept in snake case."""
    raw = identity.clean_text(text)
    if raw is None:
        return None
    key = identity.fold(raw)
    for pattern, role in _ROLES:
        if re.search(pattern, key):
            return role
    return re.sub(r"[^\w]+", "_", key).strip("_") or None


def parse_contact_roles(text: object) -> list[dict]:
    """``"Jane Doe (Champion); bob@acme.com (Economic Buyer)"`` -> ``[{"contact", "role"}, ...]``.

    >>> parse_contact_roles("Jane Doe (Champion); bob@acme.com")
    [{'contact': 'Jane Doe', 'role': 'champion'}, {'contact': 'bob@acme.com', 'role': None}]
    """
    raw = identity.clean_text(text)
    if raw is None:
        return []
    out = []
    for part in re.split(r"[;\n|]+", raw):
        part = part.strip()
        m = re.match(r"^(.*?)\s*[(\[]([^)\]]*)[)\]]\s*$", part) or re.match(r"^(.*?)\s+[-:]\s+(.+)$", part)
        contact, role = (m.group(1), m.group(2)) if m else (part, None)
        if identity.clean_text(contact):
            out.append({"contact": contact.strip(), "role": normalise_role(role)})
    return out


def split_name(text: object) -> tuple[str | None, str | None]:
    """``"Jane van Doe"`` -> ``("Jane", "van Doe")``; ``"Doe, Jane"`` -> ``("Jane", "Doe")``."""
    raw = identity.clean_text(text)
    if raw is None:
        return None, None
    if "," in raw:
        last, _, first = raw.partition(",")
        return identity.clean_text(first), identity.clean_text(last)
    words = raw.split()
    if len(words) == 1:
        return words[0], None
    particles = {"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "du", "dos", "das"}
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in particles:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


# --- parsing ----------------------------------------------------------------------------------------


def parse(path: str, table: Table, content_hash: str, kind: str, mapping: dict[str, str] | None = None,
          vendor: str | None = None) -> ParsedFile:
    """Rows of a CRM export of ``kind``; footers skipped, values typed, problems listed by line."""
    name = table.name
    cols = _column_mapping(name, kind, table.header, mapping)
    _check_required(name, kind, cols)
    by_field: dict[str, list[int]] = {}
    for i, f in sorted(cols.items(), key=lambda kv: (ALIASES[kind][kv[1]].index(norm_header(table.header[kv[0]]))
                                                     if norm_header(table.header[kv[0]]) in ALIASES[kind][kv[1]]
                                                     else -1, kv[0])):
        by_field.setdefault(f, []).append(i)

    def value(row: list[str], field_name: str) -> str | None:
        for i in by_field.get(field_name, []):
            if i < len(row) and (v := identity.clean_text(row[i])) is not None:
                return v
        return None

    decimal_comma = table.delimiter == ";"
    deleted = next((i for i, h in enumerate(table.header) if norm_header(h) == "isdeleted"), None)
    problems: list[Problem] = []
    kept: list[tuple[int, dict]] = []
    rows_read = 0
    for row, line in zip(table.rows, table.lines):
        if not any(c.strip() for c in row):
            continue
        first = next(c.strip() for c in row if c.strip())
        if _FOOTER.match(first.strip('"')):
            break  # a Salesforce report footer: nothing after it is data
        rows_read += 1
        if deleted is not None and deleted < len(row) and parse_bool(row[deleted]):
            problems.append(Problem(line, "record marked deleted (IsDeleted) in the export; skipped"))
            continue
        kept.append((line, {f: value(row, f) for f in by_field}))

    date_fields = {"renewal_date", "last_activity", "close_date"} & set(by_field)
    parsed_dates = {f: parse_dates([r.get(f) for _, r in kept], dayfirst=True if decimal_comma else None)
                    for f in date_fields}
    records = []
    for n, (line, r) in enumerate(kept):
        rec = {"line": line}
        for f in date_fields:
            d = parsed_dates[f][n]
            if isinstance(d, str):
                problems.append(Problem(line, f"unreadable date {d!r} in {f.replace('_', ' ')}; kept without it"))
                d = None
            rec[f] = d
        for f in ("arr", "amount"):
            if r.get(f) is not None:
                amount = parse_amount(r[f], decimal_comma)
                if amount is None:
                    problems.append(Problem(line, f"unreadable amount {r[f]!r}; kept without it"))
                rec[f] = amount
        record = _shape(kind, r, rec, line, problems)
        if record is not None:
            records.append(record)
    frame = pd.DataFrame.from_records(records, columns=PARSED_COLUMNS[kind])
    layout = vendor or guess_vendor(table.header)
    return ParsedFile(path=path, kind=kind, layout=layout, frame=frame, content_hash=content_hash,
                      rows_read=rows_read, problems=problems)


def _shape(kind: str, r: dict, rec: dict, line: int, problems: list[Problem]) -> dict | None:
    rec["external_id"] = clean_id(r.get("external_id"))
    rec["owner"] = clean_owner(r.get("owner"))
    if kind == "crm_accounts":
        if not r.get("name"):
            problems.append(Problem(line, "row has no account name; skipped"))
            return None
        rec.update(name=r["name"], domain=identity.normalise_domain(r.get("domain")),
                   status=normalise_status(r.get("status")))
    elif kind == "crm_contacts":
        first, last = r.get("first_name"), r.get("last_name")
        if not first and not last:
            first, last = split_name(r.get("full_name"))
        email = identity.normalise_email(r.get("email"))
        if not first and not last and not email:
            problems.append(Problem(line, "row has no contact name or email; skipped"))
            return None
        rec.update(first_name=first, last_name=last, email=email, title=r.get("title"),
                   account_name=r.get("account_name"), account_external_id=clean_id(r.get("account_external_id")),
                   role=normalise_role(r.get("role")))
    else:
        if not r.get("name"):
            problems.append(Problem(line, "row has no opportunity name; skipped"))
            return None
        stage = r.get("stage")
        won, closed = parse_bool(r.get("is_won")), parse_bool(r.get("is_closed"))
        stage_key = norm_header(stage)
        if won is None:
            won = stage_key in {"closedwon", "won", "dealwon"}
        if closed is None:
            closed = won or stage_key.startswith("closed") or stage_key in {"lost", "deallost"}
        rec.update(name=r["name"], account_name=r.get("account_name"),
                   account_external_id=clean_id(r.get("account_external_id")), stage=stage,
                   is_closed=bool(closed or won), is_won=bool(won),
                   contact_roles=parse_contact_roles(r.get("contact_roles")))
    return rec


def guess_vendor(header: list[str]) -> str:
    """Which CRM wrote a header: salesforce-export, salesforce, hubspot, zoho or mapped."""
    normed = [norm_header(h) for h in header]
    if normed and normed[0] == "recordid":
        return "hubspot"
    if any(h.startswith("zcrm") for h in header) or {"createdtime", "lastactivitytime"} & set(normed):
        return "zoho"
    if {"accountid", "stagename", "firstname", "iswon", "ownerid"} & set(normed) and \
            any(h in ("Id", "AccountId", "FirstName", "StageName", "OwnerId") for h in header):
        return "salesforce-export"
    if {"accountname", "opportunityname", "accountowner", "contactrole", "opportunityowner"} & set(normed):
        return "salesforce"
    return "mapped"
