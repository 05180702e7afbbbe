"""Next best contacts per account: who to meet next, and why.

Candidates are people currently at the account who are not CRM contacts there yet:
moved-in people (arrivals), people a rep already knows on LinkedIn, executives when
the account has no exec contact, and -- for customers -- whitespace: people in
departments we have never met.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relmap.insights.context import Context, combine_keys, department, month
from relmap.insights.moves import arrivals
from relmap.insights.threading import thread_people
from relmap.insights.weights import SETTINGS

_DEPARTMENT_LABELS = {"it": "IT"}  # department keys written as a sentence would


def next_contacts(ctx: Context, risk: pd.DataFrame, limit: int | None = None) -> dict[int, list[dict]]:
    """``{company_id: [{"person", "title", "why": [...]}, ...]}`` for the accounts in ``risk``
    (a frame from ``threading.account_risk``), best first."""
    limit = SETTINGS.max_next_contacts if limit is None else limit
    if risk.empty:
        return {}
    ids = risk["company_id"].astype("int64").tolist()
    cur = ctx.current
    # Candidates: everyone currently at the accounts (hundreds of thousands at team scale), scored with
    # numpy arrays; sentences are written only for the few kept per account.
    rows = np.flatnonzero(cur["company_id"].isin(ids).to_numpy())
    pid = cur.index.to_numpy(dtype="int64")[rows]
    cid = cur["company_id"].to_numpy(dtype="int64")[rows]
    crm = ctx.contacts
    if len(crm):
        known_crm = crm[["person_id", "company_id"]].dropna().astype("int64")
        pairs = combine_keys(np.r_[pid, known_crm["person_id"].to_numpy()], np.r_[cid, known_crm["company_id"].to_numpy()])
        keep = ~np.isin(pairs[:len(pid)], pairs[len(pid):])
        rows, pid, cid = rows[keep], pid[keep], cid[keep]
    if not len(rows):
        return {int(c): [] for c in ids}
    title = cur["title"].iloc[rows]
    sen = cur["seniority"].to_numpy()[rows]
    status = risk.set_index("company_id")["status"]
    if len(crm):
        # Only contacts still there count: a CRM contact who moved on leaves a gap.
        still = crm["person_id"].map(cur["company_id"]) == crm["company_id"]
        crm = crm[still.to_numpy(dtype=bool, na_value=False)]
    # The exec gap is the risk score's "no exec contact": no executive among the account's threads
    # (live LinkedIn relationships and CRM contacts still there), so an executive a rep already
    # knows closes it and is not offered as filling it.
    tp = thread_people(ctx, ids)
    has_exec_contact = set(tp.loc[tp["seniority"] == "executive", "company_id"].astype("int64"))
    if len(crm):
        crm_depts = crm.assign(d=department(crm["title"])).dropna(subset=["d", "company_id"])
        covered_co = crm_depts["company_id"].to_numpy(dtype="int64")
        covered_dept = crm_depts["d"].to_numpy(dtype=object)
    else:
        covered_co, covered_dept = np.zeros(0, dtype="int64"), np.zeros(0, dtype=object)
    # Departments of the distinct titles only, then one int code per candidate (0: none).
    tcode, tuniq = pd.factorize(title.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    dept_of_title = department(pd.Series(tuniq, dtype=object)).to_numpy(dtype=object) if len(tuniq) else \
        np.zeros(0, dtype=object)
    dept = np.where(tcode >= 0, dept_of_title[np.maximum(tcode, 0)] if len(tuniq) else None, None)
    dept_code = {d: i + 1 for i, d in enumerate(pd.unique(np.r_[dept[pd.notna(dept)], covered_dept]))}
    dcode = pd.Series(dept, dtype=object).map(dept_code).fillna(0).to_numpy(dtype="int64")
    cov = np.array([dept_code[d] for d in covered_dept], dtype="int64")
    ws_keys = combine_keys(np.r_[cid, covered_co], np.r_[dcode, cov])
    covered = np.isin(ws_keys[:len(cid)], ws_keys[len(cid):])
    arr = arrivals(ctx, ids).drop_duplicates("person_id", keep="last").set_index("person_id")
    arr_from = arr["from_company_id"].to_dict()
    arr_when = arr["window_end"].to_dict()
    arrived = pd.Series(pid).map(arr["to_company_id"]).to_numpy(dtype="float64", na_value=np.nan) == cid
    known = np.isin(pid, ctx.rels["person_id"].unique())
    is_exec = sen == "executive"
    exec_gap = is_exec & ~np.isin(cid, np.fromiter(has_exec_contact, dtype="int64", count=len(has_exec_contact)))
    is_customer = (pd.Series(cid).map(status) == "customer").to_numpy(dtype=bool, na_value=False)
    whitespace = is_customer & (dcode > 0) & ~covered
    score = (3 * arrived + 2 * exec_gap + 2 * known + 1 * whitespace + is_exec + 0.5 * (sen == "manager"))
    # Best first per account: company, then score (high first), then person id; the first ``limit`` each.
    pos = np.flatnonzero(score > 0)
    pos = pos[np.lexsort((pid[pos], -score[pos], cid[pos]))]
    starts = np.r_[True, cid[pos][1:] != cid[pos][:-1]]
    run_start = np.maximum.accumulate(np.where(starts, np.arange(len(pos)), 0))
    pos = pos[np.arange(len(pos)) - run_start < limit]
    kr = ctx.rels[ctx.rels["person_id"].isin(pid[pos])]
    knows: dict = {}
    for p, r in zip(kr["person_id"].tolist(), kr["rep_id"].tolist()):
        knows.setdefault(p, []).append(r)
    known_to: dict = {}  # the same few reps know many people: one sentence per (first reps, how many)

    def known_sentence(reps_of: list) -> str:
        key = (tuple(reps_of[:4]), len(reps_of))
        if key not in known_to:
            reps = sorted(ctx.rname(x) for x in key[0])
            more = key[1] - 3
            known_to[key] = "known to " + ", ".join(reps[:3]) + (f" and {more} more" if more > 0 else "") \
                + " on LinkedIn"
        return known_to[key]

    titles = title.to_numpy(dtype=object, na_value=None)[pos].tolist()
    names = [ctx.pname(p) for p in pid[pos].tolist()]
    out: dict[int, list[dict]] = {int(c): [] for c in ids}
    for p, c, t, a, k, e, w, d, name in zip(pid[pos].tolist(), cid[pos].tolist(), titles, arrived[pos].tolist(),
                                            known[pos].tolist(), exec_gap[pos].tolist(), whitespace[pos].tolist(),
                                            dept[pos].tolist(), names):
        why = []
        if a:
            why.append(f"arrived from {ctx.cname(arr_from[p])} in {month(arr_when[p])}")
        if k:
            why.append(known_sentence(knows[p]))
        if e:
            why.append("fills the exec gap: no executive contact yet")
        if w:
            why.append(f"whitespace: nobody met in {_DEPARTMENT_LABELS.get(d, d)} yet")
        why.append("not in the CRM yet")
        out[c].append({"person": name, "person_id": p, "title": t if isinstance(t, str) else None, "why": why})
    return out


def account_suggestions(ctx: Context, company_id: int, limit: int | None = None) -> dict:
    """Next best contacts at one company, scored account or not (what ``python -m relmap suggest`` prints):
    ``{"company", "status", "threads", "single_threaded", "next_contacts": [{"person", "person_id", "title",
    "why"}]}``. ``status`` is the CRM status (None when the company is not a CRM account)."""
    cid = int(ctx.canon.get(int(company_id), company_id))
    status = ctx.accounts["status"].get(cid) if cid in ctx.accounts.index else None
    threads = int(len(thread_people(ctx, [cid])))
    risk = pd.DataFrame({"company_id": [cid], "status": [status if status is not None else "prospect"]})
    contacts = next_contacts(ctx, risk, limit).get(cid, [])
    return {"company": ctx.cname(cid), "status": status, "threads": threads, "single_threaded": threads <= 1,
            "next_contacts": contacts}
