"""A small team whose every name, company, title, CRM account and referral note is hostile:
script tags, attribute breakers, ``javascript:`` URLs, template syntax, SQL, spreadsheet
formulas, markdown images pointing off the machine, control and bidi characters, emoji.

``load_hostile(store)`` imports it through the real import path (LinkedIn Connections, CRM
accounts / contacts / opportunities, referrals), so it reaches every page, map and export the
way an upload would. Two snapshots of the rep make a champion move between hostile companies.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from relmap.importer import import_bytes
from relmap.store import Store

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
TEMPLATE = "{{7*7}}"
SQL = "'; DROP TABLE people;--"
HYPERLINK = '=HYPERLINK("http://evil","x")'
CMD = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)"
MINUS = "-2+3"
TAB = "\t=1+1"
CR = "\r=1+1"
RTL = "\u202egnp.exe"
EMOJI = "\U0001f984\U0001f525"
MD_IMAGE = "![x](http://evil.example/md.png)"  # a markdown image: a request off the machine if rendered
REMOTE_IMG = "<img src=http://evil.example/h.png>"
CONTROL = "Ctl\x0bX\x07Y\x1fZ"  # characters XML 1.0 forbids

#: Every hostile string the story carries (TAB and CR lose their leading whitespace at import,
#: which trims every cell; the CSV tests feed them to the exporters directly).
HOSTILE = [SCRIPT, IMG, JS_URL, TEMPLATE, SQL, HYPERLINK, CMD, AT_SUM, MINUS, TAB, CR, RTL, EMOJI, MD_IMAGE,
           REMOTE_IMG, CONTROL]
#: The cell starts a spreadsheet runs as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

REP = "Rex <script>alert('rep')</script>"
REP2 = '=HYPERLINK("http://evil","rep")'

# (first name, last name, company, title): every field hostile somewhere.
PEOPLE = [
    (SCRIPT, "Doe", f"Acme {TEMPLATE}", HYPERLINK),
    (IMG, "Roe", JS_URL, CMD),
    (HYPERLINK, "Smith", SQL, AT_SUM),
    (AT_SUM, "Jones", MINUS, TAB),
    (MINUS, "Brown", f"{RTL} Corp", f"{EMOJI} Head of Fun"),
    (CMD, "Lee", f"{EMOJI} Unicorn Ltd", TEMPLATE),
    (TEMPLATE, "Vo", MD_IMAGE, REMOTE_IMG),
    (JS_URL, "Kay", f"{SCRIPT} Inc", MD_IMAGE),
    (CONTROL, SQL, f"Bell{CONTROL} Co", RTL),
    (RTL, EMOJI, REMOTE_IMG, IMG),
]
#: Full names as stored (first + last).
NAMES = [f"{f} {last}" for f, last, _, _ in PEOPLE]
COMPANIES = sorted({c for _, _, c, _ in PEOPLE})
CHAMPION = NAMES[0]  # moves from "Acme {{7*7}}" to "<script>alert(1)</script> Inc"
MOVED_TO = f"{SCRIPT} Inc"
NOTE = f"{SCRIPT} {IMG} {HYPERLINK} {MD_IMAGE}"


def _csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def connections(people: list[tuple[str, str, str, str]], first: int = 0) -> bytes:
    """A current-layout Connections.csv of ``(first, last, company, title)`` rows; the profile URL
    numbers rows from ``first`` (their index in ``PEOPLE``)."""
    return _csv(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
                [[f, last, f"https://www.linkedin.com/in/hostile-{first + i}", "", c, t, "01 Jan 2024"]
                 for i, (f, last, c, t) in enumerate(people)])


def files() -> list[tuple[str, bytes, str | None, date]]:
    """``(file name, bytes, owner, as-of)`` in import order."""
    later = [(f, last, MOVED_TO if i == 0 else c, t) for i, (f, last, c, t) in enumerate(PEOPLE)]
    accounts = _csv(["Account Name", "Type", "Website", "Account Owner", "ARR"],
                    [[c, "Customer", "", REP if i % 2 == 0 else REP2, -5000 if i == 0 else 1000 * (i + 1)]
                     for i, c in enumerate(COMPANIES)])
    contacts = _csv(["First Name", "Last Name", "Email", "Title", "Account Name", "Contact Role", "Contact Owner"],
                    [[f, last, f"h{i}@example.com", t, c, "Champion" if i == 0 else "Influencer", REP]
                     for i, (f, last, c, t) in enumerate(PEOPLE[:4])])
    opportunities = _csv(["Opportunity Name", "Stage", "Amount", "Close Date", "Account Name", "Opportunity Owner"],
                         [[f"{HYPERLINK} renewal", "Negotiation", 12000, "12/14/2025", COMPANIES[1], REP],
                          [f"{SCRIPT} deal", "Closed Won", -300, "06/29/2024", MOVED_TO, REP2]])
    referrals = _csv(["Referrer", "Referred", "Date", "Note", "Company"],
                     [[NAMES[1], NAMES[2], "2024-03-01", NOTE, PEOPLE[2][2]],
                      [NAMES[5], NAMES[6], "2024-04-01", f"{CMD} {TEMPLATE} {RTL}", PEOPLE[6][2]]])
    return [
        ("Connections.csv", connections(PEOPLE), REP, date(2024, 6, 1)),
        ("Connections.csv", connections(later), REP, date(2025, 6, 1)),
        ("Connections.csv", connections(PEOPLE[2:6], first=2), REP2, date(2025, 6, 1)),
        ("accounts.csv", accounts, None, date(2024, 6, 1)),
        ("contacts.csv", contacts, None, date(2024, 6, 1)),
        ("opportunities.csv", opportunities, None, date(2024, 6, 1)),
        ("referrals.csv", referrals, None, date(2024, 6, 1)),
    ]


def load_hostile(store: Store) -> None:
    """Import the hostile story into ``store`` (every file must import)."""
    for name, data, owner, as_of in files():
        results = import_bytes(store, name, data, owner=owner, as_of=as_of)
        assert results and all(r.status == "imported" for r in results), \
            [(r.path, r.status, [p.message for p in r.problems]) for r in results]
