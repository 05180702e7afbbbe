"""Reading files: bytes in, ``ParsedFile`` objects (typed frames + problems) out.

``parse_bytes`` is the entry point; it never touches the store. A file-level
problem raises ``RejectedFile`` with one sentence naming the file and what to do.
A zip (the LinkedIn archive) is read by ``relmap.ingest.archive``: one ``ParsedFile``
per member of a known kind, each with the path ``archive.zip/member.csv``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from relmap import config
from relmap.ingest import archive, crm, linkedin, referrals, sniff
from relmap.model import LinkedInOther, ParsedFile, Problem, RejectedFile, SkippedFile, UnknownKind

__all__ = ["parse_bytes", "check_size", "check_upload", "PARSERS"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file header of .xls, .doc, .msg

#: kind -> parser(path, table, content_hash, mapping) -> ParsedFile. Other modules add their kinds here.
PARSERS = dict(linkedin.PARSERS)


def parse_bytes(name: str, data: bytes, kind: str | None = None,
                mapping: dict[str, str] | None = None, owner: str | None = None,
                skipped: list[SkippedFile] | None = None) -> list[ParsedFile]:
    """Parse one file's bytes; returns one ``ParsedFile`` (one per known member for an archive).
    ``owner``: the rep the file belongs to, when known (tells the exporting member of a messages
    file whose participants tie). The members of an archive that are neither imported nor
    rejected are appended to ``skipped``, each with the reason."""
    check_upload(name, data)
    if data.startswith(_OLE2):
        raise RejectedFile(f"{Path(name).name} is an old-style Excel .xls workbook (or another Office file), "
                           "which relmap cannot read; open it in Excel, save it as .xlsx or CSV and upload that.")
    if crm.is_xlsx(data):
        known = None
        if kind not in _CRM_AND_REFERRALS and not mapping:
            known = _parse_known_workbook(name, data, kind)
        parsed = [known or _parse_crm_or_referrals(name, data, kind, mapping)]
    elif archive.is_archive(data):
        parsed = archive.parse_archive(name, data, parse_member, kind=kind, mapping=mapping, owner=owner,
                                       skipped=skipped)
    else:
        parsed = [parse_member(name, data, kind=kind, mapping=mapping, owner=owner)]
    for p in parsed:
        drop_overlong(p)
    return parsed


#: Longest text relmap keeps per parsed field (the store's column sizes; a name leaves room for
#: first + last in ``people.full_name``). A longer cell skips its row, on every backend alike.
FIELD_LIMITS = {
    "first_name": 140, "last_name": 140, "counterpart_name": 200, "referrer": 200, "referred": 200,
    "contact_roles": 200,  # each contact named in the cell becomes a person
    "company": 300, "account_name": 300, "name": 300, "owner": 300, "position": 500, "title": 500,
    "headline": 500, "email": 320, "profile_url": 500, "counterpart_profile_url": 500, "domain": 255,
    "external_id": 100, "account_external_id": 100, "role": 100, "stage": 100,
}


def _text_length(value: object) -> int:
    """A cell's length; for a list of contact roles, its longest contact or role."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return max((len(str(v or "")) for d in value if isinstance(d, dict) for v in d.values()), default=0)
    return 0


def _all_short(values, limit: int) -> bool:
    """Whether no text among ``values`` (text cells, None/NaN, dates) is longer than ``limit``:
    the common case, answered by the longest length computed in C when every cell is text."""
    try:
        return max(map(len, values), default=0) <= limit
    except TypeError:  # None / NaN / dates among the texts: measure the text cells only
        return max((len(v) for v in values if v.__class__ is str), default=0) <= limit


def drop_overlong(parsed: ParsedFile) -> None:
    """Skip the rows holding a cell longer than ``FIELD_LIMITS`` allows, each listed with its
    line (PostgreSQL would refuse the whole file; SQLite would keep any length)."""
    frame = parsed.frame
    if frame.empty or "line" not in frame:
        return
    skip = pd.Series(False, index=frame.index)
    problems = []
    for column, limit in FIELD_LIMITS.items():
        if column not in frame:
            continue
        values = frame[column].to_numpy(dtype=object)
        if column != "contact_roles" and _all_short(values, limit):
            continue
        lengths = pd.Series([_text_length(v) for v in values], index=frame.index)
        over = (lengths > limit) & ~skip
        for idx in frame.index[over]:
            problems.append(Problem(int(frame.at[idx, "line"]), (
                f"{column.replace('_', ' ')} is {lengths[idx]:,} characters long, more than the {limit} relmap "
                "keeps; row skipped. Shorten that cell and import the file again.")))
        skip |= over
    if problems:
        parsed.frame = frame[~skip].reset_index(drop=True)
        parsed.problems = sorted(parsed.problems + problems, key=lambda p: p.line)


def check_size(name: str, size: int) -> None:
    """Refuse an upload of ``size`` bytes over ``config.MAX_UPLOAD_BYTES`` (or of 0 bytes),
    before anything is read or decoded."""
    display = Path(name).name
    if not size:
        raise RejectedFile(f"{display} is empty (0 bytes); export the file again and upload it.")
    if size > config.MAX_UPLOAD_BYTES:
        raise RejectedFile(f"{display} is {config.size_text(size)}, larger than the "
                           f"{config.size_text(config.MAX_UPLOAD_BYTES)} limit; split it into smaller files or "
                           "raise RELMAP_MAX_UPLOAD_BYTES (and the Upload page's server.maxUploadSize).")


def check_upload(name: str, data: bytes) -> None:
    """The limits that apply before any parsing: size, and for a zip (archive, workbook or
    backup) its directory (``archive.check_directory``). Raises ``RejectedFile``."""
    check_size(name, len(data))
    if archive.is_zip(data):
        archive.check_directory(name, data)


def parse_member(name: str, data: bytes, kind: str | None = None,
                 mapping: dict[str, str] | None = None, owner: str | None = None) -> ParsedFile:
    """Parse one delimited text file (a plain upload or one archive member); ``owner`` as in
    ``parse_bytes``."""
    display = Path(name).name
    if not data.strip() or not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise UnknownKind(f"{display} is empty; export the file again and upload it.")
    if archive.is_zip(data):
        raise UnknownKind(f"{display} is a zip or Excel file that relmap cannot open (damaged, or a zip inside "
                          "a zip); download or save it again, or upload the files inside it.")
    if kind in _CRM_AND_REFERRALS or mapping or crm.is_html(data):
        return _parse_crm_or_referrals(name, data, kind, mapping)
    try:
        table = sniff.read_table(display, data)
    except (UnknownKind, sniff.BrokenTable):
        raise
    except RejectedFile as exc:  # not a table at all: no kind can be told
        raise UnknownKind(str(exc)) from None
    if len(table.rows) > config.MAX_ROWS:
        raise sniff.too_many_rows(display)
    detected = kind or sniff.detect_kind(table)
    if detected is None and _outlook_connections(display, table):
        detected = "linkedin_connections"
    if detected is None and "connectedon" in table.column_index():
        # Shared exports sometimes have the name columns cut out: nobody can be stored from them.
        missing = " and ".join(n for n in ("First Name", "Last Name") if sniff.header_key(n) not in table.column_index())
        raise RejectedFile(f"{display} looks like a LinkedIn Connections export without its {missing} "
                           f"column{'s' if ' and ' in missing else ''}; relmap needs both names, so upload the "
                           "file as LinkedIn exported it.")
    if detected is None and linkedin.headerless_connections(table.header):
        raise RejectedFile(f"{display} looks like a LinkedIn Connections export whose header line was deleted: its "
                           "first line is already a connection. Put LinkedIn's header back as the first line "
                           "(First Name,Last Name,Email Address,Company,Position,Connected On; exports since 2023 "
                           "have URL after Last Name) and import the file again.")
    if detected is None and (what := sniff.linkedin_unread(table.header)):
        raise LinkedInOther(f"{display} is the LinkedIn export's {what} file, which relmap does not read (it "
                            "reads Connections, Invitations, messages, Positions and Profile); upload those "
                            "instead.", what)
    if detected == "linkedin_messages" and not kind and (what := sniff.linkedin_assistant_chat(name)):
        # messages.csv's header, but a chat with LinkedIn's assistant, not with a person: never read.
        raise LinkedInOther(f"{display} is the LinkedIn export's {what} file: chats with LinkedIn's assistant, "
                            "not with people, so relmap does not read it; upload messages.csv for your "
                            "conversations.", what)
    if detected is None:
        # Not a LinkedIn layout: CRM exports and referrals find their header by their own aliases.
        return _parse_crm_or_referrals(name, data, kind, mapping)
    parser = PARSERS.get(detected)
    if parser is None:
        raise UnknownKind(f"{display}: reading {detected} files is not supported yet; "
                           f"known kinds are {', '.join(sorted(PARSERS))}.")
    content_hash = hashlib.sha256(data).hexdigest()
    if detected == "linkedin_messages":
        return parser(name, table, content_hash, mapping, owner=owner)
    return parser(name, table, content_hash, mapping)


_OUTLOOK_COLUMNS = {"firstname", "lastname", "emailaddress", "company", "jobtitle", "businessstreet"}
_YAHOO_COLUMNS = {"first", "middle", "last", "email", "title", "company", "yahoophone"}


def _outlook_connections(name: str, table: sniff.Table) -> bool:
    """LinkedIn's connections export of 2010-2016 ("Export to Outlook CSV",
    ``linkedin_connections_export_microsoft_outlook.csv``, or the same for Outlook Express and
    Yahoo! Mail, ``linkedin_connections_export_yahoo.csv``): an address book's contact columns, no
    ``Connected On``. The columns alone are any Outlook or Yahoo address book, so the file name
    must say LinkedIn; other address books are read as CRM contacts."""
    columns = set(table.column_index())
    return "linkedin" in name.lower() and (_OUTLOOK_COLUMNS <= columns or _YAHOO_COLUMNS <= columns)


def _parse_known_workbook(name: str, data: bytes, kind: str | None) -> ParsedFile | None:
    """A LinkedIn file re-saved as .xlsx (Connections, Invitations...), read by its own parser;
    None when the workbook holds no LinkedIn header (a CRM report)."""
    display = Path(name).name
    table = sniff.known_table(display, crm.read_xlsx_rows(display, data), "xlsx")
    detected = kind or (sniff.detect_kind(table) if table else None)
    if table is None or detected not in PARSERS:
        return None
    return PARSERS[detected](name, table, hashlib.sha256(data).hexdigest(), None)


# --- CRM exports and referrals ------------------------------------------------------------

_CRM_AND_REFERRALS = (*crm.CRM_KINDS, "referrals")


def _parse_crm_or_referrals(name: str, data: bytes, kind: str | None, mapping: dict[str, str] | None) -> ParsedFile:
    """A CRM export (CSV or XLSX) or a referrals file: header found by aliases or by the mapping's columns."""
    display = Path(name).name
    unknown = (f"{display} is not a file relmap knows (its header is: {{}}); upload a LinkedIn or CRM export "
               "or a referrals list, or pass --kind crm_accounts / crm_contacts / crm_opportunities / referrals "
               "and map its columns with --map \"Column=field\".")
    try:
        table = crm.read_table(display, data, mapping)
    except crm.NoHeaderFound:
        if mapping or kind:
            raise
        raise UnknownKind(unknown.format(", ".join(crm.first_row(display, data)[:8]))) from None
    except RejectedFile as exc:  # unreadable (damaged workbook, broken CSV, over a limit)
        if mapping or kind or isinstance(exc, UnknownKind):
            raise
        raise UnknownKind(str(exc)) from None
    if len(table.rows) > config.MAX_ROWS:
        raise sniff.too_many_rows(display)
    content_hash = hashlib.sha256(data).hexdigest()
    if kind == "referrals" or (kind is None and referrals.looks_like_referrals(table.header)):
        return referrals.parse(name, table, content_hash, mapping)
    detected = kind or crm.detect_kind(table.header, mapping)
    if detected not in crm.CRM_KINDS:
        raise UnknownKind(unknown.format(", ".join(table.header[:8])))
    return crm.parse(name, table, content_hash, detected, mapping)
