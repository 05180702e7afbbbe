"""Build the networkx graph that ONE view of the map shows (never the whole store).

Views: a rep's network, a company (account), a person, and the team aggregated by
company. Every builder reads ``relmap.store.Frames`` (columns in
``relmap.model.FRAME_COLUMNS``) and returns a ``networkx.DiGraph`` whose nodes and
edges carry plain attributes that ``relmap.render`` draws:

- node ``kind``: ``rep`` | ``person`` | ``champion`` | ``company`` | ``group``;
  ``label``, ``title`` (plain-text tooltip), ``count`` (relationships),
  ``single_threaded`` (bool), ``risk`` (``high`` | ``medium`` | ``low`` | None).
- edge ``kind``: ``knows`` (rep -> person), ``works_at`` (person -> company),
  ``moved`` (old company -> new company), ``referral`` (referrer -> referred),
  ``covers`` (rep -> company, team view); ``label``, ``title``, ``weight``.
- graph ``title`` and ``omitted`` (what was left out above the node cap, or None).

The current state is each rep's latest snapshot and each person's latest observed
employer.

>>> from relmap.store import Frames
>>> g = team_graph(Frames.empty())
>>> g.number_of_nodes()
0
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd

from relmap.store import Frames

#: Above this many nodes a view aggregates people into their companies.
NODE_CAP = 1500

CHAMPION_ROLES = {"champion"}
ACCOUNT_STATUSES = {"customer", "opportunity"}


class ViewNotFound(LookupError):
    """The rep, company or person asked for is not in the store; the message says so."""


@dataclass
class Current:
    """The current state derived from frames: who knows whom, who works where."""

    knows: pd.DataFrame  # rep_id, person_id, connected_on, last_touch, source
    works: pd.DataFrame  # person_id, company_id, title, observed_on
    moves: pd.DataFrame  # person_id, from_company_id, to_company_id, observed_on
    champions: set
    accounts: pd.DataFrame  # company_id, status, arr, owner (latest CRM row per company)
    risk: dict  # company_id -> {"level": str, "reasons": [str]}


def current_state(frames: Frames, risk: dict | None = None) -> Current:
    """The current state: latest snapshot per rep, latest employer per person.

    ``risk`` optionally maps company_id -> {"level", "reasons"} (from insights).
    """
    rel = frames.relationships
    snaps = frames.snapshots
    if len(rel):
        rel = rel.merge(snaps[["snapshot_id", "as_of"]], on="snapshot_id", how="left")
        latest = rel.groupby(["rep_id", "source"])["as_of"].transform("max")
        rel = rel[rel["as_of"] == latest]
        knows = (rel.sort_values("as_of")
                 .drop_duplicates(["rep_id", "person_id"], keep="last")
                 [["rep_id", "person_id", "connected_on", "last_touch", "source"]])
    else:
        knows = pd.DataFrame(columns=["rep_id", "person_id", "connected_on", "last_touch", "source"])

    emp = frames.employments.sort_values(["observed_on", "snapshot_id"])
    works = emp.drop_duplicates("person_id", keep="last")
    works = works[works["company_id"].notna()][["person_id", "company_id", "title", "observed_on"]]

    # A move: the person's employer before the latest one, when it differs.
    known = emp[emp["company_id"].notna()][["person_id", "company_id", "observed_on"]]
    if len(known):
        dedup = known.drop_duplicates(["person_id", "company_id"], keep="last").sort_values("observed_on")
        last = dedup.groupby("person_id").tail(1).set_index("person_id")
        prev = dedup.groupby("person_id").nth(-2).set_index("person_id")
        both = prev.add_suffix("_from").join(last.add_suffix("_to"), how="inner")
        moves = pd.DataFrame({
            "person_id": both.index,
            "from_company_id": both["company_id_from"].to_numpy(),
            "to_company_id": both["company_id_to"].to_numpy(),
            "observed_on": both["observed_on_to"].to_numpy(),
        })
    else:
        moves = pd.DataFrame(columns=["person_id", "from_company_id", "to_company_id", "observed_on"])

    champions = set(frames.champion_marks["person_id"].dropna().astype(int))
    contacts = frames.crm_contacts
    if len(contacts):
        role = contacts["role"].fillna("").str.lower().str.strip()
        champions |= set(contacts.loc[role.isin(CHAMPION_ROLES), "person_id"].dropna().astype(int))
    accounts = (frames.crm_accounts.sort_values("observed_on").drop_duplicates("company_id", keep="last")
                if len(frames.crm_accounts) else frames.crm_accounts)
    return Current(knows=knows, works=works, moves=moves, champions=champions,
                   accounts=accounts, risk=dict(risk or {}))


# --- lookups -------------------------------------------------------------------------


def _find(frame: pd.DataFrame, column: str, name: str, what: str) -> int:
    from relmap.identity import fold

    wanted = " ".join(fold(name).split())
    keys = frame[column].fillna("").map(lambda s: " ".join(fold(str(s)).split()))
    hits = frame[keys == wanted]
    if hits.empty:
        hits = frame[keys.str.contains(wanted, regex=False)] if wanted else hits
    if hits.empty:
        raise ViewNotFound(f"No {what} called {name!r} in the store; check the spelling "
                           f"(the Map page lists every {what}).")
    return int(hits.iloc[0, 0])


def find_rep(frames: Frames, name: str) -> int:
    """The rep_id of the rep called ``name`` (case/accent-insensitive; raises ViewNotFound)."""
    return _find(frames.reps[["rep_id", "rep_name"]], "rep_name", name, "rep")


def find_company(frames: Frames, name: str) -> int:
    """The company_id of the company called ``name`` (raises ViewNotFound)."""
    return _find(frames.companies[["company_id", "company_name"]], "company_name", name, "company")


def find_person(frames: Frames, name: str) -> int:
    """The person_id of the person called ``name`` (raises ViewNotFound)."""
    return _find(frames.people[["person_id", "full_name"]], "full_name", name, "person")


# --- graph helpers ---------------------------------------------------------------------


class _Builder:
    def __init__(self, frames: Frames, cur: Current, title: str):
        self.f = frames
        self.cur = cur
        self.g = nx.DiGraph(title=title, omitted=None)
        self.people = frames.people.set_index("person_id")["full_name"].to_dict()
        self.companies = frames.companies.set_index("company_id")["company_name"].to_dict()
        self.reps = frames.reps.set_index("rep_id")["rep_name"].to_dict()
        self.titles = cur.works.set_index("person_id")["title"].to_dict()
        self.employer = cur.works.set_index("person_id")["company_id"].to_dict()
        self.status = (cur.accounts.set_index("company_id")["status"].to_dict()
                       if len(cur.accounts) else {})

    def rep(self, rep_id) -> str:
        nid = f"rep:{int(rep_id)}"
        if nid not in self.g:
            name = str(self.reps.get(rep_id, f"rep {rep_id}"))
            self.g.add_node(nid, kind="rep", label=name, title=f"{name}\nTeam member (rep)", count=0)
        return nid

    def person(self, person_id) -> str:
        nid = f"person:{int(person_id)}"
        if nid not in self.g:
            name = str(self.people.get(person_id, f"person {person_id}"))
            champ = int(person_id) in self.cur.champions
            parts = [name]
            title = self.titles.get(person_id)
            company = self.companies.get(self.employer.get(person_id))
            if title and not pd.isna(title):
                parts.append(str(title))
            if company:
                parts.append(f"at {company}")
            if champ:
                parts.append("Champion")
            self.g.add_node(nid, kind="champion" if champ else "person",
                            label=f"{name} (champion)" if champ else name,
                            title="\n".join(parts), count=0)
        return nid

    def company(self, company_id) -> str:
        nid = f"company:{int(company_id)}"
        if nid not in self.g:
            name = str(self.companies.get(company_id, f"company {company_id}"))
            status = self.status.get(company_id)
            self.g.add_node(nid, kind="company", label=name, title=name, count=0,
                            status=None if status is None or pd.isna(status) else str(status),
                            single_threaded=False, risk=None, reasons=[])
        return nid

    def edge(self, a: str, b: str, kind: str, label: str = "", title: str = "") -> None:
        if self.g.has_edge(a, b) and self.g.edges[a, b]["kind"] == kind:
            self.g.edges[a, b]["weight"] += 1
            return
        self.g.add_edge(a, b, kind=kind, label=label, title=title or label, weight=1)

    def add_people(self, person_ids, with_company: bool = True) -> None:
        for pid in person_ids:
            p = self.person(pid)
            cid = self.employer.get(pid)
            if with_company and cid is not None and not pd.isna(cid):
                self.edge(p, self.company(cid), "works_at", title=self.g.nodes[p]["title"])

    def add_knows(self, knows: pd.DataFrame) -> None:
        for rep_id, pid in zip(knows["rep_id"], knows["person_id"], strict=True):
            r = self.rep(rep_id)
            p = self.person(pid)
            self.edge(r, p, "knows", title=f"{self.g.nodes[r]['label']} knows {self.g.nodes[p]['label']}")

    def add_moves(self, person_ids: set | None = None, company_ids: set | None = None) -> None:
        moves = self.cur.moves
        for pid, src, dst, when in zip(moves["person_id"], moves["from_company_id"], moves["to_company_id"],
                                       moves["observed_on"], strict=True):
            if person_ids is not None and company_ids is not None:
                if pid not in person_ids and src not in company_ids and dst not in company_ids:
                    continue
            a, b = self.company(src), self.company(dst)
            name = self.people.get(pid, "someone")
            day = "" if pd.isna(when) else f" (seen {pd.Timestamp(when).date().isoformat()})"
            self.edge(a, b, "moved", label=f"moved: {name}",
                      title=f"{name} moved from {self.g.nodes[a]['label']} to {self.g.nodes[b]['label']}{day}")

    def add_referrals(self) -> None:
        ref = self.f.referrals
        for a, b in zip(ref["referrer_id"], ref["referred_id"], strict=True):
            na, nb = f"person:{int(a)}", f"person:{int(b)}"
            if na in self.g or nb in self.g:
                pa, pb = self.person(a), self.person(b)
                self.edge(pa, pb, "referral", label="referral",
                          title=f"{self.g.nodes[pa]['label']} referred {self.g.nodes[pb]['label']}")

    def finish(self) -> nx.DiGraph:
        g = self.g
        # Company size = relationships the team has there; threading from the people shown.
        people_at: dict[str, set] = {}
        reps_at: dict[str, set] = {}
        for a, b, d in g.edges(data=True):
            if d["kind"] == "works_at":
                people_at.setdefault(b, set()).add(a)
        for a, b, d in g.edges(data=True):
            if d["kind"] == "knows":
                g.nodes[b]["count"] += 1
                g.nodes[a]["count"] += 1
                for c in g.successors(b):
                    if g.edges[b, c]["kind"] == "works_at":
                        reps_at.setdefault(c, set()).add(a)
                        g.nodes[c]["count"] += 1
        for nid, data in g.nodes(data=True):
            if data["kind"] != "company":
                continue
            cid = int(nid.split(":")[1])
            n_people = len(people_at.get(nid, ()))
            extra = self.cur.risk.get(cid) or {}
            reasons = list(extra.get("reasons") or [])
            is_account = data.get("status") in ACCOUNT_STATUSES
            single = bool(extra.get("single_threaded", is_account and n_people <= 1))
            if single and not reasons:
                reasons = [f"{n_people} known contact{'s' if n_people != 1 else ''} at {data['label']}"]
            data["single_threaded"] = single
            data["risk"] = extra.get("level") or ("high" if single else None)
            data["reasons"] = reasons
            lines = [data["label"]]
            if data.get("status"):
                lines.append(f"CRM status: {data['status']}")
            lines.append(f"{n_people} people shown, {len(reps_at.get(nid, ()))} reps know them, "
                         f"{data['count']} relationships")
            if single:
                lines.append("Single-threaded account")
            if data["risk"]:
                lines.append(f"Risk: {data['risk']}")
            lines += [f"- {r}" for r in reasons]
            data["title"] = "\n".join(lines)
        return g


def _cap(g: nx.DiGraph, cap: int) -> nx.DiGraph:
    """Above ``cap`` nodes, fold plain contacts into their companies (reps, champions stay)."""
    if g.number_of_nodes() <= cap:
        return g
    folded: dict[str, int] = {}
    drop = []
    for nid, d in g.nodes(data=True):
        if d["kind"] != "person":
            continue
        companies = [c for c in g.successors(nid) if g.edges[nid, c]["kind"] == "works_at"]
        if not companies:
            continue
        drop.append(nid)
        comp = companies[0]
        folded[comp] = folded.get(comp, 0) + 1
        for rep in g.predecessors(nid):
            if g.edges[rep, nid]["kind"] == "knows":
                if g.has_edge(rep, comp):
                    g.edges[rep, comp]["weight"] += 1
                else:
                    g.add_edge(rep, comp, kind="covers", label="", weight=1,
                               title=f"{g.nodes[rep]['label']} knows people at {g.nodes[comp]['label']}")
    g.remove_nodes_from(drop)
    for comp, n in folded.items():
        g.nodes[comp]["label"] = f"{g.nodes[comp]['label']} ({n} people)"
        g.nodes[comp]["title"] += f"\n{n} contacts grouped into this node"
    msg = (f"{len(drop)} contacts are grouped into their {len(folded)} companies "
           f"to keep the map readable (cap {cap} nodes); open a company to see its people.")
    if g.number_of_nodes() > cap:
        by_size = sorted((n for n, d in g.nodes(data=True) if d["kind"] == "company"),
                         key=lambda n: g.nodes[n]["count"])
        extra = by_size[: g.number_of_nodes() - cap]
        g.remove_nodes_from(extra)
        msg += f" {len(extra)} smallest companies are not shown."
    g.graph["omitted"] = msg
    return g


# --- views -----------------------------------------------------------------------------


def rep_graph(frames: Frames, rep_id: int, cur: Current | None = None, cap: int = NODE_CAP) -> nx.DiGraph:
    """One rep's current network: the rep, their contacts, the contacts' companies,
    moves between those companies and referrals touching those contacts."""
    cur = cur or current_state(frames)
    b = _Builder(frames, cur, f"Network of {frames.reps.set_index('rep_id')['rep_name'].get(rep_id, rep_id)}")
    b.rep(rep_id)
    knows = cur.knows[cur.knows["rep_id"] == rep_id]
    b.add_knows(knows)
    b.add_people(knows["person_id"])
    pids = set(knows["person_id"])
    cids = {int(n.split(":")[1]) for n in b.g if n.startswith("company:")}
    b.add_moves(pids, cids)
    b.add_referrals()
    return _cap(b.finish(), cap)


def company_graph(frames: Frames, company_id: int, cur: Current | None = None, cap: int = NODE_CAP) -> nx.DiGraph:
    """A company (account): its people now, the reps who know them, people who moved
    in or out (with the other company) and referrals touching them."""
    cur = cur or current_state(frames)
    name = frames.companies.set_index("company_id")["company_name"].get(company_id, company_id)
    b = _Builder(frames, cur, f"Account map: {name}")
    b.company(company_id)
    here = cur.works.loc[cur.works["company_id"] == company_id, "person_id"]
    movers = cur.moves[(cur.moves["from_company_id"] == company_id) | (cur.moves["to_company_id"] == company_id)]
    pids = set(here) | set(movers["person_id"])
    b.add_people(sorted(pids))
    b.add_knows(cur.knows[cur.knows["person_id"].isin(pids)])
    b.add_moves(pids, {company_id})
    b.add_referrals()
    return _cap(b.finish(), cap)


def person_graph(frames: Frames, person_id: int, cur: Current | None = None, cap: int = NODE_CAP) -> nx.DiGraph:
    """A person: where they work and worked, the reps who know them, referrals."""
    cur = cur or current_state(frames)
    name = frames.people.set_index("person_id")["full_name"].get(person_id, person_id)
    b = _Builder(frames, cur, f"Person: {name}")
    b.add_people([person_id])
    past = frames.employments.loc[(frames.employments["person_id"] == person_id)
                                  & frames.employments["company_id"].notna(), "company_id"]
    for cid in past.unique():
        b.edge(b.person(person_id), b.company(cid), "works_at", title="seen working here")
    b.add_knows(cur.knows[cur.knows["person_id"] == person_id])
    b.add_moves({person_id}, set())
    b.add_referrals()
    return _cap(b.finish(), cap)


def team_graph(frames: Frames, cur: Current | None = None, cap: int = NODE_CAP) -> nx.DiGraph:
    """The whole team aggregated by company: reps, companies (size = relationships),
    rep -> company edges weighted by contacts, moves between companies."""
    cur = cur or current_state(frames)
    b = _Builder(frames, cur, "Team map by company")
    pairs = cur.knows.merge(cur.works[["person_id", "company_id"]], on="person_id")
    counts = pairs.groupby(["rep_id", "company_id"]).size()
    people_at = pairs.groupby("company_id")["person_id"].nunique().to_dict()
    for (rep_id, cid), n in counts.items():
        r, c = b.rep(rep_id), b.company(cid)
        b.g.add_edge(r, c, kind="covers", label="", weight=int(n),
                     title=f"{b.g.nodes[r]['label']} knows {int(n)} people at {b.g.nodes[c]['label']}")
        b.g.nodes[c]["count"] += int(n)
        b.g.nodes[r]["count"] += int(n)
    for (_, status_row) in (cur.accounts.iterrows() if len(cur.accounts) else []):
        if pd.notna(status_row["company_id"]):
            b.company(status_row["company_id"])
    b.add_moves()
    g = b.g
    for nid, d in g.nodes(data=True):
        if d["kind"] != "company":
            continue
        cid = int(nid.split(":")[1])
        n = int(people_at.get(cid, 0))
        extra = cur.risk.get(cid) or {}
        single = bool(extra.get("single_threaded", d.get("status") in ACCOUNT_STATUSES and n <= 1))
        d["single_threaded"] = single
        d["risk"] = extra.get("level") or ("high" if single else None)
        d["reasons"] = list(extra.get("reasons") or ([f"{n} known contact(s)"] if single else []))
        d["label"] = f"{d['label']} ({n})"
        d["title"] = "\n".join([d["title"], f"{n} people known, {d['count']} relationships"]
                               + (["Single-threaded account"] if single else [])
                               + [f"- {r}" for r in d["reasons"]])
    if g.number_of_nodes() > cap:
        comps = sorted((n for n, d in g.nodes(data=True) if d["kind"] == "company"),
                       key=lambda n: (g.nodes[n]["single_threaded"], g.nodes[n]["count"]))
        extra_nodes = comps[: g.number_of_nodes() - cap]
        g.remove_nodes_from(extra_nodes)
        g.graph["omitted"] = (f"{len(extra_nodes)} companies with the fewest relationships are not shown "
                              f"(cap {cap} nodes); search a company to open it.")
    return g
