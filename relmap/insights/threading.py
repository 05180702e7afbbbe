"""Threading and displacement risk per account, with reasons a rep can act on.

Threads = distinct people currently at the account with a live relationship (a rep
connection or a CRM contact). The risk score adds the points of ``weights.RISK``
for each fact that holds and caps at 100; every point comes with its sentence.
"""

from __future__ import annotations

import pandas as pd

from relmap.insights.champions import champions, moved_champions
from relmap.insights.context import Context, month
from relmap.insights.moves import arrivals
from relmap.insights.weights import RISK, RiskWeights, risk_level

_SEN_RANK = {"executive": 0, "manager": 1, "practitioner": 2}


def account_ids(ctx: Context, include_prospects: bool = False) -> list[int]:
    """Accounts scored: customers and accounts with an open opportunity (plus prospects on request)."""
    acc = ctx.accounts
    keep = acc["status"].isin(["customer", "opportunity"]) | (acc["open_opps"] > 0)
    if include_prospects:
        keep |= acc["status"] == "prospect"
    return [int(c) for c in acc.index[keep]]


def thread_people(ctx: Context, company_ids) -> pd.DataFrame:
    """People currently at the accounts with a live relationship: company_id, person_id, title, seniority,
    reps (rep ids), in_crm."""
    cur = ctx.current
    at = cur[cur["company_id"].isin(list(company_ids))]
    known = ctx.rels[ctx.rels["person_id"].isin(at.index)]
    crm = ctx.contacts
    crm_people = set(crm.loc[crm["person_id"].isin(at.index), "person_id"]) if len(crm) else set()
    live = at[at.index.isin(known["person_id"]) | at.index.isin(list(crm_people))]
    out = pd.DataFrame({"company_id": live["company_id"].to_numpy(dtype="int64"),
                        "person_id": live.index.to_numpy(dtype="int64"),
                        "title": live["title"].to_numpy(), "seniority": live["seniority"].to_numpy()})
    out["in_crm"] = out["person_id"].isin(list(crm_people))
    reps = known.groupby("person_id")["rep_id"].agg(list)
    out["reps"] = [v if isinstance(v, list) else [] for v in out["person_id"].map(reps)]
    out["_rank"] = out["seniority"].map(_SEN_RANK).fillna(3)
    return out.sort_values(["company_id", "_rank", "person_id"]).drop(columns="_rank").reset_index(drop=True)


def account_risk(ctx: Context, include_prospects: bool = False, weights: RiskWeights = RISK,
                 company_ids=None) -> pd.DataFrame:
    """One row per scored account: company_id, account, status, threads, single_threaded, reps, rep_share,
    risk_score, risk_level, reasons (sentences), champions (names), thread_names."""
    ids = account_ids(ctx, include_prospects) if company_ids is None else [int(c) for c in company_ids]
    acc = ctx.accounts.loc[ids]
    w = weights
    tp = thread_people(ctx, ids)
    names = tp["person_id"].map(ctx.person_name)
    tp = tp.assign(name=names)
    by_co = tp.groupby("company_id")
    threads = by_co.size().reindex(acc.index).fillna(0).astype(int)
    thread_names = by_co["name"].agg(list).reindex(acc.index)
    has_exec = by_co["seniority"].agg(lambda s: (s == "executive").any()).reindex(acc.index).fillna(False)
    has_mgr = by_co["seniority"].agg(lambda s: s.isin(["executive", "manager"]).any()).reindex(acc.index).fillna(False)
    rel_rows = ctx.rels[ctx.rels["person_id"].isin(tp["person_id"])].merge(tp[["person_id", "company_id"]],
                                                                          on="person_id")
    rep_counts = rel_rows.groupby(["company_id", "rep_id"]).size().rename("n").reset_index()
    top = rep_counts.sort_values("n", ascending=False).drop_duplicates("company_id").set_index("company_id")
    total = rep_counts.groupby("company_id")["n"].sum()
    share = (top["n"] / total).reindex(acc.index)
    top_rep = top["rep_id"].reindex(acc.index)
    rep_names = rep_counts.groupby("company_id")["rep_id"].agg(list).reindex(acc.index)
    # Last touch: messages, CRM contact and account activity.
    touch = rel_rows.groupby("company_id")["last_touch"].max().reindex(acc.index)
    crm = ctx.contacts
    if len(crm):
        crm_touch = crm.groupby("company_id")["last_activity"].max()
        crm_touch.index = crm_touch.index.astype("int64")
        touch = pd.concat([touch, crm_touch.reindex(acc.index), acc["last_activity"]], axis=1).max(axis=1)
    else:
        touch = pd.concat([touch, acc["last_activity"]], axis=1).max(axis=1)
    # Champions present and champions who left.
    ch = champions(ctx)
    cur_co = ch["person_id"].map(ctx.current["company_id"])
    present = ch[(cur_co == ch["company_id"]) & ch["company_id"].isin(ids)]
    champ_names = present.assign(n=present["person_id"].map(ctx.person_name)).groupby("company_id")["n"] \
        .agg(list).reindex(acc.index)
    mc = moved_champions(ctx)
    left = mc[mc["company_id"].isin(ids) & ((ctx.as_of - mc["window_end"]).dt.days <= w.champion_left_days)]
    arr = arrivals(ctx, ids)
    senior_new = arr[(arr["seniority"] == "executive")
                     & ((ctx.as_of - arr["window_end"]).dt.days <= w.arrival_days)]

    left_by = {c: g for c, g in left.groupby("company_id")}
    new_by = {c: g for c, g in senior_new.groupby("to_company_id")}
    rows = []
    for cid in acc.index:
        a = acc.loc[cid]
        name = ctx.cname(cid)
        score = 0.0
        reasons: list[str] = []
        n = int(threads.get(cid, 0))
        people = thread_names.get(cid)
        people = people if isinstance(people, list) else []
        shown = ", ".join(people[:3]) + (f" and {len(people) - 3} more" if len(people) > 3 else "")
        if n == 0:
            score += w.no_thread
            reasons.append(f"no contact at {name}")
        elif n == 1:
            score += w.one_thread
            reasons.append(f"1 contact at {name} ({shown})")
        elif n == 2:
            score += w.two_threads
            reasons.append(f"2 contacts at {name} ({shown})")
        reps_here = rep_names.get(cid)
        reps_here = reps_here if isinstance(reps_here, list) else []
        sh = share.get(cid)
        if reps_here and len(reps_here) == 1:
            score += w.one_rep_holds_all
            reasons.append(f"only {ctx.rname(reps_here[0])} knows anyone there")
        elif reps_here and sh is not None and not pd.isna(sh) and sh >= w.rep_share:
            score += w.one_rep_holds_all
            reasons.append(f"{ctx.rname(top_rep[cid])} holds {round(sh * 100)}% of the relationships")
        elif n == 1 and len(reps_here) > 1:
            reasons.append(f"{len(reps_here)} reps know {people[0]} ({', '.join(sorted(ctx.rname(r) for r in reps_here))})"
                           f" but it is still one person")
        gone = left_by.get(cid)
        champs = champ_names.get(cid)
        champs = champs if isinstance(champs, list) else []
        if gone is not None and len(gone):
            score += w.champion_left
            for r in gone.itertuples():
                reasons.append(f"champion {ctx.pname(r.person_id)} left for {ctx.cname(r.to_company_id)} "
                               f"in {month(r.window_end)}")
        elif not champs:
            score += w.no_champion
            reasons.append("no champion known")
        if n and not has_exec.get(cid, False):
            score += w.no_exec
            reasons.append("no exec contact")
            if not has_mgr.get(cid, False):
                score += w.no_manager
                reasons.append("no manager-level contact either")
        t = touch.get(cid)
        if t is None or pd.isna(t):
            score += w.never_touched
            reasons.append("no recorded touch")
        else:
            days = int((ctx.as_of - t).days)
            if days >= w.very_stale_days:
                score += w.very_stale_touch
                reasons.append(f"no touch in {days} days")
            elif days >= w.stale_days:
                score += w.stale_touch
                reasons.append(f"no touch in {days} days")
        arrived = new_by.get(cid)
        if arrived is not None and len(arrived):
            score += w.senior_arrival
            for r in arrived.itertuples():
                title = r.title if isinstance(r.title, str) else "executive"
                reasons.append(f"new {title} {ctx.pname(r.person_id)} arrived from {ctx.cname(r.from_company_id)} "
                               f"in {month(r.window_end)} (possible displacer)")
        due = []
        if pd.notna(a["renewal_date"]) and a["renewal_date"] >= ctx.as_of:
            due.append(("renewal", int((a["renewal_date"] - ctx.as_of).days)))
        if pd.notna(a["next_close"]):
            due.append(("close date", int((a["next_close"] - ctx.as_of).days)))
        soon = [d for d in due if d[1] <= w.renewal_days]
        if soon:
            score += w.renewal_soon
            what, days = min(soon, key=lambda d: d[1])
            reasons.append(f"{what} in {days} days")
        arr_v = a["arr"]
        if pd.notna(arr_v) and arr_v > 0:
            pts = w.arr_max * min(float(arr_v) / w.arr_cap, 1.0)
            score += pts
            reasons.append(f"ARR at stake: {arr_v:,.0f}")
        score = int(round(min(score, 100)))
        rows.append({
            "company_id": int(cid), "account": name, "status": a["status"], "threads": n,
            "single_threaded": n <= 1, "reps": len(reps_here), "rep_share": None if pd.isna(sh) else round(float(sh), 2),
            "risk_score": score, "risk_level": risk_level(score, w), "reasons": reasons, "champions": champs,
            "thread_names": people,
        })
    cols = ["company_id", "account", "status", "threads", "single_threaded", "reps", "rep_share", "risk_score",
            "risk_level", "reasons", "champions", "thread_names"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["risk_score", "account"], ascending=[False, True], kind="stable").reset_index(drop=True) \
        if len(out) else out

