"""Threading and displacement risk per account, with reasons a rep can act on.

Threads = distinct people currently at the account with a live relationship (a rep
connection or a CRM contact). The risk score adds the points of ``weights.RISK``
for each fact that holds and caps at 100; every point comes with its sentence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relmap.insights.champions import champions, moved_champions
from relmap.insights.context import Context, iso, month
from relmap.insights.moves import arrivals
from relmap.insights.weights import RISK, SETTINGS, RiskWeights, risk_level

_SEN_RANK = {"executive": 0, "manager": 1, "practitioner": 2}


def account_ids(ctx: Context, include_prospects: bool = False) -> list[int]:
    """Accounts scored: customers and accounts with an open opportunity (plus prospects on request)."""
    acc = ctx.accounts
    keep = acc["status"].isin(["customer", "opportunity"]) | (acc["open_opps"] > 0)
    if include_prospects:
        keep |= acc["status"] == "prospect"
    return [int(c) for c in acc.index[keep]]


def thread_people(ctx: Context, company_ids) -> pd.DataFrame:
    """People currently at the accounts with a live relationship, most senior first per account:
    company_id, person_id, title, seniority, in_crm.

    The last answer is kept in ``ctx.cache``: a report asks for the same accounts twice (risk,
    then next contacts), and so does ``suggest`` for one account. Treat the frame as read-only.
    """
    key = tuple(sorted({int(c) for c in company_ids}))  # the answer is sorted by company: order is no part of it
    last = ctx.cache.get("thread_people")
    if last is not None and last[0] == key:
        return last[1]
    cur = ctx.current
    rows = np.flatnonzero(cur["company_id"].isin(key).to_numpy())
    pid = cur.index.to_numpy(dtype="int64")[rows]
    crm = ctx.contacts
    in_crm = pd.Series(pid).isin(crm["person_id"]).to_numpy() if len(crm) else np.zeros(len(pid), dtype=bool)
    live = np.flatnonzero(np.isin(pid, ctx.rels["person_id"].unique()) | in_crm)
    rows, pid = rows[live], pid[live]
    company = cur["company_id"].to_numpy(dtype="int64")[rows]
    level = cur["seniority"].to_numpy()[rows]
    rank = np.select([level == k for k in _SEN_RANK], list(_SEN_RANK.values()), len(_SEN_RANK))
    order = np.lexsort((pid, rank, company))
    out = pd.DataFrame({"company_id": company[order], "person_id": pid[order],
                        "title": cur["title"].iloc[rows[order]].to_numpy(), "seniority": level[order],
                        "in_crm": in_crm[live][order]})
    ctx.cache["thread_people"] = (key, out)
    return out


def _days(days: pd.Series) -> list:
    """Whole days as Python ints, None where missing."""
    return [None if d != d else int(d) for d in days.tolist()]


def _lists(series: pd.Series) -> dict:
    """``{key: [values]}`` from a Series indexed by key (fast for many small groups)."""
    out: dict = {}
    for k, v in zip(series.index.tolist(), series.tolist()):
        out.setdefault(k, []).append(v)
    return out


def _left_team(ctx: Context, ids) -> dict:
    """Account id -> ``[(rep_id, people)]``: reps who have left the team (``Context.gone_reps``)
    and how many people now at the account they held a relationship with."""
    gr = ctx.gone_rels
    if not len(gr):
        return {}
    gr = gr.assign(person_id=ctx.to_person(gr["person_id"]))
    gr = gr.assign(company_id=gr["person_id"].map(ctx.current["company_id"])).dropna(subset=["company_id"])
    gr = gr[gr["company_id"].isin(ids)].drop_duplicates()
    counts = gr.groupby(["company_id", "rep_id"]).size()
    out: dict = {}
    for (cid, rep), n in counts.items():
        out.setdefault(int(cid), []).append((int(rep), int(n)))
    return out


def account_risk(ctx: Context, include_prospects: bool = False, weights: RiskWeights = RISK,
                 company_ids=None) -> pd.DataFrame:
    """One row per scored account: company_id, account, status, threads, single_threaded, arr (CRM ARR or
    None), reps, rep_share,
    risk_score, risk_level, reasons (sentences), champions (names), thread_names (most senior first, up to 10),
    reason_points (``[{"reason", "points"}]``: each sentence with the points it added; they sum to the score
    before the cap at 100).

    Example reasons: ["1 contact at Northwind (Joe Smith)", "champion Ann Lee left for Globex in 2026-03",
    "no exec contact", "renewal in 45 days"].
    """
    ids = account_ids(ctx, include_prospects) if company_ids is None else [int(c) for c in company_ids]
    acc = ctx.accounts.loc[ids]
    w = weights
    tp = thread_people(ctx, ids)
    by_co = tp.groupby("company_id", sort=False)
    threads = by_co.size().to_dict()
    top = tp[by_co.cumcount() < 10]
    # tp is sorted by company: each account's names are one slice of the list.
    top_names = top["person_id"].map(ctx.person_name).tolist()
    top_co = top["company_id"].to_numpy()
    cuts = np.flatnonzero(np.r_[True, top_co[1:] != top_co[:-1], True]).tolist() if len(top_co) else [0]
    thread_names = {int(top_co[a]): top_names[a:b] for a, b in zip(cuts[:-1], cuts[1:])}
    has_exec = set(tp.loc[tp["seniority"] == "executive", "company_id"])
    has_mgr = set(tp.loc[tp["seniority"].isin(["executive", "manager"]), "company_id"])
    # The live relationships with the threads (a thread is at one account: a lookup, not a merge).
    at = pd.Index(tp["person_id"]).get_indexer(ctx.rels["person_id"])
    hit = np.flatnonzero(at >= 0)
    rel_rows = pd.DataFrame({"company_id": tp["company_id"].to_numpy()[at[hit]],
                             "rep_id": ctx.rels["rep_id"].to_numpy()[hit],
                             "last_touch": ctx.rels["last_touch"].to_numpy()[hit]})
    rep_counts = rel_rows.groupby(["company_id", "rep_id"], sort=False).size().rename("n").reset_index()
    n_reps = rep_counts.groupby("company_id", sort=False).size().to_dict()
    first_rep = rep_counts.drop_duplicates("company_id").set_index("company_id")["rep_id"].to_dict()
    one_thread = [c for c, n in threads.items() if n == 1]  # only these name every rep
    rep_lists = _lists(rep_counts.loc[rep_counts["company_id"].isin(one_thread)].set_index("company_id")["rep_id"])
    top_rep = rep_counts.sort_values("n", ascending=False).drop_duplicates("company_id").set_index("company_id")
    total = rep_counts.groupby("company_id")["n"].sum()
    share = (top_rep["n"] / total).to_dict()
    top_rep = top_rep["rep_id"].to_dict()
    # Last touch: messages, CRM contacts and account activity.
    touches = [rel_rows.groupby("company_id")["last_touch"].max(), acc["last_activity"]]
    crm = ctx.contacts
    if len(crm):
        ct = crm.dropna(subset=["company_id"])
        touches.append(ct.groupby(ct["company_id"].astype("int64"))["last_activity"].max())
    touch = pd.concat([t.reindex(acc.index) for t in touches], axis=1).max(axis=1)
    # Day counts for every account at once (Timestamp arithmetic in the loop is slow at 5,000 accounts).
    touch_days = _days((ctx.as_of - pd.to_datetime(touch)).dt.days)
    renewal = pd.to_datetime(acc["renewal_date"])
    renewal_days = _days((renewal - ctx.as_of).dt.days.where(renewal >= ctx.as_of))
    close_days = _days((pd.to_datetime(acc["next_close"]) - ctx.as_of).dt.days)
    # Champions present and champions who left.
    ch = champions(ctx)
    present = ch[(ch["person_id"].map(ctx.current["company_id"]) == ch["company_id"]) & ch["company_id"].isin(ids)]
    champ_names = _lists(pd.Series(present["person_id"].map(ctx.person_name).to_numpy(), index=present["company_id"]))
    mc = moved_champions(ctx)
    left = mc[mc["from_company_id"].isin(ids) & ((ctx.as_of - mc["window_end"]).dt.days <= w.champion_left_days)]
    left_by: dict = {}
    for c, p_, to, when in zip(left["from_company_id"].tolist(), left["person_id"].tolist(),
                               left["left_for_id"].tolist(), left["window_end"].tolist()):
        left_by.setdefault(c, []).append((p_, to, when))
    arr = arrivals(ctx, ids)
    senior_new = arr[(arr["seniority"] == "executive") & ((ctx.as_of - arr["window_end"]).dt.days <= w.arrival_days)]
    # Someone who arrived and has left again is nobody's displacer there.
    senior_new = senior_new[(senior_new["person_id"].map(ctx.current["company_id"]) == senior_new["to_company_id"])
                            .to_numpy(dtype=bool, na_value=False)]
    # Our own champion arriving from another account brings us in, not a rival vendor: no displacer.
    ours = pd.MultiIndex.from_arrays([mc["person_id"], mc["to_company_id"]]) if len(mc) else None
    if ours is not None and len(senior_new):
        senior_new = senior_new[~pd.MultiIndex.from_arrays([senior_new["person_id"],
                                                            senior_new["to_company_id"]]).isin(ours)]
    new_by: dict = {}
    for c, p_, frm, when, title in zip(senior_new["to_company_id"].tolist(), senior_new["person_id"].tolist(),
                                       senior_new["from_company_id"].tolist(), senior_new["window_end"].tolist(),
                                       senior_new["title"].tolist()):
        new_by.setdefault(c, []).append((p_, frm, when, title))

    left_team = _left_team(ctx, ids)
    rows = []
    for cid, status, renewal_in, close_in, touched, arr_v in zip(acc.index.tolist(), acc["status"].tolist(),
                                                                 renewal_days, close_days, touch_days,
                                                                 acc["arr"].tolist()):
        name = ctx.cname(cid)
        parts: list[tuple[str, int]] = []  # (sentence, points): the score is their sum, capped at 100

        def add(sentence: str, points: float = 0, parts: list = parts) -> None:
            parts.append((sentence, int(round(points))))

        n = int(threads.get(cid, 0))
        people = thread_names.get(cid, [])
        shown = ", ".join(people[:3]) + (f" and {n - 3} more" if n > 3 else "")
        if n == 0:
            add(f"no contact at {name}", w.no_thread)
        elif n == 1:
            add(f"1 contact at {name} ({shown})", w.one_thread)
        elif n == 2:
            add(f"2 contacts at {name} ({shown})", w.two_threads)
        else:  # no points, but a score of 0 still says why
            add(f"{n} contacts at {name} ({shown})")
        n_here = n_reps.get(cid, 0)
        sh = share.get(cid)
        if n_here == 1:
            add(f"only {ctx.rname(first_rep[cid])} knows anyone there", w.one_rep_holds_all)
        elif n_here and sh is not None and sh >= w.rep_share:
            add(f"{ctx.rname(top_rep[cid])} holds {round(sh * 100)}% of the relationships", w.one_rep_holds_all)
        elif n == 1 and n_here > 1:
            add(f"{n_here} reps know {people[0]} "
                f"({', '.join(sorted(ctx.rname(r) for r in rep_lists[cid]))}) but it is still one person")
        for rep, count in left_team.get(cid, []):  # why a thread the team had is not counted
            last = ctx.gone_reps[rep]
            add(f"{ctx.rname(rep)} no longer counts ({count} contact{'s' if count > 1 else ''} here): "
                f"their last LinkedIn export is from {iso(last)}, over {SETTINGS.rep_gone_days} days "
                f"before the team's latest, so they are taken to have left the team")
        gone = left_by.get(cid)
        champs = champ_names.get(cid, [])
        if gone:
            for i, (p_, to, when) in enumerate(gone):  # the points count once, on the first sentence
                add(f"champion {ctx.pname(p_)} left for {ctx.cname(to)} in {month(when)}",
                    w.champion_left if i == 0 else 0)
        elif not champs:
            add("no champion known", w.no_champion)
        if n and cid not in has_exec:
            add("no exec contact", w.no_exec)
            if cid not in has_mgr:
                add("no manager-level contact either", w.no_manager)
        if touched is None:
            add("no recorded touch", w.never_touched)
        elif touched >= w.very_stale_days:
            add(f"no touch in {touched} days", w.very_stale_touch)
        elif touched >= w.stale_days:
            add(f"no touch in {touched} days", w.stale_touch)
        arrived = new_by.get(cid)
        if arrived:
            for i, (p_, frm, when, title) in enumerate(arrived):
                title = title if isinstance(title, str) else "executive"
                add(f"new {title} {ctx.pname(p_)} arrived from {ctx.cname(frm)} in {month(when)} "
                    "(possible displacer)", w.senior_arrival if i == 0 else 0)
        due = []
        if renewal_in is not None:
            due.append(("renewal", renewal_in))
        if close_in is not None:
            due.append(("close date", close_in))
        soon = [d for d in due if d[1] <= w.renewal_days]
        if soon:
            what, days = min(soon, key=lambda d: d[1])
            add(f"{what} in {days} days", w.renewal_soon)
        if not pd.isna(arr_v) and arr_v > 0:
            add(f"ARR at stake: {arr_v:,.0f}", w.arr_max * min(float(arr_v) / w.arr_cap, 1.0))
        score = min(sum(pts for _, pts in parts), 100)
        reasons = [sentence for sentence, _ in parts]
        rows.append({
            "company_id": int(cid), "account": name, "status": status, "threads": n,
            "single_threaded": n <= 1, "arr": None if pd.isna(arr_v) else float(arr_v), "reps": n_here,
            "rep_share": None if sh is None else round(float(sh), 2),
            "risk_score": score, "risk_level": risk_level(score, w), "reasons": reasons, "champions": champs,
            "thread_names": people, "reason_points": [{"reason": r, "points": pts} for r, pts in parts],
        })
    cols = ["company_id", "account", "status", "threads", "single_threaded", "arr", "reps", "rep_share", "risk_score",
            "risk_level", "reasons", "champions", "thread_names", "reason_points"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["risk_score", "account"], ascending=[False, True], kind="stable").reset_index(drop=True) \
        if len(out) else out
