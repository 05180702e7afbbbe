"""The whole LinkedIn data export (``Basic_LinkedInDataExport_MM-DD-YYYY.zip``) in one upload.

Members are read in memory (never written to disk, so names like ``../../x`` are
harmless) and recognised by their header, not their name or folder depth. Members that
are not a known kind (``UnknownKind``: Skills.csv, photos, empty files) are skipped silently;
a member that is a known kind but fails (missing columns, damaged or encrypted) becomes a
``ParsedFile`` with ``rejection`` set, so the import lists it as rejected with the reason
while the good members import. Each member becomes its own ``ParsedFile``
(and its own snapshot and ``--json`` entry) with the path ``<archive name>/<member path>``;
the export date in the archive's name becomes every member's ``as_of_hint``.

Limits (``relmap.config``) are checked on the zip directory before anything is expanded:
member count, total expanded size and expansion ratio (zip bombs).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path, PurePosixPath

import pandas as pd

from relmap import config
from relmap.model import ParsedFile, Problem, RejectedFile, UnknownKind

_DATE_IN_NAME = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ""}

MemberParser = Callable[..., ParsedFile]


def is_archive(data: bytes) -> bool:
    """True when ``data`` is a zip file (but not an Excel workbook)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "[Content_Types].xml" not in zf.namelist()
    except zipfile.BadZipFile:
        return False


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


def _check_limits(display: str, infos: list[zipfile.ZipInfo], packed_size: int) -> None:
    if len(infos) > config.MAX_ZIP_MEMBERS:
        raise RejectedFile(f"{display} holds {len(infos)} files, more than the {config.MAX_ZIP_MEMBERS} allowed; "
                           "upload the CSV files you need instead.")
    expanded = sum(i.file_size for i in infos)
    if expanded > config.MAX_ZIP_EXPANDED_BYTES:
        raise RejectedFile(f"{display} expands to {expanded // 2**20} MB, more than the "
                           f"{config.MAX_ZIP_EXPANDED_BYTES // 2**20} MB allowed; upload the CSV files you need instead.")
    ratio = expanded / max(packed_size, 1)
    if expanded > 10 * 2**20 and ratio > config.MAX_ZIP_RATIO:
        raise RejectedFile(f"{display} expands {ratio:.0f} times its size (more than {config.MAX_ZIP_RATIO}); "
                           "it is not a normal export, so nothing was read from it.")


def parse_archive(name: str, data: bytes, parse_member: MemberParser, kind: str | None = None,
                  mapping: dict[str, str] | None = None) -> list[ParsedFile]:
    """Every member of a known kind, parsed; returns them with Profile.csv first and the
    members that failed (``rejection`` set, one problem naming the member and why) last.

    Raises ``RejectedFile`` when the zip is broken, over a limit, holds no known file, or
    ``kind`` is given (members are recognised by header, never by a kind for the whole zip).
    """
    display = Path(name).name
    if kind:
        raise RejectedFile(f"{display} is an archive: its files are recognised by their headers, so --kind "
                           f"({kind}) cannot apply to it; drop --kind, or import the one file inside it on its own.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RejectedFile(f"{display} is not a readable zip file; download the export again.") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        _check_limits(display, infos, len(data))
        as_of = export_date(display)
        parsed: list[ParsedFile] = []
        failed: list[ParsedFile] = []
        for info in infos:
            member = PurePosixPath(info.filename.replace("\\", "/"))
            if member.suffix.lower() not in _TEXT_SUFFIXES or member.name.startswith("."):
                continue
            member_path = f"{display}/{'/'.join(p for p in member.parts if p not in ('..', '.', '/'))}"
            try:
                with zf.open(info) as fh:
                    content = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as exc:
                failed.append(_failed(member_path, f"{member_path}: cannot be read from the archive "
                                      f"({_why_unreadable(exc)}); nothing from it was kept. Download the export "
                                      "again, or upload this file on its own."))
                continue
            if len(content) > info.file_size:
                raise RejectedFile(f"{display} lies about its members' sizes; download the export again.")
            try:
                result = parse_member(member_path, content, kind=None, mapping=mapping)
            except UnknownKind:
                continue  # not a kind relmap reads (e.g. Skills.csv): skipped
            except RejectedFile as exc:  # a kind relmap reads, but this file of it failed
                failed.append(_failed(member_path, f"{member_path}: {exc}"))
                continue
            result.as_of_hint = result.as_of_hint or as_of
            parsed.append(result)
    if not parsed and not failed:
        raise RejectedFile(f"{display} holds no file relmap knows (looked for Connections, Invitations, "
                           "messages, Positions, Profile and CRM exports by their headers); "
                           "upload the LinkedIn data export zip or the CSV files themselves.")
    parsed.sort(key=lambda p: p.kind != "linkedin_profile")
    return parsed + failed


def _failed(member_path: str, message: str) -> ParsedFile:
    """A member that could not be read: listed as rejected, never stored."""
    return ParsedFile(path=member_path, kind="unknown", layout="", frame=pd.DataFrame(), content_hash="",
                      problems=[Problem(0, message)], rejection=message)


def _why_unreadable(exc: Exception) -> str:
    text = str(exc).lower()
    if "encrypt" in text or "password" in text:
        return "it is password-protected"
    if isinstance(exc, NotImplementedError):
        return "it is compressed with a method relmap cannot read"
    return "it is damaged"
