"""Small Connections.csv files for the map and dashboard tests (built here, not read by shape)."""

from __future__ import annotations

from datetime import date

from relmap.importer import import_bytes
from relmap.store import Store

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
EVIL = "<script>alert(1)</script>"


def connections(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A current-layout Connections.csv with (first, last, company, position) rows."""
    lines = [f"{f},{last},https://www.linkedin.com/in/{f.lower()}-{abs(hash(last)) % 9999},,{c},{p},01 Jan 2024"
             for f, last, c, p in rows]
    return (HEADER + "\n".join(lines) + "\n").encode()


FIRST = [("Ada", "Byron", "ACME", "CTO"), ("Joe", EVIL, "ACME", "VP Sales"), ("Bob", "Smith", "Globex", "CEO")]
SECOND = [("Ada", "Byron", "ACME", "CTO"), ("Joe", EVIL, "Initech", "VP Sales"), ("Bob", "Smith", "Globex", "CEO")]


def load_two_snapshots(store: Store) -> None:
    """Rep Sam: two snapshots; Joe moves from ACME to Initech between them. Rep Kim knows Bob."""
    for data, day in ((connections(FIRST), date(2025, 1, 1)), (connections(SECOND), date(2025, 6, 1))):
        [r] = import_bytes(store, "Connections.csv", data, owner="Sam Rep", as_of=day)
        assert r.status == "imported", r.problems
    [r] = import_bytes(store, "Connections.csv", connections([("Bob", "Smith", "Globex", "CEO")]),
                       owner="Kim Rep", as_of=date(2025, 6, 1))
    assert r.status == "imported", r.problems


CRM_ACCOUNTS = (b'"Account Name","Type","Website","Account Owner"\n'
                b'"ACME","Customer - Direct","www.acme.com","Sam Rep"\n'
                b'"Globex","Customer","globex.io","Kim Rep"\n')
CRM_CONTACTS = ('"First Name","Last Name","Email","Title","Account Name","Contact Role","Contact Owner"\n'
                f'"Joe","{EVIL}","joe@acme.com","VP Sales","ACME","Champion","Sam Rep"\n'
                '"Ada","Byron","ada@acme.com","CTO","ACME","Economic Buyer","Sam Rep"\n').encode()


def load_with_crm(store: Store) -> None:
    """``load_two_snapshots`` plus a CRM export of 2025-01-01 where Joe is ACME's champion."""
    load_two_snapshots(store)
    for name, data in (("accounts.csv", CRM_ACCOUNTS), ("contacts.csv", CRM_CONTACTS)):
        results = import_bytes(store, name, data, as_of=date(2025, 1, 1))
        assert all(r.status == "imported" for r in results), [r.problems for r in results]
