"""LinkedIn export parsers: Connections.csv of every vintage and the other files of the archive.

Each ``parse_<kind>(path, table, content_hash)`` returns a ``ParsedFile`` whose frame has
exactly ``PARSED_COLUMNS[kind]``. Columns are found by header name, work is vectorised
over the column (one pass per column, not per row), and message bodies/subjects are
never read into the frame.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

import pandas as pd

from relmap import identity
from relmap.ingest.months import named_date
from relmap.ingest.sniff import Table, header_key
from relmap.model import PARSED_COLUMNS, ParsedFile, Problem

# Every date spelling seen in LinkedIn files and their Excel re-saves (English month names).
_DATE_FORMATS = (
    "%d %b %Y", "%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%d-%b-%y", "%d-%b-%Y", "%m/%d/%Y",
    "%Y-%m-%d", "%m/%d/%y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%Y/%m/%d", "%d.%m.%Y", "%b %Y", "%B %Y", "%Y",
)
# Formats that only Excel writes back (a re-saved file). LinkedIn writes English month names
# whatever the member's language: a month name in another language is a spreadsheet's re-save.
_EXCEL_FORMATS = {"%d/%m/%Y", "%d-%b-%y", "%d-%b-%Y", "%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%d.%m.%Y", "%Y/%m/%d",
                  "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", _EXCEL_SERIAL := "excel serial",
                  _NAMED_MONTH := "month name (any language)"}
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
_PLACEHOLDERS = sorted(identity.PLACEHOLDERS)
_PLACEHOLDER_SET = frozenset(_PLACEHOLDERS)


@lru_cache(maxsize=65536)
def _parse_date_fmt(text: str) -> tuple[date | None, str | None]:
    cleaned = _clean_date_text(text)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date(), fmt
        except ValueError:
            continue
    if _SERIAL.fullmatch(cleaned) and 36000 < float(cleaned) < 80000:  # Excel's day number (1998-2118)
        return date(1899, 12, 30) + timedelta(days=int(float(cleaned))), _EXCEL_SERIAL
    # The slow path, only for a text no format above reads: a month name in another language
    # (``01-Dez-21``, ``1 janv. 2022``) as a spreadsheet in that locale re-saves it.
    named = named_date(cleaned)
    return (named, _NAMED_MONTH) if named is not None else (None, None)


def parse_date(text: str | None) -> date | None:
    """Parse a LinkedIn date in any vintage's format; None when it is not one.

    >>> parse_date("12/22/16, 9:55 AM"), parse_date("01-Dec-21"), parse_date("2024-05-01 10:22:31 UTC")
    (datetime.date(2016, 12, 22), datetime.date(2021, 12, 1), datetime.date(2024, 5, 1))
    >>> parse_date("01-Dez-21"), parse_date("1 janv. 2022")
    (datetime.date(2021, 12, 1), datetime.date(2022, 1, 1))
    """
    text = identity.clean_text(text)
    if text is None:
        return None
    return _parse_date_fmt(text)[0]


# --- column helpers -------------------------------------------------------------------


def _frame(table: Table) -> tuple[pd.DataFrame, pd.Series]:
    """The non-blank data rows as a frame of strings (one column per header position) and
    their line numbers."""
    width = len(table.header)
    header = [header_key(c) for c in table.header]
    first = table.header[0].lower() if table.header else ""

    def repeated_header(row: list[str]) -> bool:
        # Cheap test first: only a row starting like the header is compared cell by cell.
        return bool(row) and row[0].strip().lstrip("\ufeff").lower() == first and \
            [header_key(c) for c in row[:width]] == header

    if table.frame is not None:
        return _frame_of(table.frame, table.lines, width, header)
    # Blank rows and the header again (two exports pasted together) are no data.
    keep = [i for i, row in enumerate(table.rows) if "".join(row).strip() and not repeated_header(row)]
    # Cells past the header are never read: cut them, so a 100,000-column line costs nothing.
    rows = [table.rows[i][:width] for i in keep]
    if any(len(r) != width for r in rows):
        rows = [r + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=range(width))
    for i in range(width):
        if i not in frame.columns:
            frame[i] = None
    lines = pd.Series([table.lines[i] for i in keep], index=frame.index, dtype="int64")
    return frame, lines


def _frame_of(frame: pd.DataFrame, lines, width: int, header: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """``_frame`` for a table read by ``pandas.read_csv``: the same rows and lines (blank rows
    and repeated header rows left out).

    A row is blank when every cell is empty or whitespace (``"".join(row).strip()`` is empty);
    most rows are told apart by their first cell, so the rest are checked column by column.
    A repeated header starts with the header's first cell (header keys compared once per
    distinct first cell).
    """
    undecided = list(range(len(frame)))
    for col in frame.columns:
        if not undecided:
            break
        values = frame[col].to_numpy(dtype=object)
        undecided = [i for i in undecided if not (values[i].__class__ is str and values[i].strip())]
    drop = set(undecided)
    if len(frame) and frame.shape[1] >= width and header:
        first = _each_distinct(frame[0], header_key).to_numpy(dtype=object)
        cells = frame.to_numpy(dtype=object)
        drop |= {i for i in range(len(frame)) if first[i] == header[0]
                 and [header_key(c) for c in cells[i, :width]] == header}
    if drop:
        blank = drop
        keep = [i for i in range(len(frame)) if i not in blank]
        frame = frame.iloc[keep].reset_index(drop=True)
        line_numbers = pd.Series([lines[i] for i in keep], index=frame.index, dtype="int64")
    else:
        line_numbers = pd.Series(lines, index=frame.index, dtype="int64")
    frame = frame.copy() if frame.shape[1] < width else frame
    for i in range(width):
        if i not in frame.columns:
            frame[i] = None
    return frame, line_numbers


def _cut_rows(table: Table, last_needed: str) -> dict[int, int]:
    """Line -> cell count of the non-blank rows too short to reach the column ``last_needed``
    (a row cut short, or separated by another delimiter than the file's)."""
    i = table.column_index().get(header_key(last_needed))
    if i is None:
        return {}
    if table.frame is not None:  # read by pandas: rows have its width unless listed short
        rows, width = table.rows, table.frame.shape[1]
        counts = table.short_rows.items() if width > i else \
            ((k, table.short_rows.get(k, width)) for k in range(len(rows)))
        return {table.lines[k]: n for k, n in counts if n <= i and "".join(rows[k]).strip()}
    return {line: len(row) for row, line in zip(table.rows, table.lines)
            if len(row) <= i and "".join(row).strip()}


def _column(frame: pd.DataFrame, table: Table, *names: str) -> pd.Series:
    """Cleaned text of the first column called one of ``names`` (any spelling; NaN where empty)."""
    index = table.column_index()
    for name in names:
        i = index.get(header_key(name))
        if i is not None:
            return _clean(frame[i])
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _clean(series: pd.Series) -> pd.Series:
    """``identity.clean_text`` over a column: stripped text, NaN for empty and placeholder cells
    (object dtype). Columns with many repeats are cleaned once per distinct value."""
    values = series.to_numpy(dtype=object, na_value=None)
    distinct = pd.unique(values)
    if len(distinct) * 2 < len(values):
        cleaned = dict(zip(distinct, _clean_values(distinct)))
        out = [cleaned[v] for v in values]
    else:
        out = _clean_values(values)
    return pd.Series(out, index=series.index, dtype=object)


def _clean_values(values) -> list:
    out = []
    append = out.append
    nan = float("nan")
    placeholders = _PLACEHOLDER_SET
    for value in values:
        if value.__class__ is str:
            text = (value.replace("\x00", "") if "\x00" in value else value).strip()
            if text and (len(text) > 4 or text.lower() not in placeholders):
                append(text)
                continue
        elif value is not None and value == value:  # not text: the old astype("str") spelling
            append(_clean_values([str(value)])[0])
            continue
        append(nan)
    return out


def _each_distinct(series: pd.Series, fn) -> pd.Series:
    """``fn`` of each text cell, computed once per distinct text (NaN where the cell is empty)."""
    done: dict[str, object] = {}
    out = []
    for value in series.to_numpy(dtype=object):
        if value.__class__ is str:
            result = done.get(value, done)
            if result is done:
                result = done[value] = fn(value)
            out.append(result)
        else:
            out.append(float("nan"))
    return pd.Series(out, index=series.index, dtype=object)


def _none(series: pd.Series) -> pd.Series:
    """The column as Python objects with None (not NaN) where empty."""
    return series.astype(object).where(series.notna(), None)


_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?:[ ,]+\d{1,2}:\d{2}.*)?$")


def _numeric_date(text: str, dayfirst: bool) -> tuple[date | None, str | None]:
    """A numeric date read day first (``25/11/2021``, ``9-12-2024``), as European spreadsheets
    write them, or month first (``11-25-2021``). LinkedIn's own ``12/22/16, 9:55 AM`` is always
    month first: only US settings write a 12-hour clock."""
    cleaned = " ".join(text.split())
    m = _NUMERIC.match(cleaned)
    if not m or _CLOCK_12H.search(cleaned):
        return _parse_date_fmt(text)
    year = int(m.group(4))
    year = year if year >= 100 else 2000 + year if year < 70 else 1900 + year
    first, second = int(m.group(1)), int(m.group(3))
    day, month = (first, second) if dayfirst else (second, first)
    try:
        return date(year, month, day), "%d/%m/%Y" if dayfirst else "%m/%d/%Y"
    except ValueError:
        return None, None


_CLOCK_12H = re.compile(r"\d:\d\d(:\d\d)?\s*[AP]\.?M\.?$", re.IGNORECASE)


def _dates(series: pd.Series, dayfirst: bool | None = None) -> tuple[pd.Series, pd.Series, set[str]]:
    """Parse a text column of dates: (dates or None, True where text was unreadable, formats used).

    Numeric dates are month first (LinkedIn's and US Excel's ``12/22/16``) unless one value of the
    column can only be day first (``25/11/2021``), or none decides and ``dayfirst`` says so (a
    ``;``-separated re-save: European Excel) or every one is written with ``-`` or ``.`` (as
    Dutch and German Excel write ``9-12-2024``, ``09.12.2024``; US settings write ``/``): then the
    whole column is read day first. LinkedIn's ``12/22/16, 9:55 AM`` stays month first.
    """
    values = series.dropna().unique().tolist()
    numeric = _numeric_matches(values)
    dayfirst, _ = _date_order(numeric, dayfirst)
    if numeric and dayfirst:
        parsed = {v: _numeric_date(v, True) for v in values}
    else:
        parsed = _parse_dates(values)
        # Month-first dates written with "-" (12-25-2021): no strptime format of the list reads them.
        parsed.update({v: _numeric_date(v, False) for v, (d, _) in parsed.items() if d is None})
    by_text = {v: d for v, (d, _) in parsed.items()}
    dates = pd.Series([by_text.get(v) for v in series.tolist()], index=series.index, dtype=object)
    bad = series.notna() & dates.isna()
    formats = {fmt for _, fmt in parsed.values() if fmt}
    return dates, bad, formats


def headerless_connections(row: list[str]) -> bool:
    """Whether a file's first row is already a connection: a Connections export whose header
    (and preamble) someone deleted. Six or seven cells (with or without ``URL``), names in the
    first two, and the last one a ``Connected On`` date (``11 Jun 2021``, ``1/8/18, 6:14 PM``).

    >>> headerless_connections(["Ana", "Silva", "", "Fakeco", "Engineer", "11 Jun 2021"])
    True
    >>> headerless_connections(["First Name", "Last Name", "Email Address", "Company", "Position", "Connected On"])
    False
    """
    cells = [c.strip() for c in row]
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) not in (6, 7) or not (cells[0] or cells[1]):
        return False
    if len(cells) == 7 and cells[2] and "linkedin.com" not in cells[2].lower():
        return False
    return _parse_date_fmt(cells[-1])[0] is not None


def _numeric_matches(values: list) -> list[re.Match]:
    """The numeric dates among ``values`` (``25/11/2021``, ``9-12-2024``), not LinkedIn's own
    ``12/22/16, 9:55 AM`` (a 12-hour clock: US settings, month first)."""
    return [m for v in values if (m := _NUMERIC.match(text := " ".join(str(v).split())))
            and not _CLOCK_12H.search(text)]


def _date_order(numeric: list[re.Match], dayfirst: bool | None) -> tuple[bool | None, str]:
    """Whether a column's numeric dates are day first, and why: ``"proved"`` (a value reads only
    one way, ``25/11/2021`` or ``11/25/2021``), ``"separator"`` (every one written with ``-`` or
    ``.``), ``"semicolon"`` (``dayfirst`` given: a ``;``-separated re-save) or ``"default"``
    (month first, as US settings write them)."""
    if any(int(m.group(1)) > 12 for m in numeric) and not any(int(m.group(3)) > 12 for m in numeric):
        return True, "proved"
    if any(int(m.group(3)) > 12 for m in numeric):
        return False, "proved"
    if numeric and all(m.group(2) in ".-" for m in numeric):
        return True, "separator"
    return dayfirst, "semicolon" if dayfirst else "default"


def _date_order_note(series: pd.Series, lines: pd.Series, column: str, dayfirst: bool | None) -> Problem | None:
    """A note for the import summary when a column's numeric dates were read month first by default:
    no date of the file proves the order (every one reads both ways, like ``03/04/2021``), nothing
    of the file's locale tells it (``;``, dates with ``-`` or ``.``: day first), and the order
    changes at least one date. None otherwise. It names the first such row; every row is kept.
    (Excel's UTF-16 "Unicode text" is tab-separated in every locale, so it lands here.)

    >>> s = pd.Series(["03/04/2021", "05/05/2021"])
    >>> _date_order_note(s, pd.Series([5, 6]), "Connected On", None).message[:80]
    "Connected On: no date in this file shows whether '03/04/2021' is day or month fi"
    >>> _date_order_note(pd.Series(["03/04/2021", "13/04/2021"]), pd.Series([5, 6]), "Connected On", None) is None
    True
    """
    texts = series.dropna()
    numeric = _numeric_matches(texts.unique().tolist())
    if not numeric:
        return None
    dayfirst, why = _date_order(numeric, dayfirst)
    if why != "default":  # a date proves the order, or the file's locale tells it
        return None
    two_ways = {m.string for m in numeric if int(m.group(1)) != int(m.group(3))}
    first = next((i for i, text in texts.items() if " ".join(str(text).split()) in two_ways), None)
    if first is None:
        return None
    example = " ".join(str(texts[first]).split())
    read, _ = _numeric_date(example, False)
    return Problem(int(lines[first]), (
        f"{column}: no date in this file shows whether {example!r} is day or month first (every one reads both "
        f"ways, and the file's separator does not tell), so all were read month first ({example} = "
        f"{read:%d %B %Y}), as US settings write them; rows kept. If they are day first, format the column as "
        "yyyy-mm-dd in the spreadsheet, save and import the file again."))


def _european(table: Table) -> bool:
    """A file separated by ``;``: saved by a European Excel, whose numeric dates are day first."""
    return table.delimiter == ";"


def _parse_dates(values: list[str]) -> dict[str, tuple[date | None, str | None]]:
    """``{text: _parse_date_fmt(text)}`` for many texts, the formats tried in order with one
    vectorised ``pandas.to_datetime`` each (pandas' strptime uses the same patterns as Python's).

    A text pandas reads with a later format while an earlier format's pattern matches it, or
    one pandas cannot read at all, is parsed one by one by ``_parse_date_fmt``, so the answer
    (date and format) is always the one-by-one answer.
    """
    out: dict[str, tuple[date | None, str | None]] = {}
    left = []
    for text in values:
        found = _common_date(text)
        if found is None:
            left.append(text)
        else:
            out[text] = found
    if len(left) < 64:  # not worth a vectorised pass
        out.update((v, _parse_date_fmt(v)) for v in left)
        return out
    values = left
    cleaned = pd.Series([_clean_date_text(v) for v in values], index=values, dtype=object)
    # pandas reads "now" and "today" as dates; Python's strptime does not.
    special = cleaned.str.lower().isin(["now", "today"])
    rest = cleaned[~special]
    for position, fmt in enumerate(_DATE_FORMATS):
        if rest.empty:
            break
        stamps = pd.to_datetime(rest, format=fmt, errors="coerce")
        hit = stamps.notna()
        if not hit.any():
            continue
        # Year 0 is a numpy date but no Python one: left to the one-by-one parse.
        good = hit & (stamps.dt.year >= 1)
        texts, days = rest.index[good], stamps[good].dt.date
        for text, clean, day in zip(texts, rest[good], days):
            if position and any(p.match(clean) for p in _date_patterns()[:position]):
                continue  # an earlier format's pattern matches: decided one by one below
            out[text] = (day, fmt)
        rest = rest[~hit]
    for text in values:
        if text not in out:
            out[text] = _parse_date_fmt(text)
    return out


_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                         "Dec"), start=1)}
# Strict spellings of the two LinkedIn formats tried first (``09 Dec 2024`` and ``12/22/16, 9:55 AM``):
# every text they match is read by strptime with that format, to the same day.
_EXPORT_DATE = re.compile(r"(0[1-9]|[12][0-9]|3[01]) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4})")
_US_STAMP = re.compile(r"(1[0-2]|0[1-9]|[1-9])/(3[01]|[12][0-9]|0[1-9]|[1-9])/([0-9]{2}), "
                       r"(?:1[0-2]|0[1-9]|[1-9]):[0-5][0-9] (?:AM|PM)")


def _common_date(text: str) -> tuple[date, str] | None:
    """``_parse_date_fmt(text)`` for the two common LinkedIn spellings, without strptime's
    per-call cost; None for anything else (then strptime decides)."""
    if match := _EXPORT_DATE.fullmatch(text):
        day, month, year = match.groups()
        fmt = _DATE_FORMATS[0]
        month = _MONTHS[month]
    elif match := _US_STAMP.fullmatch(text):
        month, day, year = match.groups()
        fmt = _DATE_FORMATS[1]
        year = int(year)
        year += 2000 if year <= 68 else 1900  # strptime's %y rule
    else:
        return None
    try:
        return date(int(year), int(month), int(day)), fmt
    except ValueError:  # 31 Feb, year 0: strptime rejects it too, and may try other formats
        return None


def _clean_date_text(text: str) -> str:
    """A date cell as ``_parse_date_fmt`` reads it: single spaces, no trailing `` UTC``, no
    fraction of a second or zone after a time."""
    cleaned = " ".join(text.replace("\u202f", " ").split())
    if cleaned.endswith(" UTC"):
        cleaned = cleaned[:-4]
    # ISO time stamps with fractions or a zone ("2024-05-01T10:22:31.000Z", "+00:00").
    return _TIME_TAIL.sub("", cleaned)


_TIME_TAIL = re.compile(r"(?<=\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$")


@lru_cache(maxsize=1)
def _date_patterns() -> list:
    """The compiled patterns ``datetime.strptime`` uses for ``_DATE_FORMATS``, in order (each
    followed by end of text, as strptime requires)."""
    from _strptime import TimeRE

    time_re = TimeRE()
    return [re.compile(time_re.pattern(fmt) + r"\Z", re.IGNORECASE) for fmt in _DATE_FORMATS]


def _urls(series: pd.Series) -> pd.Series:
    """Normalised profile URLs."""
    return identity.normalise_profile_urls(series)


def _date_problem(line: int, column: str, text: str, example: str) -> Problem:
    return Problem(line, f"unreadable date {text!r} in {column}; row skipped. "
                         f"Fix the date (like {example}) and import the file again.")


def _result(path: str, kind: str, layout: str, records: pd.DataFrame, content_hash: str, rows_read: int,
            hidden: int = 0, problems: list[Problem] | None = None, owner_hint: str | None = None) -> ParsedFile:
    frame = records.reset_index(drop=True)[PARSED_COLUMNS[kind]]
    frame = frame.astype(object).where(frame.notna(), None)
    problems = sorted(problems or [], key=lambda p: p.line)
    return ParsedFile(path=path, kind=kind, layout=layout, frame=frame, content_hash=content_hash,
                      rows_read=rows_read, hidden_rows=hidden, problems=problems, owner_hint=owner_hint)


# --- Connections.csv --------------------------------------------------------------------


def _connections_layout(table: Table, index: dict[str, int], formats: set[str]) -> str:
    """Name the vintage from the header, the preamble and the date spelling."""
    if "connectedon" not in index:
        # LinkedIn's "Export to Outlook CSV" (or Yahoo! Mail CSV): no connection dates
        base = "2010-2016 yahoo" if "yahoophone" in index else "2010-2016 outlook"
    elif "currentcompany" in index or "currentposition" in index or "websites" in index or "instantmessengers" in index:
        base = "2016-2017"  # some 2016-2017 files say Company/Position, but keep Websites and Instant Messengers
    elif "url" in index:
        base = "2023+"
    elif formats & {"%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p"}:
        base = "2018"
    elif table.header_line > 1:
        base = "2020-2023"
    else:
        base = "2018-2020"
    resaved = table.delimiter != "," or table.encoding in ("cp1252", "mac_roman", "utf-16", "utf-16-le", "utf-16-be", "xlsx") \
        or bool(formats & _EXCEL_FORMATS)
    return f"{base} excel-resave" if resaved else base


def parse_connections(path: str, table: Table, content_hash: str, mapping: dict | None = None) -> ParsedFile:
    """Rows of a Connections export (any vintage); hidden rows (only a date) are counted, not kept.

    Rows with no name (but other data) and rows with an unreadable date are skipped and
    listed as problems with their line numbers.
    """
    raw, lines = _frame(table)
    rows_read = len(raw)
    cut = _cut_rows(table, "connected on")
    f = pd.DataFrame({
        "line": lines,
        # "first", "last" and "title" (the job title): the 2010-2016 export for Yahoo! Mail.
        "first_name": _column(raw, table, "first name", "first"),
        "last_name": _column(raw, table, "last name", "last"),
        "url_text": _column(raw, table, "url", "profile url", "public profile url"),
        "email": _column(raw, table, "email address", "email"),
        "company": _column(raw, table, "company", "current company"),
        "position": _column(raw, table, "position", "current position", "job title",
                            *(("title",) if "yahoophone" in table.column_index() else ())),
        "date_text": _column(raw, table, "connected on"),
    })
    f["connected_on"], bad_date, formats = _dates(f["date_text"], _european(table))
    no_name = f["first_name"].isna() & f["last_name"].isna()
    # Whether a nameless row holds other data (checked on those rows only: they are few).
    other = pd.Series(False, index=f.index)
    if no_name.any():
        other[no_name] = f.loc[no_name, ["url_text", "email", "company", "position"]].notna().any(axis=1)
    hidden = no_name & ~other
    problems = [Problem(int(line), "row has no name; skipped. Add the name or remove the row.")
                for line in f.loc[no_name & other, "line"]]
    short = f["line"].isin(cut) & ~no_name
    problems += [Problem(int(line), f"row has {cut[line]} cell(s) where the header has {len(table.header)}: it "
                                    "looks cut short or separated by another character; skipped. Fix the row and "
                                    "import the file again.") for line in f.loc[short, "line"]]
    date_bad = bad_date & ~no_name & ~short
    problems += [_date_problem(int(line), "Connected On", text, "09 Dec 2024")
                 for line, text in zip(f.loc[date_bad, "line"], f.loc[date_bad, "date_text"])]
    if (note := _date_order_note(f["date_text"], f["line"], "Connected On", _european(table))):
        problems.append(note)
    dropped = no_name | date_bad | short
    keep = f[~dropped] if dropped.any() else f
    keep = keep.assign(profile_url=_urls(keep["url_text"]), email=_each_distinct(keep["email"], identity.normalise_email))
    layout = _connections_layout(table, table.column_index(), formats)
    return _result(path, "linkedin_connections", layout, keep, content_hash, rows_read,
                   hidden=int(hidden.sum()), problems=problems)


# --- Invitations.csv ----------------------------------------------------------------------


def parse_invitations(path: str, table: Table, content_hash: str, mapping: dict | None = None) -> ParsedFile:
    """One row per invitation: the other person, ``incoming``/``outgoing``, the date (text never kept)."""
    raw, lines = _frame(table)
    direction = _column(raw, table, "direction").str.lower()
    incoming = direction.eq("incoming")
    f = pd.DataFrame({"line": lines, "direction": direction})
    f["counterpart_name"] = _column(raw, table, "from").where(incoming, _column(raw, table, "to"))
    url = _column(raw, table, "inviterprofileurl").where(incoming, _column(raw, table, "inviteeprofileurl"))
    f["counterpart_profile_url"] = _urls(url)
    f["date_text"] = _column(raw, table, "sent at")
    f["sent_on"], bad, formats = _dates(f["date_text"], _european(table))
    problems = [_date_problem(int(line), "Sent At", text, "11/3/24, 4:12 PM")
                for line, text in zip(f.loc[bad, "line"], f.loc[bad, "date_text"])]
    nameless = f["counterpart_name"].isna() & f["counterpart_profile_url"].isna() & ~bad
    problems += [Problem(int(line), "invitation names nobody; skipped.") for line in f.loc[nameless, "line"]]
    keep = f[~bad & ~nameless]
    layout = "2023+" if "inviterprofileurl" in table.column_index() else "2018-2023"
    return _result(path, "linkedin_invitations", layout, keep, content_hash, len(raw), problems=problems)


# --- messages.csv -------------------------------------------------------------------------


def _split_list(text: str | None) -> list[str]:
    return [p.strip() for p in text.split(",")] if text else []


def parse_messages(path: str, table: Table, content_hash: str, mapping: dict | None = None,
                   owner: str | None = None) -> ParsedFile:
    """Per counterpart of the exporting member: last message date and message count.

    The exporting member is the participant present in the most messages; when several are
    (one conversation of two people, both in every message), the one named ``owner`` (the
    rep, from ``--owner`` or the archive's Profile.csv), else the one in the most
    conversations, else the first in key order: never a coin toss. Only the
    FROM/TO names, profile URLs, DATE, FOLDER and IS MESSAGE DRAFT columns are read: SUBJECT
    and CONTENT never leave this function. Drafts and messages in the SPAM folder are no touch.
    """
    raw, lines = _frame(table)
    f = pd.DataFrame({
        "line": lines,
        "from": _none(_column(raw, table, "from")),
        "from_url": _urls(_column(raw, table, "sender profile url")),
        "to": _none(_column(raw, table, "to")),
        "to_urls": _none(_column(raw, table, "recipient profile urls")),
        "date_text": _column(raw, table, "date"),
    })
    f["touch"], bad, _ = _dates(f["date_text"], _european(table))
    problems = [_date_problem(int(line), "DATE", text, "2024-05-01 10:22:31 UTC")
                for line, text in zip(f.loc[bad, "line"], f.loc[bad, "date_text"])]
    # A draft never sent (2024+ "IS MESSAGE DRAFT") and a message LinkedIn filed as spam touch nobody.
    draft = _column(raw, table, "is message draft").str.lower().isin(["true", "yes", "1"])
    spam = _column(raw, table, "folder").str.upper().eq("SPAM")
    f = f[~bad & ~draft.to_numpy(dtype=bool) & ~spam.fillna(False).to_numpy(dtype=bool)]

    # Participants of each message as (key, name, url); the key is the URL, else the folded name.
    def key(name: str | None, url: str | None) -> str | None:
        return url or (identity.fold(name) if name else None)

    messages = []
    counts: dict[str, int] = {}
    conversations: dict[str, set] = {}
    spelled: dict[str, str] = {}  # key -> a name the participant is written with
    conversation_ids = _column(raw, table, "conversation id")[f.index]
    for line, name, url, to, to_urls, touch, conv in zip(f["line"], f["from"], f["from_url"], f["to"],
                                                          f["to_urls"], f["touch"], conversation_ids):
        sender = (key(name, url), name, url)
        names = _split_list(to)
        urls = [identity.normalise_profile_url(u) for u in _split_list(to_urls)]
        if len(urls) != len(names):
            recipients = [(key(n, None), n, None) for n in names] if names else \
                [(key(None, u), None, u) for u in urls]
        else:
            recipients = [(key(n, u), n, u) for n, u in zip(names, urls)]
        for k in {sender[0], *(r[0] for r in recipients)} - {None}:
            counts[k] = counts.get(k, 0) + 1
            conversations.setdefault(k, set()).add(conv if isinstance(conv, str) else line)
        for k, n, _ in (sender, *recipients):
            if k is not None and n:
                spelled.setdefault(k, n)
        messages.append((int(line), sender, recipients, touch))
    wanted = identity.fold(owner) if owner else None
    owner = min(counts, key=lambda k: (-counts[k], identity.fold(spelled[k]) != wanted if k in spelled else True,
                                       -len(conversations[k]), k)) if counts else None

    per: dict[str, dict] = {}
    for line, sender, recipients, touch in messages:
        others = recipients if sender[0] == owner else [sender]
        for k, name, url in others:
            if k is None or k == owner or (name and name.strip().lower() == "linkedin member" and not url):
                continue
            entry = per.setdefault(k, {"line": line, "counterpart_name": name, "counterpart_profile_url": url,
                                       "last_touch": None, "message_count": 0})
            entry["message_count"] += 1
            entry["counterpart_name"] = entry["counterpart_name"] or name
            if touch is not None and (entry["last_touch"] is None or touch > entry["last_touch"]):
                entry["last_touch"] = touch
    records = pd.DataFrame(list(per.values()), columns=PARSED_COLUMNS["linkedin_messages"])
    index = table.column_index()
    layout = "2023+" if "attachments" in index else "2018-2023" if "conversationid" in index else "2018"
    return _result(path, "linkedin_messages", layout, records, content_hash, len(raw), problems=problems)


# --- Positions.csv ------------------------------------------------------------------------


def parse_positions(path: str, table: Table, content_hash: str, mapping: dict | None = None) -> ParsedFile:
    """The exporting member's own jobs; an empty ``Finished On`` means the current job."""
    raw, lines = _frame(table)
    f = pd.DataFrame({"line": lines, "company": _column(raw, table, "company name"),
                      "title": _column(raw, table, "title")})
    started_text = _none(_column(raw, table, "started on"))
    finished_text = _none(_column(raw, table, "finished on"))
    f["started_on"], bad_start, _ = _dates(started_text)
    f["finished_on"], bad_end, _ = _dates(finished_text)
    bad = bad_start | bad_end
    problems = [_date_problem(int(line), "Started On/Finished On", f"{s or ''} / {e or ''}", "Jun 2018")
                for line, s, e in zip(f.loc[bad, "line"], started_text[bad], finished_text[bad])]
    no_company = f["company"].isna() & ~bad
    problems += [Problem(int(line), "position has no company name; skipped.") for line in f.loc[no_company, "line"]]
    keep = f[~bad & ~no_company]
    return _result(path, "linkedin_positions", "positions", keep, content_hash, len(raw), problems=problems)


# --- Profile.csv --------------------------------------------------------------------------


def parse_profile(path: str, table: Table, content_hash: str, mapping: dict | None = None) -> ParsedFile:
    """The exporting member's own name and headline; the name is the owner hint."""
    raw, lines = _frame(table)
    f = pd.DataFrame({
        "line": lines,
        "first_name": _column(raw, table, "first name"),
        "last_name": _column(raw, table, "last name"),
        "headline": _column(raw, table, "headline"),
        "profile_url": _urls(_column(raw, table, "public profile url", "profile url", "url", "websites")),
    })
    nameless = f["first_name"].isna() & f["last_name"].isna()
    problems = [Problem(int(line), "profile row has no name; skipped.") for line in f.loc[nameless, "line"]]
    keep = f[~nameless].head(1)
    owner = identity.full_name(keep["first_name"].iloc[0], keep["last_name"].iloc[0]) if len(keep) else None
    return _result(path, "linkedin_profile", "profile", keep, content_hash, len(raw), problems=problems,
                   owner_hint=owner)


#: kind -> parser, for ``relmap.ingest.parse_bytes``.
PARSERS = {
    "linkedin_connections": parse_connections,
    "linkedin_invitations": parse_invitations,
    "linkedin_messages": parse_messages,
    "linkedin_positions": parse_positions,
    "linkedin_profile": parse_profile,
}
