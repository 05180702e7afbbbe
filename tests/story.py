"""Build small relmap stories as ``Frames`` in code (no files, no store)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from relmap.identity import company_key
from relmap.model import FRAME_COLUMNS
from relmap.store import Frames


class Story:
    """A tiny world: reps, people, companies and the snapshots that observed them.

    >>> s = Story(); s.connect("Ann", "Joe Smith", "Northwind", "VP Sales", "2026-01-01")
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {k: [] for k in FRAME_COLUMNS}
        self.companies: dict[str, int] = {}
        self.people: dict[str, int] = {}
        self.reps: dict[str, int] = {}
        self.snaps: dict[tuple, int] = {}

    # --- entities ---------------------------------------------------------------------
    def company(self, name: str, domain: str | None = None, key: str | None = None) -> int:
        if name not in self.companies:
            cid = len(self.companies) + 1
            self.companies[name] = cid
            self.rows["companies"].append({"company_id": cid, "company_name": name,
                                           "norm_key": key or company_key(name) or f"#{cid}", "domain": domain})
        return self.companies[name]

    def person(self, name: str) -> int:
        """A person by label; the label may carry ``#2`` to make a namesake (shown without it)."""
        if name not in self.people:
            pid = len(self.people) + 1
            self.people[name] = pid
            self.rows["people"].append({"person_id": pid, "full_name": name.split("#")[0], "profile_url": None,
                                        "email": None})
        return self.people[name]

    def rep(self, name: str, person: str | None = None) -> int:
        if name not in self.reps:
            rid = len(self.reps) + 1
            self.reps[name] = rid
            self.rows["reps"].append({"rep_id": rid, "rep_name": name,
                                      "person_id": self.person(person) if person else None})
        return self.reps[name]

    def snapshot(self, file_name: str, as_of: str, kind: str, rep: str | None = None) -> int:
        key = (file_name, as_of)
        if key not in self.snaps:
            sid = len(self.snaps) + 1
            self.snaps[key] = sid
            self.rows["snapshots"].append({"snapshot_id": sid, "file_name": file_name, "kind": kind, "layout": None,
                                           "rep_id": self.rep(rep) if rep else None, "as_of": pd.Timestamp(as_of),
                                           "imported_at": pd.Timestamp(as_of), "is_demo": False})
        return self.snaps[key]

    # --- observations -------------------------------------------------------------------
    def connect(self, rep: str, person: str, company: str | None, title: str | None, as_of: str,
                messages: int = 0, last_touch: str | None = None, connected_on: str | None = None) -> None:
        """``rep``'s Connections export dated ``as_of`` lists ``person`` at ``company``."""
        sid = self.snapshot(f"{rep.split()[0].lower()}-connections-{as_of}.csv", as_of, "linkedin_connections", rep)
        pid = self.person(person)
        self.rows["employments"].append({
            "person_id": pid, "company_id": self.company(company) if company else None, "company_text": company,
            "title": title, "snapshot_id": sid, "observed_on": pd.Timestamp(as_of), "source": "linkedin",
            "started_on": pd.NaT, "ended_on": pd.NaT})
        self.rows["relationships"].append({
            "rep_id": self.rep(rep), "person_id": pid, "snapshot_id": sid, "source": "linkedin",
            "connected_on": pd.Timestamp(connected_on) if connected_on else pd.NaT,
            "last_touch": pd.Timestamp(last_touch) if last_touch else pd.NaT, "message_count": messages})

    def position(self, rep: str, company: str, started: str, ended: str | None, as_of: str = "2026-01-01") -> None:
        """The rep's own past employer (LinkedIn Positions)."""
        rid = self.rep(rep)
        person = next(r["person_id"] for r in self.rows["reps"] if r["rep_id"] == rid)
        assert person is not None, "give the rep a person first: rep(name, person=...)"
        sid = self.snapshot(f"{rep.split()[0].lower()}-positions.csv", as_of, "linkedin_positions", rep)
        self.rows["employments"].append({
            "person_id": person, "company_id": self.company(company), "company_text": company, "title": "Seller",
            "snapshot_id": sid, "observed_on": pd.Timestamp(as_of), "source": "positions",
            "started_on": pd.Timestamp(started), "ended_on": pd.Timestamp(ended) if ended else pd.NaT})

    def account(self, company: str, status: str, as_of: str, arr: float | None = None,
                renewal: str | None = None, last_activity: str | None = None, owner: str | None = None) -> None:
        sid = self.snapshot(f"crm-accounts-{as_of}.csv", as_of, "crm_accounts")
        self.rows["crm_accounts"].append({
            "company_id": self.company(company), "name": company, "domain": None, "status": status, "owner": owner,
            "arr": arr, "renewal_date": pd.Timestamp(renewal) if renewal else pd.NaT,
            "last_activity": pd.Timestamp(last_activity) if last_activity else pd.NaT, "snapshot_id": sid,
            "observed_on": pd.Timestamp(as_of)})

    def contact(self, person: str, company: str, as_of: str, role: str | None = None, title: str | None = None,
                last_activity: str | None = None) -> None:
        sid = self.snapshot(f"crm-contacts-{as_of}.csv", as_of, "crm_contacts")
        self.rows["crm_contacts"].append({
            "person_id": self.person(person), "company_id": self.company(company), "email": None, "title": title,
            "role": role, "owner": None, "last_activity": pd.Timestamp(last_activity) if last_activity else pd.NaT,
            "snapshot_id": sid, "observed_on": pd.Timestamp(as_of)})

    def opportunity(self, company: str, name: str, stage: str, as_of: str, won: bool = False, closed: bool = False,
                    close_date: str | None = None, roles: dict[str, str] | None = None) -> None:
        sid = self.snapshot(f"crm-opportunities-{as_of}.csv", as_of, "crm_opportunities")
        self.rows["crm_opportunities"].append({
            "company_id": self.company(company), "name": name, "stage": stage, "amount": 10000.0,
            "close_date": pd.Timestamp(close_date) if close_date else pd.NaT, "is_closed": closed or won,
            "is_won": won, "owner": None,
            "contact_roles": json.dumps([{"person_id": self.person(p), "role": r} for p, r in (roles or {}).items()]),
            "snapshot_id": sid, "observed_on": pd.Timestamp(as_of)})

    def referral(self, referrer: str, referred: str, company: str, on: str) -> None:
        sid = self.snapshot(f"referrals-{on}.csv", on, "referrals")
        self.rows["referrals"].append({"referrer_id": self.person(referrer), "referred_id": self.person(referred),
                                       "company_id": self.company(company), "referred_on": pd.Timestamp(on),
                                       "note": None, "snapshot_id": sid})

    def mark(self, person: str, company: str, on: str, note: str | None = None) -> None:
        self.rows["champion_marks"].append({"person_id": self.person(person), "company_id": self.company(company),
                                            "note": note, "marked_on": pd.Timestamp(on)})

    def frames(self) -> Frames:
        return Frames(**{k: pd.DataFrame(v, columns=FRAME_COLUMNS[k]) for k, v in self.rows.items()})


def day(text: str) -> date:
    return date.fromisoformat(text)
