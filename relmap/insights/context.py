"""Shared preparation of the store's frames for every insight.

``prepare(frames, as_of)`` resolves company renames (same normalised name or same
domain -> one canonical company id), collects every observation of a person at a
company (LinkedIn, CRM, referral; not Positions history), each person's current
company and title, relationship strength per rep and person, and the latest CRM
view of each account. Every insight module reads a ``Context``; nothing here loops
over rows in Python.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from relmap.insights.weights import SETTINGS
from relmap.store import Frames

_EXEC = re.compile(
    r"\b(?:chief|c[a-z]?[eofimrst]o|cxo|vp|svp|evp|avp|vice[\s-]*president|president|founder|co[\s-]*founder|"
    r"owner|partner|head|general manager|managing director|gm|md|board|chair(?:man|woman|person)?)\b",
    re.IGNORECASE,
)
_MANAGER = re.compile(r"\b(?:director|manager|lead|leader|supervisor|principal|mgr)\b", re.IGNORECASE)

_DEPARTMENTS = {
    "finance": r"financ|cfo|account(?:ing|ant)|controller|treasur",
    "it": r"\bit\b|information technology|cio|infrastructure|sysadmin|helpdesk",
    "security": r"secur|ciso|compliance|risk",
    "engineering": r"engineer|developer|software|cto|architect|devops|data",
    "sales": r"sales|account executive|business development|cro|revenue",
    "marketing": r"marketing|cmo|brand|growth|content",
    "operations": r"operations|coo|supply|logistics|procurement|purchasing",
    "people": r"\bhr\b|human resources|people|talent|recruit|chro",
    "legal": r"legal|counsel|attorney|lawyer",
    "product": r"product|design|ux",
    "support": r"support|customer success|service",
}

CHAMPION_ROLES = {"champion", "decision_maker", "economic_buyer"}


def seniority(titles: pd.Series) -> pd.Series:
    """``executive`` / ``manager`` / ``practitioner`` (or None when no title) per title.

    >>> seniority(pd.Series(["VP Sales", "Sales Manager", "Engineer", None])).tolist()
    ['executive', 'manager', 'practitioner', None]
    """
    uniq = pd.Series(titles.dropna().astype(str).unique())
    level = np.where(uniq.str.contains(_EXEC), "executive",
                     np.where(uniq.str.contains(_MANAGER), "manager", "practitioner"))
    mapping = dict(zip(uniq, level))
    return titles.map(mapping).astype(object).where(titles.notna(), None)


def department(titles: pd.Series) -> pd.Series:
    """The department a title belongs to (``finance``, ``it``...) or None."""
    uniq = pd.Series(titles.dropna().astype(str).unique())
    out = pd.Series([None] * len(uniq), dtype=object)
    for name, pattern in _DEPARTMENTS.items():
        hit = out.isna() & uniq.str.contains(pattern, case=False, regex=True)
        out[hit] = name
    mapping = dict(zip(uniq, out))
    return titles.map(mapping).astype(object).where(titles.notna(), None)


def norm_role(roles: pd.Series) -> pd.Series:
    """CRM roles lowercased with spaces and dashes as underscores (``Economic Buyer`` -> ``economic_buyer``)."""
    return roles.astype(object).where(roles.notna(), "").astype(str).str.strip().str.lower() \
        .str.replace(r"[\s\-]+", "_", regex=True)


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce")


def _canonical_companies(companies: pd.DataFrame) -> pd.Series:
    """company_id -> canonical company_id: same norm_key or same domain is one company."""
    if companies.empty:
        return pd.Series(dtype="int64")
    c = companies[["company_id", "norm_key", "domain"]].copy()
    c["company_id"] = c["company_id"].astype("int64")
    c["canon"] = c["company_id"]
    for _ in range(2):
        c["canon"] = c.groupby(c["norm_key"].fillna("#" + c["company_id"].astype(str)))["canon"].transform("min")
        has_dom = c["domain"].notna() & (c["domain"].astype(str) != "")
        if has_dom.any():
            c.loc[has_dom, "canon"] = c[has_dom].groupby("domain")["canon"].transform("min")
    return pd.Series(c["canon"].to_numpy(), index=c["company_id"].to_numpy())


@dataclass
class Context:
    """Prepared frames for insights (see module doc)."""

    as_of: pd.Timestamp
    frames: Frames
    canon: pd.Series                 # company_id -> canonical id
    company_name: pd.Series          # canonical id -> display name
    person_name: pd.Series           # person_id -> full name
    rep_name: pd.Series              # rep_id -> name
    obs: pd.DataFrame                # person_id, company_id, title, observed_on, snapshot_id, source
    current: pd.DataFrame            # index person_id: company_id, title, observed_on, seniority
    rels: pd.DataFrame               # rep_id, person_id, connected_on, last_touch, message_count, strength
    gone_reps: pd.Series             # rep_id -> last LinkedIn export date, for reps who have left
    gone_rels: pd.DataFrame          # rep_id, person_id: the relationships those reps held (no longer live)
    accounts: pd.DataFrame           # index company_id: name, status, owner, arr, renewal_date, last_activity,
    #                                  next_close, open_opps, won
    contacts: pd.DataFrame           # latest CRM contacts: person_id, company_id, title, role, owner, last_activity
    snapshot_file: pd.Series         # snapshot_id -> file name
    snapshot_rep: pd.Series          # snapshot_id -> rep_id (NaN for CRM)
    cache: dict = field(default_factory=dict)
    pcanon: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))  # person_id -> same person's id

    def person_of(self, person_id) -> int:
        """The id insights use for ``person_id`` (records linked as one person share one id)."""
        pid = int(person_id)
        return int(self.pcanon.get(pid, pid)) if len(self.pcanon) else pid

    def to_person(self, ids: pd.Series) -> pd.Series:
        """``person_of`` for a column of person ids (NaN stays NaN)."""
        if not len(self.pcanon):
            return ids
        mapped = ids.map(self.pcanon)
        return mapped.where(mapped.notna(), ids)

    def _names(self, key: str, series: pd.Series) -> dict:
        if key not in self.cache:
            self.cache[key] = dict(zip(series.index.tolist(), series.tolist()))
        return self.cache[key]

    def cname(self, company_id) -> str:
        """Display name of a (canonical) company id."""
        if company_id is None or pd.isna(company_id):
            return "an unknown company"
        return str(self._names("_cn", self.company_name).get(int(company_id), f"company {int(company_id)}"))

    def pname(self, person_id) -> str:
        """Full name of a person id."""
        return str(self._names("_pn", self.person_name).get(int(person_id), f"person {int(person_id)}"))

    def rname(self, rep_id) -> str:
        """Name of a rep id."""
        return str(self._names("_rn", self.rep_name).get(int(rep_id), f"rep {int(rep_id)}"))

    def to_canon(self, ids: pd.Series) -> pd.Series:
        """Canonical company ids for ``ids`` (NaN stays NaN)."""
        mapped = ids.map(self.canon)
        return mapped.where(mapped.notna(), ids)


def _drop_stale_crm(obs: pd.DataFrame) -> pd.DataFrame:
    """Drop CRM sightings that lag behind LinkedIn: a CRM row at A on day d is stale when LinkedIn (or
    any non-CRM source) first saw the person at another company B on or before d, after A had already
    been seen. Otherwise a CRM export taken after the move would hide it. A CRM row at a company nobody
    saw before (e.g. a contact whose email domain changed) is kept: that is a move the CRM reports."""
    is_crm = (obs["source"] == "crm").to_numpy(dtype=bool, na_value=False)
    if not is_crm.any() or is_crm.all():
        return obs
    crm = obs.loc[is_crm, ["person_id", "company_id", "observed_on"]]
    people = crm["person_id"].unique()
    mine = obs[obs["person_id"].isin(people)]
    first_any = mine.groupby(["person_id", "company_id"], sort=False)["observed_on"].min().rename("first_a")
    nc = mine[(mine["source"] != "crm").to_numpy(dtype=bool, na_value=True)]
    first_nc = nc.groupby(["person_id", "company_id"], sort=False)["observed_on"].min().rename("first_b") \
        .reset_index().rename(columns={"company_id": "other"})
    cand = crm.reset_index().merge(first_any, left_on=["person_id", "company_id"], right_index=True) \
        .merge(first_nc, on="person_id")
    stale = cand[(cand["other"] != cand["company_id"]) & (cand["first_b"] <= cand["observed_on"])
                 & (cand["first_a"] < cand["first_b"])]["index"].unique()
    return obs.drop(index=stale) if len(stale) else obs


def _categoricals(parts: list[pd.Series]) -> list[pd.Categorical]:
    """``parts`` as categoricals sharing one dtype (categories sorted when they can be, as
    ``astype("category")`` does), so concatenating them stays categorical and cheap."""
    codes, uniques = zip(*(pd.factorize(p) for p in parts))
    cats = pd.Index(np.concatenate([np.asarray(u, dtype=object) for u in uniques]), dtype=object).unique()
    try:
        cats = cats.sort_values()
    except TypeError:  # mixed types: keep first-seen order
        pass
    cats = pd.Index(cats.tolist())
    dtype = pd.CategoricalDtype(cats)
    out = []
    for c, u in zip(codes, uniques):
        remap = np.append(cats.get_indexer(pd.Index(np.asarray(u, dtype=object))), -1)  # code -1 stays -1
        out.append(pd.Categorical.from_codes(remap[c], dtype=dtype))
    return out


def _current(obs: pd.DataFrame) -> pd.DataFrame:
    """Each person's latest observation, indexed by person id in ascending order: the row with the
    latest ``observed_on`` (missing dates count as latest), a non-CRM row before a CRM one on the same
    day, and the later row of ``obs`` on a full tie."""
    person = obs["person_id"].to_numpy()
    if len(obs):
        codes, days = pd.factorize(obs["observed_on"].to_numpy(), use_na_sentinel=True)
        rank = np.empty(len(days) + 1, dtype="int64")  # rank of each distinct date; code -1 (NaT) last
        rank[np.argsort(np.asarray(days), kind="stable")] = np.arange(len(days))
        rank[-1] = len(days)
        best = rank[codes] * 2 + (obs["source"] != "crm").to_numpy(dtype=bool, na_value=True)
        # idxmax keeps the first maximum: run it backwards to keep the last one.
        first_back = pd.Series(best[::-1]).groupby(person[::-1], sort=True).idxmax().to_numpy()
        last = len(obs) - 1 - first_back
    else:
        last = np.zeros(0, dtype="int64")
    title = obs["title"].astype("category").iloc[last]
    names = np.append(np.asarray(title.cat.categories, dtype=object), np.nan)  # code -1 -> NaN
    current = pd.DataFrame({"company_id": obs["company_id"].to_numpy()[last],
                            "title": names[title.cat.codes.to_numpy()],
                            "observed_on": obs["observed_on"].to_numpy()[last]},
                           index=pd.Index(person[last], name="person_id"))
    # Seniority of each distinct title once, then per person by category code.
    levels = seniority(pd.Series(title.cat.categories, dtype=object)).to_numpy(dtype=object)
    codes = title.cat.codes.to_numpy()
    current["seniority"] = pd.Series(np.where(codes >= 0, levels[np.maximum(codes, 0)] if len(levels) else None, None),
                                     index=current.index, dtype=object)
    return current


def _latest_rep_snapshots(snaps: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray, pd.Series]:
    """Ids of each rep's latest snapshots per kind (all snapshots on the latest date), or None when
    no snapshot names a rep (frames built without snapshots keep every relationship).

    Returns ``(live, gone, gone_reps)``: the latest snapshots of reps still on the team, those of
    reps who have left (their LinkedIn exports stopped more than ``rep_gone_days`` before the
    team's latest LinkedIn export), and ``gone_reps``: rep_id -> their last LinkedIn export date.
    """
    s = snaps[snaps["rep_id"].notna()]
    no_one = pd.Series(dtype="datetime64[ns]")
    if s.empty:
        return None, np.array([], dtype="int64"), no_one
    key = s["rep_id"].astype("int64").astype(str) + "|" + s["kind"].astype(str)
    newest = s.groupby(key)["as_of"].transform("max")
    latest = (s["as_of"] == newest).to_numpy(dtype=bool, na_value=False).copy()
    # A rep whose exports stopped long before the team's latest one has left the team.
    linkedin = s[s["kind"].astype(str).str.startswith("linkedin_")]
    gone_reps = no_one
    if len(linkedin):
        last = pd.to_datetime(linkedin.groupby(linkedin["rep_id"].astype("int64"))["as_of"].max())
        gone_reps = last[last < last.max() - pd.Timedelta(days=SETTINGS.rep_gone_days)]
    gone = s["rep_id"].astype("int64").isin(gone_reps.index).to_numpy()
    ids = s["snapshot_id"].astype("int64").to_numpy()
    return ids[latest & ~gone], ids[latest & gone], gone_reps


def combine_keys(*columns) -> np.ndarray:
    """One int64 key per row for the tuple of integer ``columns`` (equal tuples, equal keys): arithmetic on
    the values when they are small and non-negative, else on their factorized codes. No sorting.

    >>> combine_keys(np.array([1, 1, 2]), np.array([5, 6, 5])).tolist()
    [12, 13, 19]
    """
    parts, bound = [], 1
    for col in columns:
        vals = np.asarray(col)
        if not len(vals):
            return np.zeros(0, dtype="int64")
        if vals.dtype.kind not in "iub" or vals.min() < 0:
            vals = pd.factorize(vals)[0]
        vals = vals.astype("int64", copy=False)
        parts.append((vals, int(vals.max()) + 1))
    total = 1
    for _, b in parts:
        total *= b
    if total >= 1 << 62:  # too wide for arithmetic on the values: use dense codes
        parts = [(c, int(c.max()) + 1) for c in (pd.factorize(v)[0].astype("int64") for v, _ in parts)]
    key = np.zeros(len(parts[0][0]), dtype="int64")
    for vals, b in parts:
        key = key * b + vals
        bound *= b
    return key


def _int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("Int64")


def prepare(frames: Frames, as_of: date | pd.Timestamp | None = None) -> Context:
    """A ``Context`` for ``frames`` as seen on ``as_of`` (default: the latest snapshot date, else today)."""
    snaps = frames.snapshots.copy()
    snaps["as_of"] = _dates(snaps["as_of"])
    if as_of is None:
        as_of = snaps["as_of"].max() if len(snaps) and snaps["as_of"].notna().any() else pd.Timestamp(date.today())
    as_of = pd.Timestamp(as_of).normalize()
    snaps = snaps[snaps["as_of"] <= as_of]
    valid_snaps = set(snaps["snapshot_id"].astype("int64"))

    canon = _canonical_companies(frames.companies)
    comp = frames.companies.copy()
    comp["canon"] = comp["company_id"].astype("int64").map(canon)
    # The canonical id shows the name of its most recent spelling (largest id).
    company_name = comp.sort_values("company_id").drop_duplicates("canon", keep="last") \
        .set_index("canon")["company_name"].astype(str)

    lookup = np.arange(int(max(canon.index.max(), canon.max())) + 1 if len(canon) else 1, dtype="int64")
    if len(canon):
        lookup[canon.index.to_numpy()] = canon.to_numpy()

    def canon_of(s: pd.Series) -> pd.Series:
        """Canonical ids for a column of company ids (NaN stays NaN; unknown ids stay themselves)."""
        s = pd.to_numeric(s, errors="coerce")
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        ok = ~np.isnan(vals) & (vals >= 0) & (vals < len(lookup))
        out = vals.copy()
        out[ok] = lookup[vals[ok].astype("int64")]
        return pd.Series(out, index=s.index)

    all_snaps = len(valid_snaps) == frames.snapshots["snapshot_id"].nunique()

    def in_snaps(df: pd.DataFrame) -> pd.DataFrame:
        if df.empty or all_snaps:
            return df
        return df[df["snapshot_id"].astype("int64").isin(valid_snaps)]

    # --- observations ----------------------------------------------------------------
    # Built from the needed columns only, with title and source as categoricals of one dtype per
    # column, so the 2M-row concat, filters and sorts never touch Python strings.
    emp = frames.employments
    emp_source = emp["source"]
    mask = (emp_source != "positions").to_numpy(dtype=bool, na_value=True) & emp["company_id"].notna().to_numpy()
    if not all_snaps:
        mask &= emp["snapshot_id"].isin(valid_snaps).to_numpy()
    take = np.flatnonzero(mask) if not mask.all() else None

    def col(name: str) -> pd.Series:
        c = emp[name]
        return c if take is None else c.take(take)

    emp_src_codes, emp_src_values = pd.factorize(col("source"))
    emp_is_crm = emp_src_codes == (list(emp_src_values).index("crm") if "crm" in list(emp_src_values) else -2)
    crm_c = in_snaps(frames.crm_contacts)
    crm_c = crm_c.assign(company_id=canon_of(crm_c["company_id"]), observed_on=_dates(crm_c["observed_on"]),
                         last_activity=_dates(crm_c["last_activity"]))
    # The CRM writer also records where each contact works (their email's domain, else their account) as
    # employments: for those snapshots the account column is not an observation of the employer.
    emp_snap = col("snapshot_id")
    crm_emp_snaps = emp_snap[emp_is_crm].unique()
    with_co = crm_c[crm_c["company_id"].notna() & ~crm_c["snapshot_id"].isin(crm_emp_snaps)]
    title = _categoricals([col("title"), with_co["title"]])
    source = _categoricals([pd.Series(pd.Categorical.from_codes(emp_src_codes, categories=emp_src_values)),
                            pd.Series(["crm"] * len(with_co), dtype=object)])
    obs_parts = [pd.DataFrame({
        "person_id": col("person_id").astype("int64").to_numpy(),
        "company_id": canon_of(col("company_id")).astype("int64").to_numpy(),
        "title": title[0],
        "observed_on": _dates(col("observed_on")).to_numpy(),
        "snapshot_id": emp_snap.astype("int64").to_numpy(),
        "source": source[0],
    })]
    obs_parts.append(pd.DataFrame({
        "person_id": with_co["person_id"].astype("int64").to_numpy(),
        "company_id": with_co["company_id"].astype("int64").to_numpy(),
        "title": title[1],
        "observed_on": with_co["observed_on"].to_numpy(),
        "snapshot_id": with_co["snapshot_id"].astype("int64").to_numpy(),
        "source": source[1],
    }))
    obs = pd.concat([p for p in obs_parts if len(p)] or [obs_parts[0]], ignore_index=True)
    late = (obs["observed_on"] > as_of).to_numpy()
    if late.any():
        obs = obs[~late]
    if emp_is_crm.any():  # the CRM writer also recorded employments: count each sighting once
        obs = obs.drop_duplicates(["person_id", "company_id", "snapshot_id"])
    obs = _drop_stale_crm(obs)
    obs = obs.reset_index(drop=True)

    # --- current company: the latest observation (LinkedIn beats CRM on the same day, then the later row) ----
    current = _current(obs)

    # --- relationships per rep and person --------------------------------------------------
    # Live = in the rep's latest snapshot of that kind: someone dropped from a later Connections
    # export is no longer a relationship (nor a thread, nor a warm path).
    rel = in_snaps(frames.relationships)
    latest, gone_snaps, gone_reps = _latest_rep_snapshots(snaps)
    gone_rels = rel.loc[rel["snapshot_id"].isin(gone_snaps), ["rep_id", "person_id"]].astype("int64") \
        .drop_duplicates().reset_index(drop=True)
    if len(rel) and latest is not None:
        rel = rel[rel["snapshot_id"].isin(latest)]
    rel = pd.DataFrame({
        "rep_id": rel["rep_id"].astype("int64"),
        "person_id": rel["person_id"].astype("int64"),
        "connected_on": _dates(rel["connected_on"]),
        "last_touch": _dates(rel["last_touch"]),
        "message_count": pd.to_numeric(rel["message_count"], errors="coerce").fillna(0).astype("int64"),
    })
    key = rel["rep_id"].to_numpy() * (1 << 32) + rel["person_id"].to_numpy()
    if len(rel) and pd.Series(key).duplicated().any():  # one row per (rep, person) already: nothing to merge
        g = rel.groupby(key, sort=False)
        rel = pd.DataFrame({"connected_on": g["connected_on"].min(), "last_touch": g["last_touch"].max(),
                            "message_count": g["message_count"].max()})
        rel.insert(0, "person_id", (rel.index.to_numpy() & ((1 << 32) - 1)).astype("int64"))
        rel.insert(0, "rep_id", (rel.index.to_numpy() >> 32).astype("int64"))
        rel = rel.reset_index(drop=True)
    recent = (as_of - rel["last_touch"]).dt.days <= SETTINGS.strength_recent_days
    rel["strength"] = (1.0 + np.minimum(rel["message_count"].to_numpy(), 20) / 10.0
                       + recent.to_numpy().astype(float))

    # --- CRM: latest contacts and accounts ---------------------------------------------------
    if len(crm_c):
        latest_c = crm_c["observed_on"].max()
        contacts = crm_c[crm_c["observed_on"] == latest_c].drop_duplicates(["person_id", "company_id"])
    else:
        contacts = crm_c
    contacts = contacts.assign(role_key=norm_role(contacts["role"]) if len(contacts) else pd.Series(dtype=object))

    acc = in_snaps(frames.crm_accounts)
    acc = acc[acc["company_id"].notna()].assign(company_id=lambda d: canon_of(d["company_id"]).astype("int64"),
                                                observed_on=lambda d: _dates(d["observed_on"]))
    acc = acc.sort_values("observed_on").drop_duplicates("company_id", keep="last").set_index("company_id")
    accounts = pd.DataFrame({
        "name": acc["name"].astype(object), "status": acc["status"].astype(object).str.lower(),
        "owner": acc["owner"].astype(object), "arr": pd.to_numeric(acc["arr"], errors="coerce"),
        "renewal_date": _dates(acc["renewal_date"]), "last_activity": _dates(acc["last_activity"]),
    })
    opps = in_snaps(frames.crm_opportunities)
    opps = opps[opps["company_id"].notna()].assign(
        company_id=lambda d: canon_of(d["company_id"]).astype("int64"),
        observed_on=lambda d: _dates(d["observed_on"]), close_date=lambda d: _dates(d["close_date"]))
    latest_opps = opps.sort_values("observed_on").drop_duplicates(["company_id", "name"], keep="last")
    is_closed = latest_opps["is_closed"].fillna(False).astype(bool)
    is_won = latest_opps["is_won"].fillna(False).astype(bool)
    open_opps = latest_opps[~is_closed]
    won = set(latest_opps.loc[is_won, "company_id"])
    accounts["open_opps"] = open_opps.groupby("company_id").size().reindex(accounts.index).fillna(0).astype(int)
    accounts["next_close"] = open_opps[open_opps["close_date"] >= as_of].groupby("company_id")["close_date"].min() \
        .reindex(accounts.index)
    # Companies with an open or won opportunity but no account row still count.
    extra = (set(open_opps["company_id"]) | won) - set(accounts.index)
    if extra:
        add = pd.DataFrame(index=pd.Index(sorted(extra), name="company_id"))
        add["name"] = [company_name.get(c, f"company {c}") for c in add.index]
        add["status"] = ["customer" if c in won else "opportunity" for c in add.index]
        add["open_opps"] = open_opps.groupby("company_id").size().reindex(add.index).fillna(0).astype(int)
        add["next_close"] = open_opps.groupby("company_id")["close_date"].min().reindex(add.index)
        accounts = pd.concat([accounts, add])
    accounts["status"] = accounts["status"].fillna("prospect")
    accounts.loc[(accounts["status"] == "prospect") & (accounts["open_opps"] > 0), "status"] = "opportunity"
    accounts.loc[accounts.index.isin(won) & ~accounts["status"].isin(["customer", "churned"]), "status"] = "customer"
    accounts["won"] = accounts.index.isin(won)
    accounts.index.name = "company_id"
    # The CRM's account name is the display name when the company has one.
    name_map = company_name.copy()
    named = accounts["name"].notna()
    name_map = pd.concat([name_map[~name_map.index.isin(accounts.index[named])], accounts.loc[named, "name"]])

    people = frames.people
    reps = frames.reps
    return Context(
        as_of=as_of,
        frames=frames,
        canon=canon,
        company_name=name_map,
        person_name=pd.Series(people["full_name"].astype(str).to_numpy(), index=people["person_id"].astype("int64")),
        rep_name=pd.Series(reps["rep_name"].astype(str).to_numpy(), index=reps["rep_id"].astype("int64")),
        obs=obs.reset_index(drop=True),
        current=current,
        rels=rel,
        gone_reps=gone_reps,
        gone_rels=gone_rels,
        accounts=accounts,
        contacts=contacts.reset_index(drop=True),
        snapshot_file=pd.Series(snaps["file_name"].astype(str).to_numpy(), index=snaps["snapshot_id"].astype("int64")),
        snapshot_rep=pd.Series(pd.to_numeric(snaps["rep_id"], errors="coerce").to_numpy(),
                               index=snaps["snapshot_id"].astype("int64")),
    )


def parse_contact_roles(value) -> list[dict]:
    """The ``contact_roles`` JSON of an opportunity as a list of ``{person_id, role}`` (bad JSON -> [])."""
    if isinstance(value, list):
        return value
    if not isinstance(value, str) or not value.strip():
        return []
    try:
        data = json.loads(value)
    except ValueError:
        return []
    return [d for d in data if isinstance(d, dict) and d.get("person_id") is not None] if isinstance(data, list) else []


def month(ts) -> str:
    """``2026-03`` for a timestamp (``unknown`` when missing)."""
    if ts is None or pd.isna(ts):
        return "unknown"
    ts = ts if isinstance(ts, pd.Timestamp) else pd.Timestamp(ts)
    return f"{ts.year:04d}-{ts.month:02d}"


def iso(ts) -> str | None:
    """ISO date string or None."""
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()


def iso_list(values: pd.Series) -> list:
    """``iso`` for a column of dates, each distinct date formatted once.

    >>> iso_list(pd.Series(pd.to_datetime(["2026-03-01", None, "2026-03-01"])))
    ['2026-03-01', None, '2026-03-01']
    """
    codes, days = pd.factorize(pd.Series(values), use_na_sentinel=True)
    texts = [iso(d) for d in days] + [None]  # code -1 (missing) -> None
    return [texts[c] for c in codes.tolist()]
