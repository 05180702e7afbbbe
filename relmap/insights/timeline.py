"""Account timeline: what has changed on their end, in date order."""

from __future__ import annotations

import pandas as pd

from relmap.insights.context import Context, iso
from relmap.insights.moves import job_changes, promotions


def account_timeline(ctx: Context, company_id: int) -> list[dict]:
    """Events at one account, oldest first: ``[{"date": "2026-03-01", "kind": "arrival", "sentence": ...}]``.

    Kinds: arrival, departure, promotion, new_connection, referral, opportunity.
    """
    cid = int(ctx.canon.get(int(company_id), company_id))
    name = ctx.cname(cid)
    events: list[tuple] = []
    ch = job_changes(ctx)
    for r in ch[ch["to_company_id"] == cid].itertuples():
        events.append((r.window_end, "arrival", f"{ctx.pname(r.person_id)} arrived at {name} from "
                       f"{ctx.cname(r.from_company_id)} (between {iso(r.window_start)} and {iso(r.window_end)})"))
    for r in ch[ch["from_company_id"] == cid].itertuples():
        events.append((r.window_end, "departure", f"{ctx.pname(r.person_id)} left {name} for "
                       f"{ctx.cname(r.to_company_id)} (between {iso(r.window_start)} and {iso(r.window_end)})"))
    pr = promotions(ctx)
    for r in pr[pr["company_id"] == cid].itertuples():
        events.append((r.observed_on, "promotion",
                       f"{ctx.pname(r.person_id)} changed title at {name}: {r.old_title} -> {r.new_title}"))
    here = ctx.obs[ctx.obs["company_id"] == cid]["person_id"].unique()
    rel = ctx.rels[ctx.rels["person_id"].isin(here) & ctx.rels["connected_on"].notna()]
    for r in rel.itertuples():
        events.append((r.connected_on, "new_connection", f"{ctx.rname(r.rep_id)} connected with {ctx.pname(r.person_id)}"))
    ref = ctx.frames.referrals
    if len(ref):
        rc = ctx.to_canon(pd.to_numeric(ref["company_id"], errors="coerce"))
        for r in ref[rc == cid].itertuples():
            events.append((pd.to_datetime(r.referred_on), "referral",
                           f"{ctx.pname(r.referrer_id)} referred {ctx.pname(r.referred_id)} at {name}"))
    opps = ctx.frames.crm_opportunities
    if len(opps):
        oc = ctx.to_canon(pd.to_numeric(opps["company_id"], errors="coerce"))
        mine = opps[oc == cid].assign(observed_on=lambda d: pd.to_datetime(d["observed_on"]))
        mine = mine[mine["observed_on"] <= ctx.as_of].sort_values("observed_on")
        for opp_name, g in mine.groupby("name", sort=False):
            prev = None
            for r in g.itertuples():
                if r.stage != prev:
                    what = f"opportunity '{opp_name}' is at stage {r.stage}" if prev is None else \
                        f"opportunity '{opp_name}' moved from {prev} to {r.stage}"
                    events.append((r.observed_on, "opportunity", what))
                prev = r.stage
    events = [e for e in events if e[0] is not None and not pd.isna(e[0])]
    events.sort(key=lambda e: (pd.Timestamp(e[0]), e[1]))
    return [{"date": iso(d), "kind": k, "sentence": s} for d, k, s in events]
