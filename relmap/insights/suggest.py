"""Next best contacts per account: who to meet next, and why.

Candidates are people currently at the account who are not CRM contacts there yet:
moved-in people (arrivals), people a rep already knows on LinkedIn, executives when
the account has no exec contact, and -- for customers -- whitespace: people in
departments we have never met.
"""

from __future__ import annotations

import pandas as pd

from relmap.insights.context import Context, department, month, seniority
from relmap.insights.moves import arrivals
from relmap.insights.weights import SETTINGS


def next_contacts(ctx: Context, risk: pd.DataFrame, limit: int | None = None) -> dict[int, list[dict]]:
    """``{company_id: [{"person", "title", "why": [...]}, ...]}`` for the accounts in ``risk``
    (a frame from ``threading.account_risk``), best first."""
    limit = SETTINGS.max_next_contacts if limit is None else limit
    if risk.empty:
        return {}
    ids = risk["company_id"].astype("int64").tolist()
    cur = ctx.current
    at = cur[cur["company_id"].isin(ids)]
    pool = pd.DataFrame({"person_id": at.index.to_numpy(dtype="int64"),
                         "company_id": at["company_id"].to_numpy(dtype="int64"),
                         "title": at["title"].to_numpy(), "seniority": at["seniority"].to_numpy()})
    crm = ctx.contacts
    if len(crm):
        known_crm = crm[["person_id", "company_id"]].dropna().astype("int64").assign(_crm=True)
        pool = pool.merge(known_crm.drop_duplicates(), on=["person_id", "company_id"], how="left")
        pool = pool[pool["_crm"].isna()].drop(columns="_crm")
    if pool.empty:
        return {int(c): [] for c in ids}
    status = risk.set_index("company_id")["status"]
    has_exec_contact: set = set()
    if len(crm):
        # Only contacts still there count: a CRM contact who moved on leaves a gap.
        still = crm["person_id"].map(cur["company_id"]) == crm["company_id"]
        crm = crm[still.to_numpy(dtype=bool, na_value=False)]
    if len(crm):
        crm_sen = crm.assign(s=seniority(crm["title"]))
        has_exec_contact = set(crm_sen.loc[crm_sen["s"] == "executive", "company_id"].dropna().astype("int64"))
        crm_depts = crm.assign(d=department(crm["title"])).dropna(subset=["d", "company_id"])
        covered = set(zip(crm_depts["company_id"].astype("int64"), crm_depts["d"]))
    else:
        covered = set()
    pool["department"] = department(pool["title"])
    arr = arrivals(ctx, ids).drop_duplicates("person_id", keep="last").set_index("person_id")
    arr_from = arr["from_company_id"].to_dict()
    arr_when = arr["window_end"].to_dict()
    known_ids = ctx.rels["person_id"].unique()
    pool["arrived"] = pool["person_id"].isin(arr.index) & (
        pool["person_id"].map(arr["to_company_id"]) == pool["company_id"])
    pool["known"] = pool["person_id"].isin(known_ids)
    pool["exec_gap"] = (pool["seniority"] == "executive") & ~pool["company_id"].isin(list(has_exec_contact))
    is_customer = pool["company_id"].map(status).eq("customer")
    pool["whitespace"] = is_customer & pool["department"].notna() & ~pd.Series(
        [(c, d) in covered for c, d in zip(pool["company_id"], pool["department"])], index=pool.index)
    pool["score"] = (3 * pool["arrived"] + 2 * pool["exec_gap"] + 2 * pool["known"] + 1 * pool["whitespace"]
                     + (pool["seniority"] == "executive") + 0.5 * (pool["seniority"] == "manager"))
    pool = pool[pool["score"] > 0].sort_values(["company_id", "score", "person_id"], ascending=[True, False, True])
    pool = pool[pool.groupby("company_id").cumcount() < limit]
    kr = ctx.rels[ctx.rels["person_id"].isin(pool["person_id"])]
    knows: dict = {}
    for p, r in zip(kr["person_id"].tolist(), kr["rep_id"].tolist()):
        knows.setdefault(p, []).append(r)
    out: dict[int, list[dict]] = {int(c): [] for c in ids}
    for r in pool.itertuples(index=False):
        why = []
        if r.arrived:
            why.append(f"arrived from {ctx.cname(arr_from[r.person_id])} in {month(arr_when[r.person_id])}")
        if r.known:
            reps = sorted(ctx.rname(x) for x in knows[r.person_id][:4])
            more = len(knows[r.person_id]) - 3
            why.append("known to " + ", ".join(reps[:3]) + (f" and {more} more" if more > 0 else "") + " on LinkedIn")
        if r.exec_gap:
            why.append("fills the exec gap: no executive contact yet")
        if r.whitespace:
            why.append(f"whitespace: nobody met in {r.department} yet")
        why.append("not in the CRM yet")
        out[int(r.company_id)].append({"person": ctx.pname(r.person_id), "person_id": int(r.person_id),
                                       "title": r.title if isinstance(r.title, str) else None, "why": why})
    return out


def account_suggestions(ctx: Context, company_id: int, limit: int | None = None) -> dict:
    """Next best contacts at one company, scored account or not (what ``python -m relmap suggest`` prints):
    ``{"company", "status", "threads", "single_threaded", "next_contacts": [{"person", "person_id", "title",
    "why"}]}``. ``status`` is the CRM status (None when the company is not a CRM account)."""
    from relmap.insights.threading import thread_people

    cid = int(ctx.canon.get(int(company_id), company_id))
    status = ctx.accounts["status"].get(cid) if cid in ctx.accounts.index else None
    threads = int(len(thread_people(ctx, [cid])))
    risk = pd.DataFrame({"company_id": [cid], "status": [status if status is not None else "prospect"]})
    contacts = next_contacts(ctx, risk, limit).get(cid, [])
    return {"company": ctx.cname(cid), "status": status, "threads": threads, "single_threaded": threads <= 1,
            "next_contacts": contacts}
