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
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pandas as pd

from relmap import config
from relmap.model import RejectedFile

#: kind -> alternative marker sets (header keys, see ``header_key``); a header matching every
#: cell of one set is that kind. When several kinds match, the largest matching set wins.
KIND_MARKERS: dict[str, list[frozenset[str]]] = {
    "linkedin_connections": [frozenset({"firstname", "lastname", "connectedon"})],
    "linkedin_invitations": [frozenset({"from", "to", "sentat", "direction"})],
    # 2019+ messages.csv; the 2018 archive's Messages.csv has no conversation id or profile URLs.
    "linkedin_messages": [frozenset({"conversationid", "from", "to", "date"}),
                          frozenset({"from", "to", "date", "content", "direction"})],
    "linkedin_positions": [frozenset({"companyname", "title", "startedon", "finishedon"})],
    "linkedin_profile": [frozenset({"firstname", "lastname", "headline"})],
}

#: Files of the LinkedIn data export that relmap does not read, by their header (header keys):
#: ``(what, markers, exact)``. They hold names and companies that are not the member's network (a
#: recommendation's author, an imported address book, a volunteering role), so they must not be
#: read as CRM contacts or accounts. ``exact``: the header is these columns and no others.
LINKEDIN_UNREAD: list[tuple[str, frozenset[str], bool]] = [
    ("imported address book (Contacts.csv)",
     frozenset({"source", "firstname", "lastname", "companies", "emails", "phonenumbers"}), False),
    ("recommendations", frozenset({"firstname", "lastname", "company", "jobtitle", "text", "creationdate",
                                   "status"}), False),
    ("volunteering", frozenset({"companyname", "role", "cause", "startedon"}), False),
    ("job applications", frozenset({"applicationdate", "companyname", "jobtitle", "joburl"}), False),
    ("saved jobs", frozenset({"saveddate", "joburl", "jobtitle", "companyname"}), False),
    ("job seeker preferences", frozenset({"locations", "industries", "jobtitles", "opentorecruiters"}), False),
    ("followed members (Member_Follows.csv)", frozenset({"date", "fullname", "status"}), True),
    ("identity verification (Verifications.csv)", frozenset({"firstname", "lastname", "verificationtype"}), False),
    ("receipts (Receipts_v2.csv)", frozenset({"firstname", "lastname", "transactionmadeat", "invoicenumber"}), False),
    # The rest of the archive (headers from real exports): the member's own data, no one else's.
    ("endorsements (Endorsement_Received_Info.csv)", frozenset({"endorsementdate", "skillname", "endorserfirstname",
                                                                "endorserlastname"}), False),
    ("endorsements given (Endorsement_Given_Info.csv)", frozenset({"endorsementdate", "skillname",
                                                                   "endorseefirstname", "endorseelastname"}), False),
    ("courses (Learning.csv)", frozenset({"contenttitle", "contentdescription", "contenttype"}), False),
    ("uploaded media (Rich_Media.csv)", frozenset({"datetime", "mediadescription", "medialink"}), False),
    ("ad targeting (Ad_Targeting.csv)", frozenset({"memberage", "buyergroups", "companynames"}), False),
    ("followed companies (Company Follows.csv)", frozenset({"organization", "followedon"}), True),
    ("searches (SearchQueries.csv)", frozenset({"time", "searchquery"}), True),
    ("inferences (Inferences_about_you.csv)", frozenset({"category", "typeofinference", "description",
                                                         "inference"}), False),
    ("email addresses (Email Addresses.csv)", frozenset({"emailaddress", "confirmed", "primary",
                                                                      "updatedon"}), True),
    ("phone numbers (PhoneNumbers.csv)", frozenset({"extension", "number", "type"}), True),
    ("registration (Registration.csv)", frozenset({"registeredat", "registrationip"}), False),
    ("education (Education.csv)", frozenset({"schoolname", "startdate", "enddate", "degreename"}), False),
    ("languages (Languages.csv)", frozenset({"name", "proficiency"}), True),
    ("certifications (Certifications.csv)", frozenset({"name", "authority", "licensenumber"}), False),
    ("projects (Projects.csv)", frozenset({"title", "description", "url", "startedon", "finishedon"}), True),
    ("publications (Publications.csv)", frozenset({"name", "publishedon", "publisher"}), False),
    ("events (Events.csv)", frozenset({"eventname", "eventtime", "status", "externalurl"}), False),
    ("saved job alerts (SavedJobAlerts.csv)", frozenset({"alertparameters", "savedsearchid"}), False),
    ("security challenges (Security Challenges.csv)", frozenset({"challengedate", "ipaddress", "useragent"}), False),
    ("logins (Logins.csv)", frozenset({"logindate", "ipaddress", "useragent"}), False),
    ("ads clicked (Ads Clicked.csv)", frozenset({"adclickeddate", "adtitleid"}), False),
    ("posts (Shares.csv)", frozenset({"date", "sharelink", "sharecommentary"}), False),
    ("comments (Comments.csv)", frozenset({"date", "link", "message"}), True),
    ("reactions (Reactions.csv)", frozenset({"date", "type", "link"}), True),
    ("screening answers (Job Applicant Saved Screening Question Responses.csv)",
     frozenset({"question", "answer"}), True),
    ("private identity assets (Private_identity_asset.csv)", frozenset({"privateidentityassetname"}), False),
    ("WhatsApp numbers (Whatsapp Phone Numbers.csv)", frozenset({"number", "extension", "iswhatsappnumber"}), False),
]

#: One-column headers, known as the LinkedIn export's files only inside one (a lone ``Name``
#: column is Skills.csv there; anywhere else it could be anything, and a one-column file has no
#: header a table reader finds).
LINKEDIN_UNREAD_IN_EXPORT: list[tuple[str, frozenset[str], bool]] = [
    ("skills (Skills.csv)", frozenset({"name"}), True),
    ("profile summary (Profile Summary.csv)", frozenset({"profilesummary"}), True),
]

#: LinkedIn's chats with its assistants have messages.csv's header (``CONVERSATION ID,...,CONTENT``)
#: but are no conversation with a person: told apart by the only thing that differs, the name.
LINKEDIN_ASSISTANT_CHATS = {
    "learningcoachmessages": "learning coach conversations (learning_coach_messages.csv)",
    "guidemessages": "guide conversations (guide_messages.csv)",
    "learningroleplaymessages": "learning role-play conversations (learning_role_play_messages.csv)",
}


def linkedin_assistant_chat(name: str) -> str | None:
    """What a LinkedIn assistant-chat file holds, from its file name; None for any other name.

    >>> linkedin_assistant_chat("Complete/learning_coach_messages.csv"), linkedin_assistant_chat("messages.csv")
    ('learning coach conversations (learning_coach_messages.csv)', None)
    """
    stem = re.sub(r"\.[a-z]+$", "", name.replace("\\", "/").rsplit("/", 1)[-1].lower())
    return LINKEDIN_ASSISTANT_CHATS.get(header_key(stem))


def linkedin_unread(header: list[str], in_export: bool = False) -> str | None:
    """What a LinkedIn export file that relmap does not read holds (``"recommendations"``), from
    its header; None for any other header. ``in_export``: the file came in a LinkedIn export, so
    plainer headers (``LINKEDIN_UNREAD_IN_EXPORT``) are known too.

    >>> linkedin_unread(["Date", "FullName", "Status"]), linkedin_unread(["Date", "Full Name", "Status", "Email"])
    ('followed members (Member_Follows.csv)', None)
    >>> linkedin_unread(["Name"]), linkedin_unread(["Name"], in_export=True)
    (None, 'skills (Skills.csv)')
    """
    keys = {header_key(c) for c in header[:1000]} - {""}
    for what, markers, exact in LINKEDIN_UNREAD + (LINKEDIN_UNREAD_IN_EXPORT if in_export else []):
        if markers <= keys and (not exact or keys == markers):
            return what
    return None


#: How many lines may precede the header (preambles are 3 lines; Excel may add a few).
HEADER_SEARCH_ROWS = 50

_DELIMITERS = (",", ";", "\t")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def header_key(cell: object) -> str:
    """A header cell as a lookup key: lowercase letters and digits only, so re-saved headers
    such as ``FirstName``, ``first_name`` or ``"Connected On "`` match ``First Name``.

    >>> header_key(" Connected On"), header_key("FirstName"), header_key("\ufeffE-mail_Address")
    ('connectedon', 'firstname', 'emailaddress')
    """
    return re.sub(r"[^0-9a-z]", "", str(cell or "").lower())


def register_kind(kind: str, *marker_sets: set[str]) -> None:
    """Teach detection a kind: each marker set is header cells (any spelling) that identify it."""
    rules = KIND_MARKERS.setdefault(kind, [])
    for markers in marker_sets:
        rules.append(frozenset(header_key(m) for m in markers))


@dataclass
class Table:
    """A delimited text file, decoded, with its header row found.

    ``rows`` are the data rows after the header; ``lines`` the 1-based line number
    of each row in the original file. ``frame``, when set, holds the same rows as text
    columns ``0..n-1`` (read in one vectorised ``pandas.read_csv``; ``rows`` is then a view
    of it built on demand) and ``short_rows`` the rows that had fewer cells than it is wide
    (position -> cell count).
    """

    name: str
    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    rows: Sequence[list[str]]
    lines: Sequence[int]
    frame: pd.DataFrame | None = None
    short_rows: dict[int, int] = field(default_factory=dict)

    def column_index(self) -> dict[str, int]:
        """Header key (``header_key``) -> column position (the first one when names repeat)."""
        index: dict[str, int] = {}
        for i, cell in enumerate(self.header):
            index.setdefault(header_key(cell), i)
        return index


def decode(name: str, data: bytes) -> tuple[str, str]:
    """Decode bytes; returns ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16 (with BOM, or the NUL pattern of plain
    UTF-16) are recognised; anything else is read as Windows-1252, or as Mac Roman when its
    words read far more plausibly so (``mac_roman_evidence``). Binary data raises ``RejectedFile``.

    >>> decode("a.csv", "a;b".encode("utf-16"))
    ('a;b', 'utf-16')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).replace("\x00", ""), encoding
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
                return data.decode(encoding).replace("\x00", ""), encoding
            except UnicodeDecodeError:
                pass
        if nuls > max(8, len(head) // 100):
            raise RejectedFile(f"{name} looks like a binary file, not a CSV; export the data as CSV and upload that.")
    if _looks_binary(head.replace(b"\x00", b"")):
        raise RejectedFile(f"{name} looks like a binary file, not a CSV; export the data as CSV and upload that.")
    # Stray NUL bytes anywhere (not only in the sniffed head): no store keeps them (PostgreSQL refuses).
    data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if mac_roman_evidence(data) >= _MAC_ROMAN_MARGIN:
        return data.decode("mac_roman"), "mac_roman"
    return data.decode("cp1252", errors="replace"), "cp1252"


#: How much more plausible the Mac Roman reading must be (``mac_roman_evidence``) to win over
#: Windows-1252, the default: one word such as ``CafŽ`` against ``Café`` gives 2.
_MAC_ROMAN_MARGIN = 2
#: Words with a byte over 127 that are scored; enough to decide, and a 200 MB file costs no more.
_EVIDENCE_WORDS = 2000
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_WORD_BYTE = re.compile(rb"[A-Za-z\x80-\xff]")
#: Typographic characters that text holds (dashes, ellipsis, euro, trademark...); none of them
#: sits between two letters. Quotes and apostrophes are judged by where they stand.
_TYPOGRAPHIC = frozenset("…€™®©°«»•·\xa0–—")
_OPENING = frozenset("‘“„‚")
_CLOSING = frozenset("”")
#: What follows an apostrophe inside a word in English (``Acme’s``, ``don’t``, ``we’ll``).
_AFTER_APOSTROPHE = frozenset({"s", "t", "d", "m", "ll", "re", "ve"})
#: Letters to Unicode that no name or company holds: what a misread byte turns into.
_ODD_LETTERS = frozenset("ƒıﬁﬂªºµˆ˜")
#: Letters Windows-1252 has at 0x80-0x9F, rare in its languages (ž, œ...): in a Mac Roman file
#: the same bytes are ú, ö, û, ä, å, é, ü, common in names, so a word holding them proves little.
_RARE_LETTERS = frozenset("ŠšŒœŽžŸ")


def mac_roman_evidence(data: bytes) -> int:
    """How much more plausible ``data`` reads as Mac Roman than as Windows-1252 (negative: less).

    Excel for Mac's "CSV (Macintosh)" writes Mac Roman, where bytes 0x80-0x9F are the accented
    letters of names (é 0x8E, ü 0x9F, ç 0x8D); Windows-1252 keeps them for punctuation (’ “ ” –
    €) and has its accented letters at 0xC0-0xFF, which Mac Roman spends on symbols and capitals.
    So each word holding such a byte is read both ways and scored: a word of letters cased like
    a word (``Café``, ``MÜLLER``) is plausible, a capital inside a word (``CafŽ``, ``MŸller``), a
    symbol inside a word (``M¸ller``) or a byte Windows-1252 does not define is not.

    >>> mac_roman_evidence("Café Müller, O’Brien".encode("mac_roman")) >= _MAC_ROMAN_MARGIN
    True
    >>> mac_roman_evidence("Café Müller, O’Brien “Best” 5 €".encode("cp1252")) < 0
    True
    """
    score = 0
    scored = 0
    end = 0
    for n, run in enumerate(_HIGH_RUN.finditer(data)):
        if run.start() < end:
            continue  # inside the word scored last
        if n > 10 * _EVIDENCE_WORDS:
            break
        if _is_utf8(run.group()):
            continue  # UTF-8 inside a legacy file (Salesforce's ISO-8859-1 exports): no evidence either way
        start, end = run.start(), run.end()
        while start > 0 and start > run.start() - 40 and _WORD_BYTE.match(data, start - 1):
            start -= 1
        while end < len(data) and end < run.end() + 40 and _WORD_BYTE.match(data, end):
            end += 1
        word = data[max(start - 1, 0):end + 1]  # with the byte on each side (a space, a comma...)
        score += _plausibility(word.decode("mac_roman")) - _plausibility(word.decode("cp1252", errors="replace"))
        scored += 1
        if scored >= _EVIDENCE_WORDS:
            break
    return score


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _is_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or (unicodedata.category(ch) in ("Lu", "Ll") and ch not in _ODD_LETTERS)


def _plausibility(text: str) -> int:
    """How plausible the non-ASCII characters of a short text are (see ``mac_roman_evidence``)."""
    score = 0
    word: list[str] = []
    for i, ch in enumerate(text + " "):
        if _is_letter(ch):
            word.append(ch)
            continue
        if word:
            w = "".join(word)
            if not w.isascii():
                cased = w.islower() or w.isupper() or (w[0].isupper() and w[1:].islower())
                rare = _RARE_LETTERS.intersection(w.replace("œu", "").replace("Œu", "").replace("ŒU", ""))
                score += -1 if not cased else 0 if rare else 1  # French œ is before u: cœur, Œuvre
            word = []
        if ch.isascii() or i == len(text):
            continue
        before = i > 0 and _is_letter(text[i - 1])
        after = i + 1 < len(text) and _is_letter(text[i + 1])
        if ch == "\ufffd":  # a byte Windows-1252 does not define
            score -= 2
        elif ch == "’" and before and after:  # an apostrophe: O’Brien, l’usine, Acme’s
            head = re.search(r"[^\W\d_]+$", text[:i])
            tail = re.match(r"[^\W\d_]+", text[i + 1:])
            plain = (head and len(head.group()) == 1) or (tail and tail.group().lower() in _AFTER_APOSTROPHE)
            score += 1 if plain else -1
        elif ch == "’":
            score += 1
        elif ch in _OPENING:
            score += -1 if before else 1
        elif ch in _CLOSING:
            score += -1 if after else 1
        elif ch in _TYPOGRAPHIC:
            score += -1 if before and after else 1
        else:
            score -= 1
    return score


def _looks_binary(head: bytes) -> bool:
    """True when many bytes are control characters no text file holds."""
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return controls > max(4, len(head) // 50)


class TooManyRows(RejectedFile):
    """More data rows than ``config.MAX_ROWS``: reading stopped there."""


def _records(text: str, delimiter: str, limit: int | None = None,
             complete: bool = True) -> tuple[list[list[str]], list[int]]:
    """Every record of ``text`` with the 1-based line it starts on.

    With ``limit``, reading stops with ``TooManyRows`` once more than ``limit`` records
    are read (so a file over the row limit is never read whole). A quoted cell still
    open at the end of the text (a file cut short, or a quote never closed) raises
    ``RejectedFile`` naming the line it opens on: read leniently, it would swallow
    every row after it without a word. ``complete=False`` is for a head cut from a
    longer text, where a cell may be cut open.
    """
    source = _LineSource(text)
    reader = csv.reader(source, delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    last_line = 0
    next_start = 0  # where the next record starts in ``text``
    record_start = 0
    try:
        for record in reader:
            record_start = next_start
            lines.append(last_line + 1)
            rows.append(record)
            if limit is not None and len(rows) > limit:
                raise TooManyRows(f"more than {limit:,} rows")
            last_line = reader.line_num
            next_start = source.offset
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise RejectedFile(f"line {last_line + 1}: a cell is longer than {csv.field_size_limit():,} characters, "
                               "which no export holds; check that this is the file you meant, or export it "
                               "again as CSV.") from None
        raise RejectedFile(f"line {last_line + 1}: cannot be read as CSV ({exc}); "
                           "export it again as CSV.") from None
    if complete and rows and '"' in text[record_start:]:
        _check_closed(text[record_start:], delimiter, lines[-1])
    return rows, lines


class _LineSource:
    """The lines of a text (as ``csv`` splits them), counting the characters handed out."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.offset = 0

    def __iter__(self) -> _LineSource:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line)
        return line


def _check_closed(tail: str, delimiter: str, line: int) -> None:
    """Raise when the last record of a text ends inside a quoted cell."""
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise RejectedFile(f"line {line}: a quoted cell opens there and is never closed (a missing quote, or "
                               "the file was cut short), so the rows after it cannot be told apart; "
                               "export the file again, or fix the quote on that line.") from None


def unwrap_quoted_rows(rows: list[list[str]], delimiter: str, width: int) -> list[list[str]]:
    """Split rows that a spreadsheet re-save wrapped whole in quotes (one cell holding the
    line, e.g. ``"Ann,Lee,,""Acme, Inc."",CTO,07 May 2021"``) back into their cells; and
    one-cell rows separated by another delimiter than the file's (a ``;`` line pasted into a
    ``,`` file) when that gives exactly the header's width.

    Only one-cell rows of a table at least three columns wide are touched, and only when
    the cell splits into more than one field.

    >>> unwrap_quoted_rows([['Ann,Lee, "Acme, Inc.",01 Jan 2024'], ['x']], ",", 4)
    [['Ann', 'Lee', 'Acme, Inc.', '01 Jan 2024'], ['x']]
    >>> unwrap_quoted_rows([['Ann;Lee;Acme;01 Jan 2024'], ['Ann;Lee']], ",", 4)
    [['Ann', 'Lee', 'Acme', '01 Jan 2024'], ['Ann;Lee']]
    """
    if width < 3:
        return rows
    out = []
    for row in rows:
        if len(row) == 1 and delimiter and delimiter in row[0]:
            inner = _split_line(row[0], delimiter)
            if len(inner) > 1:
                row = inner
        elif len(row) == 1:
            for other in _DELIMITERS:
                if other != delimiter and other in row[0]:
                    inner = _split_line(row[0], other)
                    if len(inner) == width:
                        row = inner
                        break
        out.append(row)
    return out


def _split_line(line: str, delimiter: str) -> list[str]:
    """One line's cells under ``delimiter`` ([] when it is not one CSV record)."""
    try:
        inner = list(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except csv.Error:
        return []
    return inner[0] if len(inner) == 1 else []


def _header_kind(row: list[str]) -> tuple[str | None, int]:
    """The kind a header row matches and the size of the matching marker set (0: none)."""
    cells = {header_key(c) for c in row[:1000]}  # a 100,000-column line is not scanned whole
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
            head_rows, _ = _records(head_text, delimiter, complete=False)
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


def too_many_rows(name: str) -> RejectedFile:
    """The rejection of a file over ``config.MAX_ROWS`` data rows."""
    return RejectedFile(f"{name} has more than {config.MAX_ROWS:,} rows, the limit; split it into smaller files "
                        "or raise RELMAP_MAX_ROWS.")


def read_records(name: str, text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Every record of a whole file (``_records``), its errors naming the file; reading stops a
    little past ``config.MAX_ROWS`` (header rows may precede the data) with ``too_many_rows``."""
    try:
        return _records(text, delimiter, limit=config.MAX_ROWS + HEADER_SEARCH_ROWS + 1)
    except TooManyRows:
        raise too_many_rows(name) from None
    except RejectedFile as exc:
        raise RejectedFile(f"{name}, {exc}") from None


class BrokenTable(RejectedFile):
    """A file whose header names a kind relmap reads, but whose rows cannot be read whole
    (a quote never closed, a giant cell, too many rows): rejected, never skipped."""


def _table(name: str, text: str, encoding: str, delimiter: str, known: bool) -> Table:
    if known:
        fast = _fast_table(name, text, encoding, delimiter)
        if fast is not None:
            return fast
    try:
        rows, lines = read_records(name, text, delimiter)
    except RejectedFile as exc:
        if known:
            raise BrokenTable(str(exc)) from None
        raise
    idx = _find_header(rows) if known else _first_table_row(rows)
    if idx is None:
        raise RejectedFile(f"{name} has no header row in its first {HEADER_SEARCH_ROWS} lines; "
                           "upload the file as exported, with its header row.")
    header = [c.strip().lstrip("\ufeff") for c in rows[idx]]
    data = unwrap_quoted_rows(rows[idx + 1:], delimiter, len(header))
    return Table(name, encoding, delimiter, header, lines[idx], data, lines[idx + 1:])


def known_table(name: str, rows: list[list[str]], encoding: str) -> Table | None:
    """The rows of a workbook sheet as a ``Table`` when one of its first rows is the header of a
    known kind (a Connections.csv re-saved as .xlsx), else None. Line numbers are row numbers."""
    idx = _find_header(rows)
    if idx is None:
        return None
    header = [c.strip().lstrip("\ufeff") for c in rows[idx]]
    return Table(name, encoding, "", header, idx + 1, rows[idx + 1:], list(range(idx + 2, len(rows) + 2)))


class FrameRows(Sequence):
    """The rows of a ``Table.frame`` as lists of cells, on demand: a row the file gave fewer
    cells than the frame's width (``short``: position -> cell count) has just those cells."""

    def __init__(self, frame: pd.DataFrame, short: dict[int, int]):
        self.frame = frame
        self.short = short

    def __len__(self) -> int:
        return len(self.frame)

    def __iter__(self) -> Iterator[list[str]]:
        rows = self.frame.to_numpy(dtype=object, na_value="").tolist()
        for k, n in self.short.items():
            rows[k] = rows[k][:n]
        return iter(rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        k = range(len(self))[index]
        row = self.frame.iloc[k].to_numpy(dtype=object, na_value="").tolist()
        return row[:self.short[k]] if k in self.short else row


def _fast_table(name: str, text: str, encoding: str, delimiter: str) -> Table | None:
    """The table of a known kind read with one ``pandas.read_csv`` after the header (found by
    content with the csv module, as ``_table`` does), or None when the file has something
    that reader might see differently from the csv module, or that ``_table`` rejects or
    repairs (then ``_table`` reads it row by row): a NUL, a record over several lines (a
    quoted line break, a quote never closed), a row wider than the first, a first row far
    wider than the header, a one-cell row holding a delimiter (a wrapped row to unwrap), a
    line longer than the csv module's cell limit, more lines than ``config.MAX_ROWS``.
    """
    if "\x00" in text:
        return None
    # Records of the head, with the character offset where each physical line ends.
    ends: list[int] = []

    def head_lines() -> Iterator[str]:
        offset = 0
        for line in io.StringIO(text, newline=""):
            offset += len(line)
            ends.append(offset)
            yield line

    reader = csv.reader(head_lines(), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append(record)
            if _header_kind(record)[0] is not None or len(rows) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        return None
    idx = _find_header(rows)
    if idx is None or idx != len(rows) - 1:
        return None
    header_end_line = reader.line_num  # physical lines up to the end of the header record
    if header_end_line != len(rows):  # a quoted line break in the preamble or header
        return None
    body = text[ends[-1]:] if ends else ""
    header = [c.strip().lstrip("\ufeff") for c in rows[idx]]
    crlf = body.count("\r\n")
    physical = crlf + (body.count("\r") - crlf) + (body.count("\n") - crlf)
    if body and not body.endswith(("\n", "\r")):
        physical += 1
    if physical > config.MAX_ROWS or _longest_line(body) > csv.field_size_limit():
        return None
    first_line = next(io.StringIO(body, newline=""), "")
    if first_line.count(delimiter) > 2 * len(header) + 10:  # pandas would make a column of each
        return None
    if body:
        try:
            # Bytes, not text: pandas reads UTF-8 bytes several times faster than a StringIO.
            frame = pd.read_csv(io.BytesIO(body.encode("utf-8")), encoding="utf-8", sep=delimiter, header=None,
                                dtype=object, na_filter=False, skip_blank_lines=False, quotechar='"',
                                doublequote=True, engine="c", index_col=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError):
            return None
    else:
        frame = pd.DataFrame(columns=range(len(header)), dtype=object)
    frame.columns = range(frame.shape[1])
    # With skip_blank_lines=False pandas makes one row per line, so equal counts mean no
    # record spans lines (a quoted line break would join two). tests/test_import_speed.py
    # checks this reading against the csv module's on random texts.
    if len(frame) != physical:
        return None
    short = _short_rows(frame, body, delimiter)
    if short is None:
        return None
    first = header_end_line + 1
    return Table(name, encoding, delimiter, header, idx + 1, FrameRows(frame, short),
                 range(first, first + len(frame)), frame=frame, short_rows=short)


def _longest_line(text: str) -> int:
    """Characters in the longest line of ``text`` (CR, LF or CRLF ends)."""
    longest = max(map(len, text.split("\n")), default=0)
    if longest > csv.field_size_limit() and "\r" in text:
        longest = max(len(part) for line in text.split("\n") for part in line.split("\r"))
    return longest


def _short_rows(frame: pd.DataFrame, body: str, delimiter: str) -> dict[int, int] | None:
    """Position -> cell count of the rows with fewer cells than the frame is wide (pandas pads
    them with ""), or None when one of them is a one-cell row holding a delimiter (a wrapped
    row, or one separated by another delimiter: ``unwrap_quoted_rows`` repairs those)."""
    if not frame.shape[1]:
        return {}
    if frame.shape[1] == 1 and any(d in "".join(frame[0].to_numpy(dtype=object).tolist()) for d in _DELIMITERS):
        return None  # one-cell rows only, some holding a delimiter
    last = frame[frame.shape[1] - 1].to_numpy(dtype=object)
    candidates = [k for k, cell in enumerate(last.tolist()) if cell == ""]
    if not candidates:
        return {}
    lines = io.StringIO(body, newline="").readlines()  # one per row: no record spans lines
    short: dict[int, int] = {}
    try:
        for k in candidates:
            cells = next(csv.reader([lines[k]], delimiter=delimiter), [])
            if len(cells) < frame.shape[1]:
                short[k] = len(cells)
                if len(cells) == 1 and any(d in cells[0] for d in _DELIMITERS):
                    return None
    except csv.Error:
        return None
    return short


def detect_kind(table: Table) -> str | None:
    """The file kind from its header (``"linkedin_connections"``...), or None when unknown."""
    return _header_kind(table.header)[0]
