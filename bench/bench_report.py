"""Full insights report at team scale (targets: <= 10 s, <= 3 GB peak; one account's warm paths <= 0.2 s).

Generates, with numpy, the frames ``Store.load_frames`` would return for a synthetic
team: 50 reps x 20,000 connections (1M relationships), ~600k people, ~30k
companies, 5k CRM accounts, 2 Connections snapshots per rep (5% of people change
company and 2% change title in between), CRM contacts with roles, opportunities,
referrals and messages. Then times ``build_report`` and ``warm_paths`` and prints
times, ratios to the targets, peak memory (process RSS high-water mark) and counts.

    python bench/bench_report.py                  # full size
    python bench/bench_report.py --reps 5         # smaller, for a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relmap.insights.context import prepare  # noqa: E402
from relmap.insights.paths import warm_paths  # noqa: E402
from relmap.insights.report import build_report  # noqa: E402
from relmap.store import Frames  # noqa: E402

TITLES = np.array(["Software Engineer", "Senior Engineer", "Data Scientist", "Account Executive", "Analyst",
                   "Engineering Manager", "Sales Manager", "Director of IT", "Head of Data", "VP Sales",
                   "VP Engineering", "CFO", "CTO", "Chief Executive Officer", "Product Manager", "Designer",
                   "Finance Manager", "Security Engineer", "Recruiter", "Marketing Manager", "Consultant",
                   "Operations Lead", "Procurement Specialist", "Legal Counsel", "Support Engineer"], dtype=object)
D1, D2, AS_OF = pd.Timestamp("2026-01-05"), pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-20")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def synth(reps: int = 50, per_rep: int = 20_000, people: int = 600_000, companies: int = 30_000,
          accounts: int = 5_000, seed: int = 7) -> Frames:
    """Frames for a synthetic team (see module doc)."""
    rng = np.random.default_rng(seed)
    # Company sizes follow a power law: low ids are the big companies (and the CRM accounts).
    weights = 1.0 / np.arange(1, companies + 1) ** 0.6
    old_co = rng.choice(companies, size=people, p=weights / weights.sum())
    moved = rng.random(people) < 0.05
    new_co = np.where(moved, rng.choice(companies, size=people, p=weights / weights.sum()), old_co)
    moved &= new_co != old_co
    title_old = rng.integers(0, len(TITLES), people)
    promoted = rng.random(people) < 0.02
    title_new = np.where(promoted, rng.integers(0, len(TITLES), people), title_old)

    comp = pd.DataFrame({"company_id": np.arange(1, companies + 1),
                         "company_name": pd.Series(np.arange(1, companies + 1)).map("Company {}".format),
                         "norm_key": pd.Series(np.arange(1, companies + 1)).map("company {}".format),
                         "domain": None})
    ppl = pd.DataFrame({"person_id": np.arange(1, people + 1),
                        "full_name": pd.Series(np.arange(1, people + 1)).map("Person {}".format),
                        "profile_url": None, "email": None})
    rep_f = pd.DataFrame({"rep_id": np.arange(1, reps + 1), "rep_name": [f"Rep {i}" for i in range(1, reps + 1)],
                          "person_id": np.arange(1, reps + 1)})  # reps are people 1..reps
    snaps, emps, rels = [], [], []
    sid = 0
    for r in range(1, reps + 1):
        conn = rng.choice(np.arange(reps, people), size=per_rep, replace=False)
        first = conn[rng.random(per_rep) < 0.95]
        connected_on = D1 - pd.to_timedelta(rng.integers(1, 3000, per_rep), unit="D")
        msgs = np.where(rng.random(per_rep) < 0.1, rng.integers(1, 40, per_rep), 0)
        touch = np.where(msgs > 0, (AS_OF - pd.to_timedelta(rng.integers(1, 400, per_rep), unit="D")).values,
                         np.datetime64("NaT"))
        for snap_date, who, co, ti in ((D1, first, old_co, title_old), (D2, conn, new_co, title_new)):
            sid += 1
            snaps.append((sid, f"rep{r}-connections-{snap_date.date()}.csv", "linkedin_connections", None, r,
                          snap_date, snap_date, False))
            idx = who - 0
            emps.append(pd.DataFrame({"person_id": idx + 1, "company_id": co[idx] + 1, "company_text": None,
                                      "title": TITLES[ti[idx]], "snapshot_id": sid, "observed_on": snap_date,
                                      "source": "linkedin", "started_on": pd.NaT, "ended_on": pd.NaT}))
            sel = np.isin(conn, who) if snap_date == D1 else np.ones(per_rep, bool)
            rels.append(pd.DataFrame({"rep_id": r, "person_id": conn[sel] + 1, "snapshot_id": sid, "source": "linkedin",
                                      "connected_on": connected_on[sel],
                                      "last_touch": touch[sel] if snap_date == D2 else np.datetime64("NaT"),
                                      "message_count": msgs[sel] if snap_date == D2 else 0}))
    # Reps' own past employers (Positions).
    sid += 1
    snaps.append((sid, "positions.csv", "linkedin_positions", None, None, D1, D1, False))
    emps.append(pd.DataFrame({"person_id": np.repeat(np.arange(1, reps + 1), 3),
                              "company_id": rng.integers(1, accounts, reps * 3), "company_text": None,
                              "title": "Account Executive", "snapshot_id": sid, "observed_on": D1,
                              "source": "positions", "started_on": pd.Timestamp("2015-01-01"),
                              "ended_on": pd.Timestamp("2020-01-01")}))
    # CRM: accounts are the biggest companies; 3 contacts each (people seen there at D1), one champion.
    crm_sid = sid + 1
    snaps.append((crm_sid, "crm-accounts.csv", "crm_accounts", None, None, D1, D1, False))
    snaps.append((crm_sid + 1, "crm-contacts.csv", "crm_contacts", None, None, D1, D1, False))
    snaps.append((crm_sid + 2, "crm-opportunities.csv", "crm_opportunities", None, None, D1, D1, False))
    snaps.append((crm_sid + 3, "referrals.csv", "referrals", None, None, D1, D1, False))
    status = rng.choice(np.array(["customer", "opportunity", "prospect"], dtype=object), accounts, p=[0.6, 0.3, 0.1])
    acc = pd.DataFrame({"company_id": np.arange(1, accounts + 1), "name": comp["company_name"][:accounts],
                        "domain": None, "status": status, "owner": "Rep 1",
                        "arr": np.where(status == "customer", rng.integers(5_000, 500_000, accounts), np.nan),
                        "renewal_date": AS_OF + pd.to_timedelta(rng.integers(-30, 365, accounts), unit="D"),
                        "last_activity": AS_OF - pd.to_timedelta(rng.integers(0, 300, accounts), unit="D"),
                        "snapshot_id": crm_sid, "observed_on": D1})
    at_acc = pd.DataFrame({"person_id": np.arange(1, people + 1), "company_id": old_co + 1})
    at_acc = at_acc[(at_acc["company_id"] <= accounts) & (at_acc["person_id"] > reps)]
    picks = at_acc.groupby("company_id").head(3)
    roles = np.where(picks.groupby("company_id").cumcount() == 0, "Champion", "User")
    contacts = pd.DataFrame({"person_id": picks["person_id"], "company_id": picks["company_id"], "email": None,
                             "title": TITLES[title_old[picks["person_id"] - 1]], "role": roles, "owner": "Rep 1",
                             "last_activity": AS_OF - pd.to_timedelta(rng.integers(0, 300, len(picks)), unit="D"),
                             "snapshot_id": crm_sid + 1, "observed_on": D1})
    champs = contacts[contacts["role"] == "Champion"]
    won = rng.random(len(champs)) < 0.4
    opps = pd.DataFrame({"company_id": champs["company_id"], "name": "Deal " + champs["company_id"].astype(str),
                         "stage": np.where(won, "Closed Won", "Proposal"), "amount": 50_000.0,
                         "close_date": AS_OF + pd.to_timedelta(rng.integers(-60, 200, len(champs)), unit="D"),
                         "is_closed": won, "is_won": won, "owner": "Rep 1",
                         "contact_roles": [json.dumps([{"person_id": int(p), "role": "Economic Buyer"}]) if w else "[]"
                                           for p, w in zip(champs["person_id"], won)],
                         "snapshot_id": crm_sid + 2, "observed_on": D1})
    n_ref = 2_000
    refs = pd.DataFrame({"referrer_id": rng.integers(reps + 1, people, n_ref),
                         "referred_id": rng.integers(reps + 1, people, n_ref),
                         "company_id": rng.integers(1, accounts, n_ref), "note": None,
                         "referred_on": D1, "snapshot_id": crm_sid + 3})
    snap_f = pd.DataFrame(snaps, columns=["snapshot_id", "file_name", "kind", "layout", "rep_id", "as_of",
                                          "imported_at", "is_demo"])
    return Frames(reps=rep_f, people=ppl, companies=comp, snapshots=snap_f,
                  employments=pd.concat(emps, ignore_index=True), relationships=pd.concat(rels, ignore_index=True),
                  referrals=refs[["referrer_id", "referred_id", "company_id", "referred_on", "note", "snapshot_id"]],
                  crm_accounts=acc, crm_contacts=contacts.reset_index(drop=True), crm_opportunities=opps,
                  champion_marks=pd.DataFrame(columns=["person_id", "company_id", "note", "marked_on"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--per-rep", type=int, default=20_000)
    ap.add_argument("--team", action="store_true",
                    help="use the demo generator's team (relmap.generate + relmap.team_frames) instead")
    args = ap.parse_args()
    t0 = time.perf_counter()
    if args.team:
        from relmap.generate import generate_team
        from relmap.team_frames import team_frames

        frames = team_frames(generate_team(reps=args.reps, connections=args.per_rep, accounts=5_000, seed=7))
    else:
        frames = synth(reps=args.reps, per_rep=args.per_rep)
    t_gen = time.perf_counter() - t0
    rss_before = peak_rss_mb()
    print(f"generated in {t_gen:.1f} s: {len(frames.relationships):,} relationship rows, "
          f"{frames.relationships[['rep_id', 'person_id']].drop_duplicates().shape[0]:,} relationships, "
          f"{frames.relationships['person_id'].nunique():,} people connected, {len(frames.people):,} people, "
          f"{len(frames.companies):,} companies, {len(frames.crm_accounts):,} CRM accounts, "
          f"{len(frames.employments):,} employment rows, {len(frames.snapshots):,} snapshots")
    t0, c0 = time.perf_counter(), time.process_time()
    as_of = None if args.team else AS_OF.date()
    report = build_report(frames, as_of)
    t_report, c_report = time.perf_counter() - t0, time.process_time() - c0
    print(f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers when others run)")
    print(f"report: {t_report:.2f} s wall, {c_report:.2f} s CPU (target 10 s, ratio {t_report / 10:.2f}); "
          f"peak RSS {peak_rss_mb():,.0f} MB (after generating: {rss_before:,.0f} MB; target 3,072 MB, "
          f"ratio {peak_rss_mb() / 3072:.2f})")
    print("counts:", json.dumps(report["counts"]))
    ctx = prepare(frames, as_of)
    ctx_start = time.perf_counter()
    from relmap.insights.moves import job_changes
    job_changes(ctx)  # warm the shared caches once (moves, per-person indexes), as the dashboard does
    warm_paths(ctx, company_id=4999, limit=5)
    warm = time.perf_counter() - ctx_start
    times, n_paths = [], []
    for cid in (1, 10, 100, 1000, 4000):
        t0 = time.process_time()
        paths = warm_paths(ctx, company_id=cid, limit=5)
        times.append(time.process_time() - t0)
        n_paths.append(len(paths))
    print(f"warm paths for one account (CPU): max {max(times):.3f} s, median {sorted(times)[2]:.3f} s "
          f"(target 0.2 s, ratio {max(times) / 0.2:.2f}); paths returned {n_paths}; cache warm-up {warm:.2f} s")
    print(f"peak RSS overall {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
