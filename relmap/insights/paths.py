"""Warm intro paths from reps to a person or an account, on a pruned graph.

The search never builds a graph of the store: it starts from the target people
(the account's current people, or one person) and follows only the edges that
touch them -- rep connections (1 hop), the rep's own past employers from
Positions (1 hop), people who used to work at the account (2 hops: rep -> former
employee -> account), referrals (2 hops) and a rep's former colleagues (2 hops).
Paths are ranked by hops, then strength (recency, messages, CRM role).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pandas as pd

from relmap.insights.context import CHAMPION_ROLES, Context, iso
from relmap.insights.moves import job_changes
from relmap.insights.weights import SETTINGS

PATH_COLUMNS = ["company_id", "rep_id", "target_id", "via_id", "via_company_id", "hops", "strength", "kind"]


def _rep_positions(ctx: Context) -> pd.DataFrame:
    """rep_id, company_id (canonical), started_on, ended_on for the reps' own past employers."""
    if "rep_positions" in ctx.cache:
        return ctx.cache["rep_positions"]
    reps = ctx.frames.reps.dropna(subset=["person_id"])
    emp = ctx.frames.employments
    pos = emp[(emp["source"] == "positions") & emp["company_id"].notna()
              & emp["person_id"].isin(reps["person_id"])]
    out = pos.merge(reps[["rep_id", "person_id"]], on="person_id")
    out = pd.DataFrame({"rep_id": out["rep_id"].astype("int64"),
                        "company_id": ctx.to_canon(out["company_id"]).astype("int64"),
                        "started_on": pd.to_datetime(out["started_on"]), "ended_on": pd.to_datetime(out["ended_on"])})
    out = out.drop_duplicates(["rep_id", "company_id"])
    ctx.cache["rep_positions"] = out
    return out


def rows_for(ctx: Context, name: str, frame: pd.DataFrame, column: str, ids, index: bool = True) -> pd.DataFrame:
    """Rows of ``frame`` whose ``column`` is in ``ids``, in frame order, through a sorted index kept in
    ``ctx.cache`` (so one query touches only its rows, not the whole frame). A query for many ids
    (at least 0.1% of the rows), or with ``index=False`` (a one-off batch), with no index built yet is
    one pass over the frame instead: cheaper than sorting it for an index nobody else may use."""
    key = ("index", name)
    ids = np.unique(np.asarray(ids, dtype="int64"))
    if key not in ctx.cache and (not index or len(ids) * 1000 >= len(frame)):
        return frame[frame[column].isin(ids).to_numpy()]
    if key not in ctx.cache:
        values = frame[column].to_numpy(dtype="int64")
        order = np.argsort(values, kind="stable")
        ctx.cache[key] = (order, values[order])
    order, ordered = ctx.cache[key]
    lo = np.searchsorted(ordered, ids, "left")
    hi = np.searchsorted(ordered, ids, "right")
    counts = hi - lo
    if counts.sum() == 0:
        return frame.iloc[0:0]
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    return frame.iloc[np.sort(order[starts])]


def _crm_bonus(ctx: Context) -> pd.Series:
    c = ctx.contacts
    if "crm_bonus" not in ctx.cache:
        hit = c[c["role_key"].isin(CHAMPION_ROLES)] if len(c) else c
        ctx.cache["crm_bonus"] = pd.Series(1.0, index=pd.Index(hit["person_id"].unique() if len(hit) else []))
    return ctx.cache["crm_bonus"]


def path_frame(ctx: Context, company_ids=(), person_ids=(), index: bool = True) -> pd.DataFrame:
    """All warm paths (columns ``PATH_COLUMNS``) to the people currently at ``company_ids``
    and to ``person_ids`` (``company_id`` is the account, or the person's company). ``index=False``
    for a one-off batch: no per-person index is built for later queries (see ``rows_for``)."""
    company_ids = [int(c) for c in company_ids]
    cur = ctx.current
    at = cur[cur["company_id"].isin(company_ids)]
    targets = pd.DataFrame({"target_id": at.index.to_numpy(dtype="int64"),
                            "company_id": at["company_id"].to_numpy(dtype="int64")})
    if len(person_ids):
        extra = pd.DataFrame({"target_id": np.asarray(person_ids, dtype="int64")})
        extra["company_id"] = extra["target_id"].map(cur["company_id"]).fillna(-1).astype("int64")
        targets = pd.concat([targets, extra], ignore_index=True).drop_duplicates("target_id")
    parts = []
    rels = ctx.rels
    bonus = _crm_bonus(ctx)
    # 1 hop: a rep knows the target.
    direct = rows_for(ctx, "rels", rels, "person_id", targets["target_id"], index).merge(
        targets, left_on="person_id", right_on="target_id")
    if len(direct):
        parts.append(pd.DataFrame({
            "company_id": direct["company_id"], "rep_id": direct["rep_id"], "target_id": direct["target_id"],
            "via_id": -1, "via_company_id": -1, "hops": 1,
            "strength": direct["strength"] + direct["target_id"].map(bonus).fillna(0.0), "kind": "direct"}))
    # 1 hop: the rep used to work at the account.
    pos = _rep_positions(ctx)
    worked = pos[pos["company_id"].isin(company_ids)]
    if len(worked):
        parts.append(pd.DataFrame({
            "company_id": worked["company_id"], "rep_id": worked["rep_id"], "target_id": -1, "via_id": -1,
            "via_company_id": -1, "hops": 1, "strength": 1.0, "kind": "former_employee"}))
    # 2 hops: the rep knows someone who used to work at the account.
    moves = job_changes(ctx)
    former = moves[moves["from_company_id"].isin(company_ids)][["person_id", "from_company_id"]]
    if len(former):
        f = rows_for(ctx, "rels", rels, "person_id", former["person_id"], index).merge(former, on="person_id")
        f = f[~f["person_id"].isin(targets["target_id"])]
        if len(f):
            parts.append(pd.DataFrame({
                "company_id": f["from_company_id"], "rep_id": f["rep_id"], "target_id": -1,
                "via_id": f["person_id"], "via_company_id": -1, "hops": 2, "strength": f["strength"] * 0.8,
                "kind": "former_colleague"}))
    # 2 hops: referrals (either direction) between a known person and a target.
    ref = ctx.frames.referrals
    if len(ref):
        pairs = pd.concat([
            pd.DataFrame({"via_id": ref["referrer_id"], "target_id": ref["referred_id"]}),
            pd.DataFrame({"via_id": ref["referred_id"], "target_id": ref["referrer_id"]}),
        ]).astype("int64")
        pairs = pairs[pairs["target_id"].isin(targets["target_id"])].merge(targets, on="target_id")
        r = rows_for(ctx, "rels", rels, "person_id", pairs["via_id"], index).merge(pairs, left_on="person_id",
                                                                           right_on="via_id")
        if len(r):
            parts.append(pd.DataFrame({
                "company_id": r["company_id"], "rep_id": r["rep_id"], "target_id": r["target_id"],
                "via_id": r["via_id"], "via_company_id": -1, "hops": 2, "strength": r["strength"] * 0.9,
                "kind": "referral"}))
    # 2 hops: the rep and the target once worked at the same company.
    if len(pos) and len(targets):
        hist = rows_for(ctx, "obs", ctx.obs, "person_id", targets["target_id"], index)[["person_id", "company_id"]] \
            .drop_duplicates().rename(columns={"person_id": "target_id", "company_id": "via_company_id"})
        hist = hist.merge(targets, on="target_id")
        hist = hist[hist["via_company_id"] != hist["company_id"]]
        both = hist.merge(pos[["rep_id", "company_id"]].rename(columns={"company_id": "via_company_id"}),
                          on="via_company_id")
        if len(both):
            parts.append(pd.DataFrame({
                "company_id": both["company_id"], "rep_id": both["rep_id"], "target_id": both["target_id"],
                "via_id": -1, "via_company_id": both["via_company_id"], "hops": 2, "strength": 0.7,
                "kind": "rep_colleague"}))
    if not parts:
        return pd.DataFrame(columns=PATH_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["company_id", "hops", "strength"], ascending=[True, True, False], kind="stable")
    return out.reset_index(drop=True)


_LOOK_UP = object()
_PathRow = namedtuple("_PathRow", PATH_COLUMNS)


def path_sentence(ctx: Context, row, title=_LOOK_UP) -> str:
    """One path as a sentence a rep can act on (``title``: the target's current title, when the caller
    has already looked it up)."""
    rep = ctx.rname(row.rep_id)
    if row.kind == "direct":
        if title is _LOOK_UP:
            title = ctx.current.at[int(row.target_id), "title"] if int(row.target_id) in ctx.current.index else None
        at = f"{title + ' at ' if isinstance(title, str) else ''}{ctx.cname(row.company_id)}"
        return f"{rep} knows {ctx.pname(row.target_id)} ({at})"
    if row.kind == "former_employee":
        return f"{rep} used to work at {ctx.cname(row.company_id)}"
    if row.kind == "former_colleague":
        return f"{rep} knows {ctx.pname(row.via_id)}, who used to work at {ctx.cname(row.company_id)}"
    if row.kind == "referral":
        return (f"{rep} knows {ctx.pname(row.via_id)}, linked by a referral to {ctx.pname(row.target_id)} "
                f"at {ctx.cname(row.company_id)}")
    return (f"{rep} and {ctx.pname(row.target_id)} (now at {ctx.cname(row.company_id)}) both worked at "
            f"{ctx.cname(row.via_company_id)}")


def path_records(ctx: Context, paths: pd.DataFrame, limit: int | None = None) -> list[dict]:
    """Paths as dicts ``{rep, target, via, hops, strength, kind, path, sentence}``, best first
    (``limit`` None: ``SETTINGS.max_paths``; 0: every row)."""
    limit = SETTINGS.max_paths if limit is None else limit
    rows = paths.head(limit) if limit else paths
    if rows.empty:
        return []
    # Plain lists, not itertuples: this runs for thousands of paths at team scale.
    titles = ctx.current["title"].reindex(rows["target_id"].to_numpy()).tolist()
    out = []
    for values, title in zip(zip(*(rows[c].tolist() for c in PATH_COLUMNS)), titles):
        row = _PathRow(*values)
        chain = [ctx.rname(row.rep_id)]
        if row.via_id != -1:
            chain.append(ctx.pname(row.via_id))
        if row.via_company_id != -1:
            chain.append(ctx.cname(row.via_company_id))
        chain.append(ctx.pname(row.target_id) if row.target_id != -1 else ctx.cname(row.company_id))
        out.append({
            "rep": ctx.rname(row.rep_id),
            "target": ctx.pname(row.target_id) if row.target_id != -1 else None,
            "company": ctx.cname(row.company_id),
            "via": ctx.pname(row.via_id) if row.via_id != -1 else None,
            "hops": int(row.hops), "strength": round(float(row.strength), 2), "kind": row.kind,
            "path": chain, "sentence": path_sentence(ctx, row, title),
        })
    return out


def warm_paths(ctx: Context, company_id: int | None = None, person_id: int | None = None,
               rep_id: int | None = None, limit: int | None = None) -> list[dict]:
    """The best warm paths to an account (``company_id``) or one person, optionally from one rep.

    Example: ``[{"rep": "Ann Lee", "target": "Joe Smith", "hops": 1, "sentence": "Ann Lee knows Joe Smith (VP at
    Globex)", ...}]``.
    """
    comp = [] if company_id is None else [int(ctx.canon.get(int(company_id), company_id))]
    paths = path_frame(ctx, comp, [] if person_id is None else [int(person_id)])
    if rep_id is not None:
        paths = paths[paths["rep_id"] == int(rep_id)]
    paths = paths.sort_values(["hops", "strength"], ascending=[True, False], kind="stable")
    return path_records(ctx, paths, limit)


def last_seen_text(ts) -> str:
    return iso(ts) or "unknown"
