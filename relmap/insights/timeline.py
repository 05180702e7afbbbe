"""Account timeline: what has changed on their end, in date order.

One function serves the Account page and ``python -m relmap timeline``. Each event is
``{"date", "kind", "person", "detail"}`` (``sentence`` repeats ``detail`` for older callers).
Kinds: ``arrival`` (moved in from another company), ``departure`` (moved out), ``promotion``
(new title at the same company), ``new_connection`` (a rep connected with someone there),
``referral`` (someone there was referred), ``opportunity`` (an opportunity first seen, or its
stage changed between CRM exports). Ties on a date are ordered by kind, then detail.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from relmap.insights.context import Context, iso
from relmap.insights.moves import job_changes, promotions

KIND_ORDER = ["departure", "arrival", "promotion", "new_connection", "referral", "opportunity"]


def _connections_while_here(ctx: Context, cid: int) -> pd.DataFrame:
    """The reps' connections (``ctx.rels`` rows with a date) to people seen at ``cid``, less those made
    when the person is known to have been elsewhere: seen at another company after the connection
    and before first seen here (not arrived yet), or after last seen here and by the connection
    (gone already). Someone known to a rep since before they joined is no new connection here."""
    obs = ctx.obs[ctx.obs["company_id"].notna()]
    here = obs[obs["company_id"] == cid]
    rel = ctx.rels[ctx.rels["person_id"].isin(here["person_id"].unique()) & ctx.rels["connected_on"].notna()]
    if rel.empty:
        return rel
    seen = pd.to_datetime(here["observed_on"])
    span = pd.DataFrame({"first": seen.groupby(here["person_id"]).min(), "last": seen.groupby(here["person_id"]).max()})
    away = obs[(obs["company_id"] != cid) & obs["person_id"].isin(rel["person_id"].unique())]
    away = pd.DataFrame({"person_id": away["person_id"].to_numpy(), "away_on": pd.to_datetime(away["observed_on"])})
    cand = rel.reset_index().merge(span, left_on="person_id", right_index=True).merge(away, on="person_id")
    when = cand["connected_on"]
    before_arrival = (cand["away_on"] >= when) & (cand["away_on"] < cand["first"])
    after_leaving = (cand["away_on"] > cand["last"]) & (cand["away_on"] <= when)
    elsewhere = cand.loc[before_arrival | after_leaving, "index"].unique()
    return rel.drop(index=elsewhere)


def account_timeline(ctx: Context, company_id: int, since: date | pd.Timestamp | None = None) -> list[dict]:
    """Events at one account, oldest first: ``[{"date": "2026-03-01", "kind": "arrival", "person": "Joe Smith",
    "detail": "Joe Smith arrived at Globex from Northwind (between 2026-01-10 and 2026-03-01)", ...}]``.

    ``since`` keeps events on or after that date.
    """
    cid = int(ctx.canon.get(int(company_id), company_id))
    name = ctx.cname(cid)
    events: list[tuple] = []  # (when, kind, person or None, detail)
    ch = job_changes(ctx)
    for r in ch[ch["to_company_id"] == cid].itertuples():
        events.append((r.window_end, "arrival", ctx.pname(r.person_id),
                       f"{ctx.pname(r.person_id)} arrived at {name} from {ctx.cname(r.from_company_id)} "
                       f"(between {iso(r.window_start)} and {iso(r.window_end)})"))
    for r in ch[ch["from_company_id"] == cid].itertuples():
        events.append((r.window_end, "departure", ctx.pname(r.person_id),
                       f"{ctx.pname(r.person_id)} left {name} for {ctx.cname(r.to_company_id)} "
                       f"(between {iso(r.window_start)} and {iso(r.window_end)})"))
    pr = promotions(ctx)
    for r in pr[pr["company_id"] == cid].itertuples():
        events.append((r.observed_on, "promotion", ctx.pname(r.person_id),
                       f"{ctx.pname(r.person_id)} changed title at {name}: {r.old_title} -> {r.new_title}"))
    rel = _connections_while_here(ctx, cid)
    for r in rel.itertuples():
        events.append((r.connected_on, "new_connection", ctx.pname(r.person_id),
                       f"{ctx.rname(r.rep_id)} connected with {ctx.pname(r.person_id)}"))
    ref = ctx.frames.referrals
    if len(ref):
        rc = ctx.to_canon(pd.to_numeric(ref["company_id"], errors="coerce"))
        for r in ref[rc == cid].itertuples():
            events.append((pd.to_datetime(r.referred_on), "referral", ctx.pname(ctx.person_of(r.referred_id)),
                           f"{ctx.pname(ctx.person_of(r.referrer_id))} referred "
                           f"{ctx.pname(ctx.person_of(r.referred_id))} at {name}"))
    opps = ctx.frames.crm_opportunities
    if len(opps):
        oc = ctx.to_canon(pd.to_numeric(opps["company_id"], errors="coerce"))
        mine = opps[oc == cid].assign(observed_on=lambda d: pd.to_datetime(d["observed_on"]))
        mine = mine[mine["observed_on"] <= ctx.as_of].sort_values("observed_on", kind="stable")
        for opp_name, g in mine.groupby("name", sort=False):
            prev = None
            for r in g.itertuples():
                if r.stage != prev:
                    what = f"opportunity '{opp_name}' is at stage {r.stage}" if prev is None else \
                        f"opportunity '{opp_name}' moved from {prev} to {r.stage}"
                    events.append((r.observed_on, "opportunity", None, what))
                prev = r.stage
    events = [e for e in events if e[0] is not None and not pd.isna(e[0]) and pd.Timestamp(e[0]) <= ctx.as_of]
    if since is not None:
        events = [e for e in events if pd.Timestamp(e[0]) >= pd.Timestamp(since)]
    events.sort(key=lambda e: (pd.Timestamp(e[0]), KIND_ORDER.index(e[1]), e[3]))
    return [{"date": iso(d), "kind": k, "person": p, "detail": s, "sentence": s} for d, k, p, s in events]
