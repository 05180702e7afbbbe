"""The whole LinkedIn data export (``Basic_LinkedInDataExport_MM-DD-YYYY.zip``) in one upload.

Members are read in memory (never written to disk, so names like ``../../x`` are
harmless) and recognised by their header, not their name or folder depth. Members that
are not a known kind (``UnknownKind``: Skills.csv, photos, empty files, LinkedIn files such as
Recommendations_Received.csv whose names are not the member's network) are skipped; in a
LinkedIn export, so are tables read as CRM files that no CRM vendor's header marks; so is a
member with a header and no rows; none silently: each goes to the caller's ``skipped`` list
with its reason (``skipped_members``), and the import summary shows them;
a member that is a known kind but fails (missing columns, damaged or encrypted) becomes a
``ParsedFile`` with ``rejection`` set, so the import lists it as rejected with the reason
while the good members import. Each member becomes its own ``ParsedFile``
(and its own snapshot and ``--json`` entry) with the path ``<archive name>/<member path>``;
the export date in the archive's name becomes every member's ``as_of_hint``. In a Salesforce
Data Export, owners are user ids: the zip's User.csv turns them into the users' names, and its
OpportunityContactRole.csv gives each opportunity its contacts' roles.

Limits (``relmap.config``) are checked on the zip directory before anything is expanded:
member count (first from the directory's size, before it is read), total expanded size and
expansion ratio (zip bombs, per member and overall). ``zipfile`` never inflates a member past
the size the directory declares (a lying header ends in a CRC error), and zips inside the
zip are never opened. ``open_zip`` does the same for Excel workbooks.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

import pandas as pd

from relmap import config
from relmap.ingest import sniff
from relmap.model import LinkedInOther, ParsedFile, Problem, RejectedFile, SkippedFile, UnknownKind

_DATE_IN_NAME = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ""}

MemberParser = Callable[..., ParsedFile]


#: What ``zipfile`` raises on a damaged or unusual zip (a future version, a cut directory...).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
              ValueError, struct.error, zlib.error, UnicodeDecodeError)


def zip_names(data: bytes) -> list[str] | None:
    """The member names of the zip in ``data``; None when it is not a readable zip.
    Call ``check_directory`` first: this reads the whole directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.namelist()
    except ZIP_ERRORS:
        return None


def is_archive(data: bytes) -> bool:
    """True when ``data`` is a zip file (but not an Excel workbook)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    names = zip_names(data)
    return names is not None and "[Content_Types].xml" not in names


def export_date(name: str) -> date | None:
    """The export date in an archive's name (``..._12-01-2024.zip`` is MM-DD-YYYY).

    >>> export_date("Basic_LinkedInDataExport_03-15-2025.zip")
    datetime.date(2025, 3, 15)
    """
    match = _DATE_IN_NAME.search(Path(name).name)
    if not match:
        return None
    month, day, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


#: Bytes of zip directory allowed per member before the directory is read (names are short).
_DIRECTORY_BYTES_PER_MEMBER = 1024


def is_zip(data: bytes) -> bool:
    """True when ``data`` starts like a zip file (a LinkedIn archive, an .xlsx, a backup...)."""
    return data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06")


def check_directory(name: str, data: bytes) -> None:
    """Refuse a zip whose directory is damaged or too big for ``config.MAX_ZIP_MEMBERS``,
    from its last record alone: before ``zipfile`` reads the directory into memory."""
    display = Path(name).name
    try:
        end = zipfile._EndRecData(io.BytesIO(data))  # the record zipfile itself trusts
    except (AttributeError, IndexError, TypeError):  # another Python's zipfile: it checks on open
        return
    except ZIP_ERRORS:
        end = None
    if not end:
        raise RejectedFile(f"{display} is a damaged zip or Excel file (its table of contents is missing or cut "
                           "short); download or save it again.")
    entries, directory = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    allowed = 2 * config.MAX_ZIP_MEMBERS + 10  # folders are entries too
    if entries > allowed or directory > allowed * _DIRECTORY_BYTES_PER_MEMBER:
        shown = max(entries, directory // _DIRECTORY_BYTES_PER_MEMBER)
        raise RejectedFile(f"{display} holds about {shown:,} files, more than the {config.MAX_ZIP_MEMBERS:,} "
                           "allowed; upload the CSV files you need instead, or raise RELMAP_MAX_ZIP_MEMBERS.")


def open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    """The zip in ``data`` with its limits checked (``check_directory``, then ``check_limits``
    on the directory): nothing is expanded yet. Raises ``RejectedFile``."""
    display = Path(name).name
    check_directory(name, data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        raise RejectedFile(f"{display} is a damaged zip or Excel file (its table of contents cannot be read); "
                           "download or save it again.") from None
    try:
        check_limits(display, [i for i in zf.infolist() if not i.is_dir()], len(data))
    except RejectedFile:
        zf.close()
        raise
    return zf


def check_limits(display: str, infos: list[zipfile.ZipInfo], packed_size: int) -> None:
    """Member count, total expanded size and expansion ratio (``config.MAX_ZIP_*``), from the
    sizes the zip's directory declares (reading never goes past them: ``zipfile`` stops there)."""
    if len(infos) > config.MAX_ZIP_MEMBERS:
        raise RejectedFile(f"{display} holds {len(infos):,} files, more than the {config.MAX_ZIP_MEMBERS:,} allowed; "
                           "upload the CSV files you need instead, or raise RELMAP_MAX_ZIP_MEMBERS.")
    expanded = sum(i.file_size for i in infos)
    if expanded > config.MAX_ZIP_EXPANDED_BYTES:
        raise RejectedFile(f"{display} expands to {config.size_text(expanded)}, more than the "
                           f"{config.size_text(config.MAX_ZIP_EXPANDED_BYTES)} allowed; upload the CSV files you "
                           "need instead, or raise RELMAP_MAX_ZIP_EXPANDED_BYTES.")
    ratio = expanded / max(packed_size, 1)
    worst = max(infos, key=lambda i: i.file_size / max(i.compress_size, 1), default=None)
    if worst is not None and worst.file_size > _RATIO_FROM:
        ratio = max(ratio, worst.file_size / max(worst.compress_size, 1))
    if expanded > _RATIO_FROM and ratio > config.MAX_ZIP_RATIO:
        raise RejectedFile(f"{display} expands {ratio:,.0f} times its size ({config.size_text(expanded)} from "
                           f"{config.size_text(packed_size)}), more than the {config.MAX_ZIP_RATIO} times allowed: "
                           "that is how zip bombs look, so nothing was expanded. If it is a real export, raise "
                           "RELMAP_MAX_ZIP_RATIO.")


#: Small zips may compress far better than the ratio (a CSV of repeated values): not checked.
_RATIO_FROM = 10 * 2**20


def parse_archive(name: str, data: bytes, parse_member: MemberParser, kind: str | None = None,
                  mapping: dict[str, str] | None = None, owner: str | None = None,
                  skipped: list[SkippedFile] | None = None) -> list[ParsedFile]:
    """Every member of a known kind, parsed; returns them with Profile.csv first and the
    members that failed (``rejection`` set, one problem naming the member and why) last.
    ``owner`` (else the name in the archive's Profile.csv) tells messages.csv who exported it.
    Every other member (but folders and hidden files such as ``__MACOSX/._x.csv``) is appended to
    ``skipped`` with the reason (``skipped_members``).

    Raises ``RejectedFile`` when the zip is broken, over a limit, holds no known file, or
    ``kind`` is given (members are recognised by header, never by a kind for the whole zip).
    """
    display = Path(name).name
    if kind:
        raise RejectedFile(f"{display} is an archive: its files are recognised by their headers, so --kind "
                           f"({kind}) cannot apply to it; drop --kind, or import the one file inside it on its own.")
    zf = open_zip(name, data)
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        as_of = export_date(display)
        parsed: list[ParsedFile] = []
        failed: list[ParsedFile] = []
        nested: list[str] = []
        users: dict[str, str] = {}  # a Salesforce Data Export's User.csv: owner id -> name
        roles: dict[str, list] = {}  # its OpportunityContactRole.csv: opportunity id -> [(contact id, role)]
        messages: dict[str, bytes] = {}  # messages members, read again once Profile.csv names the owner
        passed: list[_Passed] = []  # members neither imported nor rejected, and why
        for info in infos:
            member = PurePosixPath(info.filename.replace("\\", "/"))
            if member.name.startswith(".") or "__MACOSX" in member.parts:
                continue  # the Finder's and the shell's hidden files: no one's data
            member_path = f"{display}/{'/'.join(p for p in member.parts if p not in ('..', '.', '/'))}"
            if member.suffix.lower() == ".zip":
                nested.append(member.name)  # never opened: no zip-in-zip bombs
                passed.append(_Passed(member_path, "unknown", "a zip inside the zip, which relmap never opens; "
                                      "unzip it and upload what it holds."))
                continue
            if member.suffix.lower() not in _TEXT_SUFFIXES:
                passed.append(_Passed(member_path, "unknown", f"not a table (a {member.suffix.lower()} file); relmap "
                                      "reads CSV files.", other=True))
                continue
            if info.file_size > config.MAX_UPLOAD_BYTES:
                failed.append(_failed(member_path, f"{member_path}: is {config.size_text(info.file_size)}, larger "
                                      f"than the {config.size_text(config.MAX_UPLOAD_BYTES)} a file may be; split "
                                      "it or raise RELMAP_MAX_UPLOAD_BYTES."))
                continue
            try:
                with zf.open(info) as fh:
                    content = fh.read(info.file_size + 1)
            except ZIP_ERRORS as exc:
                failed.append(_failed(member_path, f"{member_path}: cannot be read from the archive "
                                      f"({_why_unreadable(exc)}); nothing from it was kept. Download the export "
                                      "again, or upload this file on its own."))
                continue
            if len(content) > info.file_size:  # zipfile stops at the declared size; in case it did not
                raise RejectedFile(f"{display} lies about its members' sizes; download the export again.")
            try:
                result = parse_member(member_path, content, kind=None, mapping=mapping, owner=owner)
            except LinkedInOther as exc:
                passed.append(_Passed(member_path, "linkedin_other", _other_reason(exc.what)))
                continue
            except UnknownKind as exc:
                if not _salesforce_tables(member_path, content, users, roles):  # else read for owners, roles
                    passed.append(_Passed(member_path, "unknown", str(exc), header=_first_row(content)))
                continue
            except RejectedFile as exc:  # a kind relmap reads, but this file of it failed
                failed.append(_failed(member_path, f"{member_path}: {exc}"))
                continue
            if not result.rows_read and not result.problems:  # LinkedIn's empty guide_messages.csv
                passed.append(_Passed(member_path, result.kind, "a header and no rows: nothing to import."))
                continue
            result.as_of_hint = result.as_of_hint or as_of
            if result.kind == "linkedin_messages" and owner is None:
                messages[member_path] = content
            parsed.append(result)
        profile_owner = next((p.owner_hint for p in parsed if p.kind == "linkedin_profile" and p.owner_hint), None)
        if profile_owner and messages:
            parsed = [_with_owner(p, messages, parse_member, profile_owner) for p in parsed]
    linkedin = not mapping and any(p.kind.startswith("linkedin_") for p in parsed)
    if linkedin:
        # A LinkedIn export: its other files (and any LinkedIn adds later) are no CRM export, even
        # when a header reads like one; a CRM vendor's own export beside them is still read.
        kept = [p for p in parsed if p.kind.startswith("linkedin_") or p.kind == "referrals" or p.layout != "mapped"]
        passed += [_Passed(p.path, p.kind, _unmarked_reason(p)) for p in parsed if p not in kept]
        parsed = kept
    if skipped is not None:
        skipped.extend(skipped_members(passed, linkedin))
    if not parsed and not failed and nested:
        raise RejectedFile(f"{display} holds only zip files inside it ({', '.join(nested[:5])}); relmap does not "
                           "open a zip inside a zip: unzip it and upload the zip inside, or its CSV files.")
    if not parsed and not failed:
        raise RejectedFile(f"{display} holds no file relmap knows (looked for Connections, Invitations, "
                           "messages, Positions, Profile and CRM exports by their headers); "
                           "upload the LinkedIn data export zip or the CSV files themselves.")
    _join_salesforce(parsed, users, roles)
    parsed.sort(key=lambda p: p.kind != "linkedin_profile")
    return parsed + failed


@dataclass
class _Passed:
    """A member neither imported nor rejected: kind, reason, and what tells whether it is a file
    of the LinkedIn export (``other``: not a table; ``header``: its first row)."""

    path: str
    kind: str
    reason: str
    other: bool = False
    header: list[str] | None = None


def skipped_members(passed: list[_Passed], linkedin: bool) -> list[SkippedFile]:
    """The import summary's entries for the members passed over. In a LinkedIn export, files
    that are LinkedIn's own (a header only LinkedIn writes, a lone ``Name`` column: Skills.csv;
    articles and photos) are ``linkedin_other``: expected, nothing to do."""
    out = []
    for p in passed:
        kind, reason = p.kind, p.reason
        if linkedin and p.other:
            kind, reason = "linkedin_other", f"a {p.path.rsplit('.', 1)[-1]} file of the LinkedIn export, not a table."
        elif linkedin and p.header and (what := sniff.linkedin_unread(p.header, in_export=True)):
            kind, reason = "linkedin_other", _other_reason(what)
        out.append(SkippedFile(p.path, kind, reason))
    return out


def _other_reason(what: str) -> str:
    return f"a file of the LinkedIn export that relmap does not read: {what}."


def _unmarked_reason(parsed: ParsedFile) -> str:
    """Why a table read as CRM by its column names alone is not imported from a LinkedIn export."""
    what = parsed.kind.removeprefix("crm_")
    return (f"reads as CRM {what} by its column names alone (no CRM's own columns mark it), and in a LinkedIn "
            f"export such a table is more likely one of LinkedIn's own files; to import it as CRM {what}, upload "
            "it on its own.")


def _first_row(content: bytes) -> list[str] | None:
    """The cells of the first non-empty line of a member (None when it cannot be decoded)."""
    try:
        text, _ = sniff.decode("member", content[:65536])
    except RejectedFile:
        return None
    for line in text.splitlines()[:sniff.HEADER_SEARCH_ROWS]:
        if line.strip():
            return next(csv.reader([line]), None)
    return None


def _salesforce_tables(member_path: str, content: bytes, users: dict[str, str], roles: dict[str, list]) -> bool:
    """Collect a Salesforce Data Export's User.csv (owner names) and OpportunityContactRole.csv
    (who plays which role in a deal) into ``users`` and ``roles``; other tables add nothing.
    True when the member was one of them."""
    head = content[:4096]
    if b"Username" not in head and not (b"OpportunityId" in head and b"ContactId" in head):
        return False
    from relmap.ingest import crm

    try:
        table = crm.read_table(member_path, content)
    except RejectedFile:
        return False
    rows = list(table.rows)
    found_users = crm.salesforce_users(table.header, rows)
    found_roles = crm.salesforce_contact_roles(table.header, rows)
    users.update(found_users)
    for opportunity, contacts in found_roles.items():
        roles.setdefault(opportunity, []).extend(contacts)
    return bool(found_users or found_roles)


def _join_salesforce(parsed: list[ParsedFile], users: dict[str, str], roles: dict[str, list]) -> None:
    """Owner ids of a Salesforce Data Export become user names, and opportunities get their
    contact roles (the contact's email, else name) from OpportunityContactRole.csv."""
    from relmap.ingest import crm

    export = [p for p in parsed if p.layout == "salesforce-export"]
    contacts: dict[str, str] = {}
    for p in export:
        if p.kind == "crm_contacts":
            for cid, first, last, email in zip(p.frame["external_id"], p.frame["first_name"], p.frame["last_name"],
                                               p.frame["email"]):
                if cid and (who := email or " ".join(x for x in (first, last) if x)):
                    contacts[cid] = who
    for p in export:
        if users and "owner" in p.frame:
            p.frame["owner"] = [users.get(o, o) if o else o for o in p.frame["owner"]]
        if roles and p.kind == "crm_opportunities":
            p.frame["contact_roles"] = [
                existing or [{"contact": contacts[c], "role": crm.normalise_role(r)}
                             for c, r in roles.get(oid or "", []) if c in contacts]
                for oid, existing in zip(p.frame["external_id"], p.frame["contact_roles"])]


def _with_owner(parsed: ParsedFile, messages: dict[str, bytes], parse_member: MemberParser,
                owner: str) -> ParsedFile:
    """A messages member read again knowing the archive's owner (``parsed`` itself otherwise)."""
    if parsed.path not in messages:
        return parsed
    again = parse_member(parsed.path, messages[parsed.path], kind="linkedin_messages", owner=owner)
    again.as_of_hint = parsed.as_of_hint
    return again


def _failed(member_path: str, message: str) -> ParsedFile:
    """A member that could not be read: listed as rejected, never stored."""
    return ParsedFile(path=member_path, kind="unknown", layout="", frame=pd.DataFrame(), content_hash="",
                      problems=[Problem(0, message)], rejection=message)


def _why_unreadable(exc: Exception) -> str:
    text = str(exc).lower()
    if "encrypt" in text or "password" in text:
        return "it is password-protected"
    if "crc" in text:
        return "its contents do not match the sizes and checksum the zip declares: damaged or altered"
    if isinstance(exc, NotImplementedError):
        return "it is compressed with a method relmap cannot read"
    return "it is damaged"
