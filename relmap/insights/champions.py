"""Champions, explicit and inferred, each with why; and champions who moved.

Explicit: a CRM contact role champion / decision maker / economic buyer, a contact
role on a closed-won opportunity, a user's champion mark. Inferred: the referrer
behind a company that became a customer; a contact at a customer or open account
with frequent recent messages.
"""

from __future__ import annotations

import pandas as pd

from relmap.insights.context import CHAMPION_ROLES, Context, iso, month, parse_contact_roles
from relmap.insights.moves import job_changes
from relmap.insights.weights import SETTINGS

CHAMPION_COLUMNS = ["person_id", "company_id", "kind", "why"]


def champions(ctx: Context) -> pd.DataFrame:
    """One row per (person, company): ``kind`` explicit|inferred and ``why`` (list of sentences).

    Example: person 7 at Northwind, explicit, ["CRM role champion at Northwind"].
    """
    if "champions" in ctx.cache:
        return ctx.cache["champions"]
    parts = []
    c = ctx.contacts
    if len(c):
        hit = c[c["role_key"].isin(CHAMPION_ROLES) & c["company_id"].notna()]
        if len(hit):
            roles = hit["role_key"].str.replace("_", " ")
            names = hit["company_id"].map(ctx.company_name).fillna("their company")
            parts.append(pd.DataFrame({"person_id": hit["person_id"].astype("int64"),
                                       "company_id": hit["company_id"].astype("int64"), "kind": "explicit",
                                       "why": "CRM role " + roles + " at " + names}))
    opps = ctx.frames.crm_opportunities
    if len(opps):
        won = opps[opps["is_won"].fillna(False).astype(bool) & opps["company_id"].notna()]
        rows = []
        for cid, name, roles in zip(won["company_id"], won["name"], won["contact_roles"]):
            for item in parse_contact_roles(roles):
                role = str(item.get("role") or "contact")
                rows.append({"person_id": int(item["person_id"]), "company_id": int(ctx.canon.get(int(cid), cid)),
                             "kind": "explicit",
                             "why": f"{role} on won opportunity '{name}' at {ctx.cname(ctx.canon.get(int(cid), cid))}"})
        if rows:
            parts.append(pd.DataFrame(rows))
    marks = ctx.frames.champion_marks
    if len(marks):
        m = marks.copy()
        m["company_id"] = ctx.to_canon(pd.to_numeric(m["company_id"], errors="coerce"))
        m["company_id"] = m["company_id"].fillna(m["person_id"].map(ctx.current["company_id"]))
        m = m[m["company_id"].notna()]
        notes = m["note"].astype(object).where(m["note"].notna(), "")
        parts.append(pd.DataFrame({
            "person_id": m["person_id"].astype("int64"), "company_id": m["company_id"].astype("int64"),
            "kind": "explicit",
            "why": ["marked as champion on " + str(iso(d)) + (f" ({n})" if n else "")
                    for d, n in zip(pd.to_datetime(m["marked_on"]), notes)],
        }))
    acc = ctx.accounts
    customers = set(acc.index[(acc["status"] == "customer") | acc["won"]])
    ref = ctx.frames.referrals
    if len(ref) and customers:
        r = ref.assign(company_id=ctx.to_canon(pd.to_numeric(ref["company_id"], errors="coerce")))
        r = r[r["company_id"].isin(customers)]
        if len(r):
            parts.append(pd.DataFrame({
                "person_id": r["referrer_id"].astype("int64"), "company_id": r["company_id"].astype("int64"),
                "kind": "inferred",
                "why": ["referred " + ctx.pname(p) + " and " + ctx.cname(c) + " became a customer"
                        for p, c in zip(r["referred_id"], r["company_id"])],
            }))
    rel = ctx.rels
    if len(rel):
        days = (ctx.as_of - rel["last_touch"]).dt.days
        busy = rel[(rel["message_count"] >= SETTINGS.inferred_min_messages) & (days <= SETTINGS.inferred_recent_days)]
        busy = busy.assign(company_id=busy["person_id"].map(ctx.current["company_id"]))
        busy = busy[busy["company_id"].isin(acc.index[acc["status"].isin(["customer", "opportunity"])])]
        if len(busy):
            parts.append(pd.DataFrame({
                "person_id": busy["person_id"].astype("int64"), "company_id": busy["company_id"].astype("int64"),
                "kind": "inferred",
                "why": [f"{int(n)} messages with {ctx.rname(r)}, the last on {iso(t)}"
                        for n, r, t in zip(busy["message_count"], busy["rep_id"], busy["last_touch"])],
            }))
    if not parts:
        out = pd.DataFrame(columns=CHAMPION_COLUMNS)
    else:
        allc = pd.concat(parts, ignore_index=True).drop_duplicates()
        allc["rank"] = (allc["kind"] != "explicit").astype(int)
        allc = allc.sort_values("rank", kind="stable")
        whys: dict = {}
        for key, why in zip(zip(allc["person_id"].tolist(), allc["company_id"].tolist()), allc["why"].tolist()):
            whys.setdefault(key, []).append(why)
        out = allc.drop_duplicates(["person_id", "company_id"])[["person_id", "company_id", "kind"]].reset_index(drop=True)
        out["why"] = [list(dict.fromkeys(whys[k])) for k in zip(out["person_id"].tolist(), out["company_id"].tolist())]
    ctx.cache["champions"] = out
    return out


def champion_sentence(ctx: Context, person_id: int, company_id: int, why: list[str]) -> str:
    """``Joe Smith was a champion at Northwind: CRM role champion at Northwind``."""
    return f"{ctx.pname(person_id)} was a champion at {ctx.cname(company_id)}: {'; '.join(why)}"


def moved_champions(ctx: Context) -> pd.DataFrame:
    """Champions who left the company they championed: champion columns + job-change columns,
    ``left_for_id`` (the company they left for), ``to_company_id`` (where they are now: that company,
    or the one they moved on to since), ``landing`` (``expansion`` when that company is a customer,
    else ``opportunity``) and ``known_by`` (rep ids that know the person)."""
    if "moved_champions" in ctx.cache:
        return ctx.cache["moved_champions"]
    ch = champions(ctx)
    moves = job_changes(ctx)
    m = ch.merge(moves, left_on=["person_id", "company_id"], right_on=["person_id", "from_company_id"])
    # A CRM that already moved the contact (and their role) to the new company: still a champion who left.
    carried = ch.merge(moves, left_on=["person_id", "company_id"], right_on=["person_id", "to_company_id"])
    carried = carried[~carried["person_id"].isin(m["person_id"])]
    m = pd.concat([m, carried], ignore_index=True)
    # Only the latest move out of the championed company counts.
    m = m.sort_values("window_end").drop_duplicates(["person_id"], keep="last")
    # ``left_for_id``: where they went; ``to_company_id``: where they are now, when they moved on again
    # (Northwind -> Hooli -> Globex: the opportunity is Globex). Back at the championed company: no move.
    m["left_for_id"] = m["to_company_id"]
    now = m["person_id"].map(ctx.current["company_id"]).astype("float64")
    m = m[(now != m["from_company_id"]).to_numpy()]
    now = now[m.index]
    on = (now.notna() & (now != m["to_company_id"])).to_numpy()
    m.loc[on, "to_company_id"] = now[on].astype("int64").to_numpy()
    acc = ctx.accounts
    customers = set(acc.index[acc["status"] == "customer"])
    m["landing"] = ["expansion" if c in customers else "opportunity" for c in m["to_company_id"]]
    known = ctx.rels[ctx.rels["person_id"].isin(m["person_id"])].groupby("person_id")["rep_id"].agg(list)
    m["known_by"] = m["person_id"].map(known)
    m["known_by"] = [v if isinstance(v, list) else [] for v in m["known_by"]]
    m = m.reset_index(drop=True)
    ctx.cache["moved_champions"] = m
    return m


def moved_champion_reasons(ctx: Context, row) -> list[str]:
    """Sentences explaining one moved champion (a row of ``moved_champions``)."""
    frm, to = ctx.cname(row.from_company_id), ctx.cname(row.to_company_id)
    if "account_status" not in ctx.cache:  # called once per moved champion: one dict, not a column lookup each
        ctx.cache["account_status"] = ctx.accounts["status"].to_dict()
    status = ctx.cache["account_status"].get(int(row.from_company_id))
    if int(row.company_id) == int(row.from_company_id):
        first = champion_sentence(ctx, row.person_id, row.company_id, row.why)
    else:
        first = f"{ctx.pname(row.person_id)} is a champion ({'; '.join(row.why)}) and came from {frm}"
    went = ctx.cname(row.left_for_id)
    reasons = [first,
               f"{ctx.pname(row.person_id)} left {frm} for {went} between {iso(row.window_start)} and "
               f"{iso(row.window_end)} (seen in {month(row.window_end)})"
               + (f"; now at {to}" if int(row.left_for_id) != int(row.to_company_id) else "")]
    if status in ("customer", "opportunity"):
        reasons.append(f"risk: {frm} ({status}) lost its champion; re-thread the account")
    else:
        reasons.append(f"{frm} is not an open account ({status or 'not in the CRM'})")
    if row.landing == "expansion":
        reasons.append(f"{to} is already a customer: expansion with a known champion inside")
    else:
        reasons.append(f"{to} is not a customer: a new opportunity with a known champion inside")
    if row.known_by:
        reasons.append("known by " + ", ".join(sorted(ctx.rname(r) for r in row.known_by)))
    else:
        reasons.append("no rep is connected to them yet")
    return reasons
