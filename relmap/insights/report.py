"""The full report: job changes, moved champions, accounts with risk -- the ``report --json`` contract."""

from __future__ import annotations

from datetime import date

import pandas as pd

from relmap.insights.champions import moved_champion_reasons, moved_champions
from relmap.insights.context import Context, prepare
from relmap.insights.moves import job_change_records, job_changes, promotion_records
from relmap.insights.paths import path_frame, path_records
from relmap.insights.suggest import next_contacts
from relmap.insights.threading import account_risk
from relmap.store import Frames

PATHS_PER_CHAMPION = 3


def moved_champion_records(ctx: Context) -> list[dict]:
    """Moved champions as dicts ``{person, from_company, to_company, landing, reasons, warm_paths}``."""
    mc = moved_champions(ctx)
    if mc.empty:
        return []
    paths = path_frame(ctx, mc["to_company_id"].unique(), mc["person_id"].unique(), index=False)
    # Paths to a moved champion come first: they carry us into their new company.
    mine = pd.Series(True, index=pd.MultiIndex.from_arrays([mc["to_company_id"], mc["person_id"]]))
    key = pd.MultiIndex.from_arrays([paths["company_id"], paths["target_id"]])
    paths["_other"] = ~key.isin(mine.index)
    paths = paths.sort_values(["company_id", "_other", "hops", "strength"],
                              ascending=[True, True, True, False], kind="stable")
    paths = paths[paths.groupby("company_id", sort=False).cumcount() < PATHS_PER_CHAMPION]
    by_company: dict = {}
    for cid, rec in zip(paths["company_id"].tolist(), path_records(ctx, paths, limit=0)):
        by_company.setdefault(int(cid), []).append(rec)
    out = []
    for row in mc.itertuples(index=False):
        recs = by_company.get(int(row.to_company_id), [])
        out.append({
            "person_id": int(row.person_id),
            "person": ctx.pname(row.person_id),
            "from_company": ctx.cname(row.from_company_id),
            "to_company": ctx.cname(row.to_company_id),
            "window": [row.window_start.date().isoformat(), row.window_end.date().isoformat()],
            "landing": row.landing,
            "known_by": sorted(ctx.rname(r) for r in row.known_by),
            "reasons": moved_champion_reasons(ctx, row),
            "warm_paths": [{**r, "path": list(r["path"])} for r in recs],  # copies: champions may share a company
        })
    return out


def _number(value: object) -> float | None:
    """A float, or None where the frame holds NaN (strict JSON has no NaN)."""
    return None if value is None or pd.isna(value) else float(value)


def account_records(ctx: Context, include_prospects: bool = False) -> list[dict]:
    """Scored accounts as dicts (riskiest first) with reasons, champions and next contacts."""
    risk = account_risk(ctx, include_prospects)
    nxt = next_contacts(ctx, risk)
    out = []
    for r in risk.itertuples(index=False):
        out.append({
            "company_id": r.company_id, "account": r.account, "status": r.status, "threads": r.threads,
            "single_threaded": bool(r.single_threaded), "arr": _number(r.arr), "reps": r.reps,
            "rep_share": _number(r.rep_share),
            "risk_score": r.risk_score, "risk_level": r.risk_level, "reasons": r.reasons,
            "champions": r.champions, "contacts": r.thread_names, "next_contacts": nxt.get(r.company_id, []),
            "reason_points": r.reason_points,
        })
    return out


def build_report(frames: Frames, as_of: date | None = None, include_prospects: bool = False) -> dict:
    """The whole report as one JSON-ready dict (what ``python -m relmap report --json`` prints).

    Keys: ``as_of``, ``job_changes``, ``moved_champions``, ``accounts`` (see issue 5), plus ``counts``.
    """
    ctx = prepare(frames, as_of)
    changes = job_changes(ctx)
    report = {
        "as_of": ctx.as_of.date().isoformat(),
        "job_changes": job_change_records(ctx, changes),
        "promotions": promotion_records(ctx),
        "moved_champions": moved_champion_records(ctx),
        "accounts": account_records(ctx, include_prospects),
    }
    report["counts"] = {
        "people": int(len(frames.people)), "companies": int(len(frames.companies)), "reps": int(len(frames.reps)),
        "relationships": int(len(ctx.rels)), "job_changes": len(report["job_changes"]),
        "moved_champions": len(report["moved_champions"]), "accounts": len(report["accounts"]),
        "single_threaded": sum(1 for a in report["accounts"] if a["single_threaded"]),
        "high_risk": sum(1 for a in report["accounts"] if a["risk_level"] == "high"),
    }
    return report


def report_text(report: dict, max_rows: int = 50) -> str:
    """A readable plain-text rendering of ``build_report``'s dict (tables, widest first)."""
    lines = [f"relmap report as of {report['as_of']}", ""]
    lines.append(f"Job changes ({len(report['job_changes'])})")
    rows = [(c["person"], c["from_company"], c["to_company"], f"{c['window'][0]}..{c['window'][1]}",
             f"{c['confidence']:.2f}") for c in report["job_changes"][:max_rows]]
    lines += _table(["person", "from", "to", "window", "conf"], rows)
    lines += ["", f"Champions who moved ({len(report['moved_champions'])})"]
    for m in report["moved_champions"][:max_rows]:
        lines.append(f"  {m['person']}: {m['from_company']} -> {m['to_company']} ({m['landing']})")
        for p in m["warm_paths"]:
            lines.append(f"      path: {p['sentence']}")
    lines += ["", f"Accounts ({len(report['accounts'])})"]
    rows = [(a["account"], a["status"], str(a["threads"]), "yes" if a["single_threaded"] else "no",
             f"{a['risk_score']} {a['risk_level']}", "; ".join(a["reasons"])) for a in report["accounts"][:max_rows]]
    lines += _table(["account", "status", "threads", "single", "risk", "reasons"], rows)
    return "\n".join(lines)


def _table(header: list[str], rows: list[tuple]) -> list[str]:
    if not rows:
        return ["  (none)"]
    widths = [min(max(len(str(x)) for x in col), 40) for col in zip(header, *rows)]
    widths[-1] = max(len(header[-1]), 0)

    def fmt(r):
        return "  " + "  ".join(str(v)[:w].ljust(w) if i < len(r) - 1 else str(v)
                                for i, (v, w) in enumerate(zip(r, widths)))
    return [fmt(header)] + [fmt(r) for r in rows]


__all__ = ["build_report", "report_text"]
