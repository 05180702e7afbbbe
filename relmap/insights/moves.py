"""Job changes, promotions, arrivals and departures, from successive observations.

A job change: a person observed at company A and, later, at company B (canonical
ids, so a rename -- same normalised name, same domain or a known alias -- is not a
move). The window is [last seen at A, first seen at B]; evidence names the files;
confidence grows when one rep's successive exports show it, when B is confirmed by
more than one observation, and when the window is short.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relmap.insights.context import Context, combine_keys, iso, iso_list, seniority

JOB_CHANGE_COLUMNS = ["person_id", "from_company_id", "to_company_id", "window_start", "window_end",
                      "from_snapshot_id", "to_snapshot_id", "evidence_ids", "confidence"]


def job_changes(ctx: Context) -> pd.DataFrame:
    """One row per move (columns ``JOB_CHANGE_COLUMNS``), oldest first per person.

    Example row: person 7 from company 3 to 9, window 2026-01-15..2026-03-01, confidence 0.9.
    """
    if "job_changes" in ctx.cache:
        return ctx.cache["job_changes"]
    obs = ctx.obs
    span = int(obs["company_id"].max()) + 1 if len(obs) else 1
    pair_key = pd.Series(obs["person_id"].to_numpy() * span + obs["company_id"].to_numpy()).drop_duplicates()
    persons = pd.Series(pair_key.to_numpy() // span)
    movers = persons[persons.duplicated()].unique()
    sub = obs[obs["person_id"].isin(movers)].sort_values(["person_id", "company_id", "observed_on"])
    if sub.empty:
        out = pd.DataFrame({
            "person_id": pd.Series(dtype="int64"), "from_company_id": pd.Series(dtype="int64"),
            "to_company_id": pd.Series(dtype="int64"), "window_start": pd.Series(dtype="datetime64[ns]"),
            "window_end": pd.Series(dtype="datetime64[ns]"), "from_snapshot_id": pd.Series(dtype="int64"),
            "to_snapshot_id": pd.Series(dtype="int64"), "evidence_ids": pd.Series(dtype=object),
            "confidence": pd.Series(dtype="float64")})
        ctx.cache["job_changes"] = out
        return out
    spans = sub.groupby(["person_id", "company_id"], sort=False).agg(
        first_seen=("observed_on", "first"), last_seen=("observed_on", "last"),
        first_snap=("snapshot_id", "first"), last_snap=("snapshot_id", "last"),
        n=("snapshot_id", "size")).reset_index()
    spans = spans.sort_values(["person_id", "first_seen", "last_seen"]).reset_index(drop=True)
    prev = spans.groupby("person_id", sort=False).shift(1)
    same_person = spans["person_id"].eq(spans["person_id"].shift(1))
    moved = same_person & (spans["first_seen"] > prev["last_seen"])
    nxt = spans[moved]
    prv = prev[moved]
    out = pd.DataFrame({
        "person_id": nxt["person_id"].astype("int64"),
        "from_company_id": prv["company_id"].astype("int64"),
        "to_company_id": nxt["company_id"].astype("int64"),
        "window_start": prv["last_seen"],
        "window_end": nxt["first_seen"],
        "from_snapshot_id": prv["last_snap"].astype("int64"),
        "to_snapshot_id": nxt["first_snap"].astype("int64"),
    })
    out = out.reset_index(drop=True)
    out["_i"] = np.arange(len(out))
    # Evidence: every snapshot that saw the person at A on the last day, and at B on the first day.
    seen = sub[["person_id", "company_id", "observed_on", "snapshot_id"]]
    ev_a = out[["_i", "person_id", "from_company_id", "window_start"]].merge(
        seen, left_on=["person_id", "from_company_id", "window_start"],
        right_on=["person_id", "company_id", "observed_on"])[["_i", "snapshot_id"]]
    ev_b = out[["_i", "person_id", "to_company_id", "window_end"]].merge(
        seen, left_on=["person_id", "to_company_id", "window_end"],
        right_on=["person_id", "company_id", "observed_on"])[["_i", "snapshot_id"]]
    ev_a["rep"] = ev_a["snapshot_id"].map(ctx.snapshot_rep)
    ev_b["rep"] = ev_b["snapshot_id"].map(ctx.snapshot_rep)
    same = ev_a.dropna(subset=["rep"]).merge(ev_b.dropna(subset=["rep"]), on=["_i", "rep"])["_i"].unique()
    same_rep = out["_i"].isin(same)
    ev = pd.concat([ev_a.assign(_o=0), ev_b.assign(_o=1)]).sort_values(["_i", "_o", "snapshot_id"])
    # ev is sorted by move: each move's evidence is one slice of it.
    bounds = np.searchsorted(ev["_i"].to_numpy(), np.arange(len(out) + 1)).tolist()
    sids = ev["snapshot_id"].tolist()
    out["evidence_ids"] = [sids[bounds[k]:bounds[k + 1]] for k in range(len(out))]
    out = out.drop(columns="_i")
    days = (out["window_end"] - out["window_start"]).dt.days
    conf = (0.6 + 0.2 * same_rep.to_numpy() + 0.1 * (nxt["n"].to_numpy() > 1)
            + 0.1 * (days.to_numpy() <= 180))
    out["confidence"] = np.round(np.minimum(conf, 0.95), 2)
    out = out.reset_index(drop=True)
    ctx.cache["job_changes"] = out
    return out


def job_change_records(ctx: Context, changes: pd.DataFrame | None = None) -> list[dict]:
    """Job changes as JSON-ready dicts (the ``report --json`` contract).

    >>> # {"person": "Joe Smith", "from_company": "Northwind", "to_company": "Globex",
    >>> #  "window": ["2026-01-15", "2026-03-01"], "confidence": 0.9, "evidence": ["a.csv", "b.csv"]}
    """
    changes = job_changes(ctx) if changes is None else changes
    if changes.empty:
        return []
    files = ctx.snapshot_file.to_dict()
    pids = changes["person_id"].tolist()
    confs = changes["confidence"].tolist()
    persons = changes["person_id"].map(ctx.person_name).fillna("unknown person").tolist()
    froms = changes["from_company_id"].map(ctx.company_name).fillna("unknown company").tolist()
    tos = changes["to_company_id"].map(ctx.company_name).fillna("unknown company").tolist()
    evidence_ids = changes["evidence_ids"].tolist()
    starts = changes["window_start"].dt.strftime("%Y-%m-%d").tolist()
    ends = changes["window_end"].dt.strftime("%Y-%m-%d").tolist()
    # The same snapshots (one rep's successive exports) are the evidence of many moves: name them once.
    named: dict = {}
    out = []
    for i in range(len(changes)):
        ids = tuple(evidence_ids[i])
        evidence = named.get(ids)
        if evidence is None:
            evidence = named[ids] = [e for e in dict.fromkeys(files.get(int(sid)) for sid in ids)
                                     if isinstance(e, str)]
        out.append({
            "person_id": int(pids[i]),
            "person": persons[i], "from_company": froms[i], "to_company": tos[i],
            "window": [starts[i], ends[i]], "confidence": float(confs[i]),
            "evidence": list(evidence),
        })
    return out


def promotions(ctx: Context) -> pd.DataFrame:
    """New titles at the same company: person_id, company_id, old_title, new_title, window_start (last seen
    with the old title), observed_on (first seen with the new one), from_snapshot_id, to_snapshot_id, seniority.

    Titles are compared within one kind of source (LinkedIn with LinkedIn, CRM with CRM): a CRM spelling
    of the same job ("VP Operations" vs "VP Ops") is not a promotion. A change seen by both kinds of
    source is reported once, at its earliest sighting.
    """
    if "promotions" in ctx.cache:
        return ctx.cache["promotions"]
    obs = ctx.obs
    title = obs["title"].astype("category")
    codes = title.cat.codes.to_numpy()
    has_title = codes >= 0
    # Titles compare as stripped casefolded text: fold each distinct title once, then compare int codes.
    folded = pd.Series(title.cat.categories.astype(str)).str.strip().str.casefold()
    fold_code = pd.factorize(folded)[0].astype("int64")
    t = np.where(has_title, fold_code[np.where(has_title, codes, 0)] if len(fold_code) else 0, -1)
    src = np.where((obs["source"] == "crm").to_numpy(dtype=bool, na_value=False), 0, 1)  # crm sorts first
    # Only (person, company, kind of source) groups with two distinct titles can hold a promotion.
    rows = np.flatnonzero(has_title)
    group_key = combine_keys(obs["person_id"].to_numpy()[rows], obs["company_id"].to_numpy()[rows], src[rows])
    first_of_pair = ~pd.Series(combine_keys(group_key, t[rows])).duplicated().to_numpy()
    distinct_groups = pd.Series(group_key[first_of_pair])
    several = pd.Series(group_key).isin(distinct_groups[distinct_groups.duplicated()].unique()).to_numpy()
    pick = rows[several]
    sub = pd.DataFrame({"person_id": obs["person_id"].to_numpy()[pick], "company_id": obs["company_id"].to_numpy()[pick],
                        "_src": src[pick], "observed_on": obs["observed_on"].to_numpy()[pick],
                        "snapshot_id": obs["snapshot_id"].to_numpy()[pick], "_t": t[pick],
                        "title": title.iloc[pick].astype(object).to_numpy()})
    group = ["person_id", "company_id", "_src"]
    sub = sub.sort_values(group + ["observed_on", "snapshot_id"], kind="stable")
    g = sub.groupby(group, sort=False)
    prev_t, prev_title = g["_t"].shift(1), g["title"].shift(1)
    prev_on, prev_snap = g["observed_on"].shift(1), g["snapshot_id"].shift(1)
    changed = prev_t.notna() & (prev_t != sub["_t"])
    out = pd.DataFrame({
        "person_id": sub.loc[changed, "person_id"], "company_id": sub.loc[changed, "company_id"],
        "old_title": prev_title[changed].astype(object), "new_title": sub.loc[changed, "title"].astype(object),
        "window_start": prev_on[changed], "observed_on": sub.loc[changed, "observed_on"],
        "from_snapshot_id": prev_snap[changed], "to_snapshot_id": sub.loc[changed, "snapshot_id"],
        "_t": sub.loc[changed, "_t"],
    })
    out = out[out["window_start"] < out["observed_on"]]  # two titles on one day: no dated change
    out = out.sort_values("observed_on", kind="stable").drop_duplicates(["person_id", "company_id", "_t"])
    out = out.drop(columns="_t").reset_index(drop=True)
    out["seniority"] = seniority(out["new_title"])
    ctx.cache["promotions"] = out
    return out


def promotion_records(ctx: Context) -> list[dict]:
    """Promotions as JSON-ready dicts: ``{person_id, person, company, from_title, to_title, window, evidence}``."""
    pr = promotions(ctx).sort_values(["observed_on", "person_id"], kind="stable")
    files = ctx.snapshot_file.to_dict()
    out = []
    for pid, cid, old, new, start, end, a, b in zip(
            pr["person_id"].tolist(), pr["company_id"].tolist(), pr["old_title"].tolist(), pr["new_title"].tolist(),
            iso_list(pr["window_start"]), iso_list(pr["observed_on"]), pr["from_snapshot_id"].tolist(),
            pr["to_snapshot_id"].tolist()):
        evidence = [files.get(int(x)) for x in (a, b)]
        out.append({"person_id": int(pid), "person": ctx.pname(pid), "company": ctx.cname(cid),
                    "from_title": old, "to_title": new, "window": [start, end],
                    "evidence": [e for e in dict.fromkeys(evidence) if isinstance(e, str)]})
    return out


def arrivals(ctx: Context, company_ids=None) -> pd.DataFrame:
    """People who moved in to a company (from a job change): job-change columns plus ``title``, ``seniority``."""
    ch = job_changes(ctx)
    if company_ids is not None:
        ch = ch[ch["to_company_id"].isin(list(company_ids))]
    ch = ch.copy()
    ch["title"] = ch["person_id"].map(ctx.current["title"])
    ch["seniority"] = seniority(ch["title"]) if len(ch) else pd.Series(dtype=object)
    return ch


def describe_change(ctx: Context, row) -> str:
    """``Joe Smith moved from Northwind to Globex between 2026-01-15 and 2026-03-01``."""
    return (f"{ctx.pname(row.person_id)} moved from {ctx.cname(row.from_company_id)} to "
            f"{ctx.cname(row.to_company_id)} between {iso(row.window_start)} and {iso(row.window_end)}")
