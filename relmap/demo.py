"""The bundled demo: a small invented sales team whose data tells the stories relmap exists for.

``data/demo/`` holds the files (real export formats, see ``relmap.generate``), made once
by ``build_demo``: a small generated background team plus a hand-written core:

1. **Moved champion.** Joe Whitfield, the only contact (and champion) at the customer
   Kestrel Foods, moves to Brightwater Logistics (not a customer) and refers his friend
   Richard Alvarez there.
2. **Arrival.** Victor Lindqvist arrives at the customer Tidewell Retail as VP of IT from
   Cinderpath Software; our relationship there is one person deep (Sofia Marchetti).
3. **Whitespace.** Orbis Health is a loyal multi-threaded customer, but only in IT: the
   team knows people in Finance, Marketing and Operations it never engaged.
4. **Quiet deal.** Larchmont Energy's open opportunity has one contact, Hana Kowalski,
   untouched since April.

``load_demo(store)`` imports the files as demo snapshots (idempotent); ``clear_demo(store)``
deletes them again.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from relmap.generate import LEVELS, Team, _ascii, generate_team, write_team
from relmap.model import FileResult
from relmap.store import Store

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_AS_OF = date(2026, 10, 31)
DEMO_SEED = 20261031
#: The CRM export is three weeks older than the latest LinkedIn exports: it still lists
#: Joe at Kestrel, as real CRMs do after a champion leaves.
DEMO_CRM_AS_OF = date(2026, 10, 10)
DEMO_REPS = ["Maya Okafor", "Tom Brandt", "Lina Haddad"]
VENDOR = "Lumen Analytics Inc."

#: The story's companies: name, domain.
CORE_COMPANIES = {
    "kestrel": ("Kestrel Foods Inc.", "kestrelfoods.com"),
    "brightwater": ("Brightwater Logistics", "brightwaterlogistics.com"),
    "tidewell": ("Tidewell Retail", "tidewellretail.com"),
    "cinderpath": ("Cinderpath Software GmbH", "cinderpath.io"),
    "orbis": ("Orbis Health", "orbishealth.com"),
    "larchmont": ("Larchmont Energy LLC", "larchmontenergy.com"),
}

#: The story's people: key -> (first, last, slug, [(company, title) at snapshot 0, 1]).
CORE_PEOPLE = {
    "joe": ("Joe", "Whitfield", "joe-whitfield-4k2", [("kestrel", "Director of Operations"),
                                                      ("brightwater", "VP Operations")]),
    "richard": ("Richard", "Alvarez", "richard-alvarez-b71", [("brightwater", "VP of Supply Chain"),
                                                               ("brightwater", "VP of Supply Chain")]),
    "sofia": ("Sofia", "Marchetti", "sofia-marchetti-9ad", [("tidewell", "IT Manager"), ("tidewell", "IT Manager")]),
    "victor": ("Victor", "Lindqvist", "victor-lindqvist-3e0", [("cinderpath", "VP of IT"), ("tidewell", "VP IT")]),
    "amara": ("Amara", "Okonkwo", "amara-okonkwo-77c", [("orbis", "Chief Information Officer"),
                                                       ("orbis", "Chief Information Officer")]),
    "felix": ("Félix", "Duarte", "f%C3%A9lix-duarte-2b9", [("orbis", "Director of IT"), ("orbis", "Director of IT")]),
    "nora": ("Nora", "Jansen", "nora-jansen-e14", [("orbis", "Systems Administrator"),
                                                  ("orbis", "Senior Systems Administrator")]),
    "ines": ("Inès", "Moreau", "ines-moreau-5f1", [("orbis", "Finance Director"), ("orbis", "Finance Director")]),
    "kenji": ("Kenji", "Tanaka", "kenji-tanaka-c03", [("orbis", "VP Marketing"), ("orbis", "VP Marketing")]),
    "rosa": ("Rosa", "Peña", "rosa-pena-8d8", [("orbis", "Head of Operations"), ("orbis", "Head of Operations")]),
    "hana": ("Hana", "Kowalski", "hana-kowalski-a90", [("larchmont", "Head of Procurement"),
                                                      ("larchmont", "Head of Procurement")]),
}

#: Who on the team knows whom (rep index, person key, connected on, in snapshot 0?).
CORE_CONNECTIONS = [
    (0, "joe", date(2021, 3, 14), True),
    (0, "richard", date(2026, 9, 22), False),  # met through Joe's introduction
    (1, "sofia", date(2022, 6, 2), True),
    (1, "victor", date(2019, 11, 8), True),  # Tom knows Victor from his previous job
    (0, "amara", date(2018, 5, 20), True),
    (2, "amara", date(2020, 1, 15), True),
    (0, "felix", date(2019, 2, 11), True),
    (2, "nora", date(2023, 4, 3), True),
    (2, "ines", date(2024, 2, 19), True),
    (1, "kenji", date(2023, 9, 30), True),
    (0, "rosa", date(2022, 10, 12), True),
    (2, "hana", date(2025, 1, 27), True),
]

#: Messages (rep index, person key, timestamp, outgoing).
CORE_MESSAGES = [
    (0, "joe", datetime(2026, 3, 2, 9, 15), True),
    (0, "joe", datetime(2026, 3, 3, 17, 40), False),
    (0, "joe", datetime(2026, 9, 14, 11, 5), False),
    (0, "joe", datetime(2026, 10, 6, 8, 30), True),
    (1, "sofia", datetime(2026, 8, 21, 14, 0), True),
    (0, "amara", datetime(2026, 10, 12, 10, 0), True),
    (2, "nora", datetime(2026, 9, 30, 16, 20), False),
    (2, "hana", datetime(2026, 3, 28, 10, 45), True),
    (2, "hana", datetime(2026, 4, 20, 13, 10), False),  # then silence
]

#: CRM accounts: key, status, owner rep, ARR, renewal date.
CORE_ACCOUNTS = [
    ("kestrel", "customer", 0, 120_000.0, date(2026, 12, 20)),
    ("tidewell", "customer", 1, 85_000.0, date(2027, 1, 15)),
    ("orbis", "customer", 2, 310_000.0, date(2027, 6, 30)),
    ("larchmont", "opportunity", 2, None, None),
]

#: CRM contacts: person key, account key, role, last activity.
CORE_CONTACTS = [
    ("joe", "kestrel", "Champion", date(2026, 3, 3)),
    ("sofia", "tidewell", "Champion", date(2026, 8, 21)),
    ("amara", "orbis", "Economic Buyer", date(2026, 10, 2)),
    ("felix", "orbis", "Champion", date(2026, 9, 18)),
    ("nora", "orbis", "User", date(2026, 9, 30)),
    ("hana", "larchmont", "Decision Maker", date(2026, 5, 2)),
]

#: CRM opportunities: account key, name, stage, amount, close date, owner rep.
CORE_OPPORTUNITIES = [
    ("kestrel", "Kestrel Foods - Platform 2025", "Closed Won", 120_000.0, date(2025, 12, 15), 0),
    ("tidewell", "Tidewell Retail - Analytics", "Closed Won", 85_000.0, date(2025, 1, 10), 1),
    ("orbis", "Orbis Health - IT Analytics", "Closed Won", 310_000.0, date(2024, 6, 28), 2),
    ("larchmont", "Larchmont Energy - Analytics Platform", "Negotiation/Review", 95_000.0, date(2026, 11, 30), 2),
]

CORE_REFERRALS = [
    ("joe", "richard", "brightwater", date(2026, 9, 15),
     "Joe (our champion at Kestrel, now at Brightwater) introduced his friend Richard"),
]


def demo_team(seed: int = DEMO_SEED) -> Team:
    """The demo team in memory: a small generated background plus the hand-written core."""
    team = generate_team(reps=len(DEMO_REPS), connections=120, snapshots=2, accounts=10, seed=seed,
                         as_of=DEMO_AS_OF, months_between=6)
    team.reps["name"] = DEMO_REPS
    team.reps["slug"] = [n.lower().replace(" ", "-") + "-demo" for n in DEMO_REPS]
    team.reps["employer"] = VENDOR
    # One rep re-saved the older export in Excel (a deliberate quirk); no legacy files.
    team.reps["resaved"] = [False, True, False]
    team.reps["legacy_date"] = None
    team.crm_accounts["owner"] = np.array(DEMO_REPS, dtype=object)[np.arange(len(team.crm_accounts)) % 3]
    _add_core(team)
    return team


def _add_core(team: Team) -> None:
    companies = team.companies
    base_co = len(companies)
    co_id = {key: base_co + i for i, key in enumerate(CORE_COMPANIES)}
    team.companies = pd.concat([companies, pd.DataFrame({
        "company_id": list(co_id.values()), "name": [v[0] for v in CORE_COMPANIES.values()],
        "base": [v[0] for v in CORE_COMPANIES.values()], "domain": [v[1] for v in CORE_COMPANIES.values()],
        "weight": 0.0, "is_account": [k in {a[0] for a in CORE_ACCOUNTS} for k in CORE_COMPANIES]})],
        ignore_index=True)
    base_p = len(team.people)
    pid = {key: base_p + i for i, key in enumerate(CORE_PEOPLE)}
    team.people = pd.concat([team.people, pd.DataFrame({
        "person_id": list(pid.values()), "first_name": [v[0] for v in CORE_PEOPLE.values()],
        "last_name": [v[1] for v in CORE_PEOPLE.values()], "slug": [v[2] for v in CORE_PEOPLE.values()],
        "hidden": False, "shares_email": False, "fi": -1, "li": -1, "email": None})], ignore_index=True)
    rows = []
    for key, (_, _, _, jobs) in CORE_PEOPLE.items():
        for s, (company, title) in enumerate(jobs):
            level = 10 if title.startswith("Chief") else 8 if title.startswith("VP") else 6
            rows.append({"person_id": pid[key], "snapshot": s, "company_id": co_id[company],
                         "company_text": CORE_COMPANIES[company][0], "dept": "", "level": level, "title": title})
    team.employments = pd.concat([team.employments, pd.DataFrame(rows)], ignore_index=True)
    conns = [{"rep_id": r, "person_id": pid[k], "snapshot": s, "connected_on": pd.Timestamp(d)}
             for r, k, d, in_first in CORE_CONNECTIONS for s in (0, 1) if in_first or s == 1]
    team.connections = pd.concat([team.connections, pd.DataFrame(conns)], ignore_index=True)
    msgs = [{"rep_id": r, "person_id": pid[k], "date": pd.Timestamp(t), "outgoing": o}
            for r, k, t, o in CORE_MESSAGES]
    team.messages = pd.concat([team.messages, pd.DataFrame(msgs)], ignore_index=True)
    name = {k: CORE_COMPANIES[k][0] for k in CORE_COMPANIES}
    acc_ids = {k: f"001DEMO{i:08d}" for i, k in enumerate(CORE_COMPANIES)}
    team.crm_accounts = pd.concat([team.crm_accounts, pd.DataFrame([
        {"account_id": acc_ids[k], "company_id": co_id[k], "name": name[k], "domain": CORE_COMPANIES[k][1],
         "status": st, "owner": DEMO_REPS[o], "arr": arr, "renewal_date": ren}
        for k, st, o, arr, ren in CORE_ACCOUNTS])], ignore_index=True)
    owner_of = {k: DEMO_REPS[o] for k, _, o, _, _ in CORE_ACCOUNTS}
    team.crm_contacts = pd.concat([team.crm_contacts, pd.DataFrame([
        {"contact_id": f"003DEMO{i:08d}", "person_id": pid[p], "first_name": CORE_PEOPLE[p][0],
         "last_name": CORE_PEOPLE[p][1],
         "email": f"{_ascii(CORE_PEOPLE[p][0]).lower()}.{_ascii(CORE_PEOPLE[p][1]).lower()}@{CORE_COMPANIES[a][1]}",
         "title": CORE_PEOPLE[p][3][0][1], "account_id": acc_ids[a], "account_name": name[a], "role": role,
         "owner": owner_of[a], "last_activity": last}
        for i, (p, a, role, last) in enumerate(CORE_CONTACTS)])], ignore_index=True)
    team.crm_opportunities = pd.concat([team.crm_opportunities, pd.DataFrame([
        {"opportunity_id": f"006DEMO{i:08d}", "name": n, "account_id": acc_ids[a], "account_name": name[a],
         "stage": st, "amount": amt, "close_date": cd, "owner": DEMO_REPS[o]}
        for i, (a, n, st, amt, cd, o) in enumerate(CORE_OPPORTUNITIES)])], ignore_index=True)
    team.referrals = pd.concat([team.referrals, pd.DataFrame([
        {"referrer_id": pid[a], "referred_id": pid[b], "company_id": co_id[c], "date": d, "note": n}
        for a, b, c, d, n in CORE_REFERRALS])], ignore_index=True)
    team.extra.pop("arrays", None)
    team.extra["core_people"] = pid
    team.extra["story_start"] = base_p  # generated quirks (emoji titles) spare the story's people
    team.extra["core_companies"] = co_id


def build_demo(out: str | Path = DEMO_DIR) -> list[dict]:
    """Write the demo files under ``out`` (``data/demo`` by default); returns the manifest."""
    return write_team(demo_team(), out, crm_styles=("salesforce",), crm_as_of=DEMO_CRM_AS_OF)


def demo_manifest(directory: str | Path = DEMO_DIR) -> list[dict]:
    """The demo's manifest: one ``{"path", "kind", "owner", "as_of", "layout"}`` per file."""
    return json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))


def load_demo(store: Store, directory: str | Path = DEMO_DIR) -> list[FileResult]:
    """Import the demo files as demo snapshots; returns one ``FileResult`` per stored file.

    Idempotent: files already imported come back with status ``unchanged``.
    """
    from relmap.importer import import_paths

    directory = Path(directory)
    results: list[FileResult] = []
    for entry in demo_manifest(directory):
        results.extend(import_paths(store, [directory / entry["path"]], owner=entry["owner"],
                                    as_of=date.fromisoformat(entry["as_of"]), is_demo=True))
    return results


def clear_demo(store: Store) -> int:
    """Delete every demo snapshot (and what only they brought); returns how many were deleted."""
    snaps = store.list_snapshots()
    if snaps.empty:
        return 0
    demo_ids = snaps.loc[snaps["is_demo"].astype(bool), "id"].astype(int).tolist()
    return sum(store.delete_snapshot(sid) for sid in demo_ids)


__all__ = ["LEVELS", "build_demo", "clear_demo", "demo_manifest", "demo_team", "load_demo"]
