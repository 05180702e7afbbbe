"""Dates written with a month name in another language, as a spreadsheet in another locale
re-saves them: German ``01-Dez-21``, ``3. März 2021``; French ``01-déc.-21``, ``1 janv. 2022``,
``1er mars 2021``; Dutch ``01-mrt-21``, ``1 mei 2021``; Spanish ``01-ene-21``, ``1 de diciembre
de 2021``; Italian ``1-gen-21``; Portuguese ``1-out-21``; Swedish/Danish/Norwegian ``1-maj-21``.

This is the slow path: the date parsers call ``named_date`` only for a text their English and
numeric formats could not read, so the common LinkedIn and ISO spellings never come here.

>>> named_date("01-Dez-21"), named_date("3. März 2021"), named_date("1 janv. 2022")
(datetime.date(2021, 12, 1), datetime.date(2021, 3, 3), datetime.date(2022, 1, 1))
>>> named_date("01-DÉC.-21"), named_date("1 de diciembre de 2021"), named_date("Juni 2018")
(datetime.date(2021, 12, 1), datetime.date(2021, 12, 1), datetime.date(2018, 6, 1))
>>> named_date("soon"), named_date("31-feb-21"), named_date("1 Mon 2021")
(None, None, None)
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

#: Month names and their common abbreviations (lowercase, without accents), by month number.
#: No spelling names two months in these languages. Weekday abbreviations are left out on
#: purpose: Spanish and French ``mar.`` is Tuesday (``martes``, ``mardi``) and March alike.
_NAMES: dict[int, tuple[str, ...]] = {
    1: ("jan", "january", "januar", "janner", "janv", "janvier", "januari", "ene", "enero", "gen", "gennaio",
        "janeiro"),
    2: ("feb", "february", "februar", "feber", "fev", "fevr", "fevrier", "februari", "febrero", "febbraio",
        "fevereiro", "febr"),
    3: ("mar", "march", "marz", "mrz", "mars", "maart", "mrt", "marzo", "marco"),
    4: ("apr", "april", "avr", "avril", "abr", "abril", "aprile"),
    5: ("may", "mai", "mei", "mayo", "mag", "maggio", "maio", "maj"),
    6: ("jun", "june", "juni", "juin", "junio", "giu", "giugno", "junho"),
    7: ("jul", "july", "juli", "juil", "juill", "juillet", "julio", "lug", "luglio", "julho"),
    8: ("aug", "august", "aout", "aou", "augustus", "ago", "agosto", "augusti"),
    9: ("sep", "sept", "september", "septembre", "septiembre", "setiembre", "set", "settembre", "setembro"),
    10: ("oct", "october", "okt", "oktober", "octobre", "octubre", "ott", "ottobre", "out", "outubro"),
    11: ("nov", "november", "novembre", "noviembre", "novembro"),
    12: ("dec", "december", "dez", "dezember", "decembre", "dic", "diciembre", "dicembre", "dezembro", "des",
         "desember"),
}
MONTHS: dict[str, int] = {name: number for number, names in _NAMES.items() for name in names}

#: Words between the parts of a date that carry nothing: Spanish/Portuguese ``1 de mayo de 2021``,
#: French ``1er``, the ``UTC`` of a time stamp, a 12-hour clock's ``AM``/``PM``.
_FILLERS = frozenset({"de", "del", "er", "utc", "am", "pm", "uhr"})

_WORD = re.compile(r"[^\W\d_]+")
_SEP = r"[\s\-/.,]*"
_TIME = r"(?:[\s,T]+\d{1,2}:\d{2}(?::\d{2})?)?"
# M stands for the month's number once the name is replaced: ``<12>``.
_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}}){_SEP}<(\d+)>{_SEP}(\d{{4}}|\d{{2}}){_TIME}")
_MONTH_DAY_YEAR = re.compile(rf"<(\d+)>{_SEP}(\d{{1,2}}){_SEP}(\d{{4}}){_TIME}")
_YEAR_MONTH_DAY = re.compile(rf"(\d{{4}}){_SEP}<(\d+)>{_SEP}(\d{{1,2}}){_TIME}")
_MONTH_YEAR = re.compile(rf"<(\d+)>{_SEP}(\d{{4}})")


def fold(text: str) -> str:
    """Lowercase without accents: ``"Déc"`` -> ``"dec"``, ``"März"`` -> ``"marz"``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _year(text: str) -> int:
    y = int(text)
    return y if len(text) == 4 else (2000 + y if y <= 68 else 1900 + y)  # strptime's %y rule


@lru_cache(maxsize=4096)
def named_date(text: str) -> date | None:
    """The date of a text holding a month name (any of the languages above, accents, case and
    a trailing period ignored) and numbers for the day and year; None when the text holds
    another word, no month name, or no valid date."""
    if not text or len(text) > 60:
        return None
    found = False

    def replace(match: re.Match) -> str:
        nonlocal found
        word = fold(match.group(0))
        if word in MONTHS:
            found = True
            return f"<{MONTHS[word]}>"
        if word in _FILLERS:
            return " "
        raise LookupError(word)

    try:
        marked = _WORD.sub(replace, text.strip())
    except LookupError:
        return None
    if not found:
        return None
    marked = " ".join(marked.split()).strip(" ,")
    try:
        if m := _DAY_MONTH_YEAR.fullmatch(marked):
            return date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _MONTH_DAY_YEAR.fullmatch(marked):
            return date(_year(m.group(3)), int(m.group(1)), int(m.group(2)))
        if m := _YEAR_MONTH_DAY.fullmatch(marked):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _MONTH_YEAR.fullmatch(marked):
            return date(int(m.group(2)), int(m.group(1)), 1)
    except ValueError:
        return None
    return None
