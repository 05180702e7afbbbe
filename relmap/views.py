"""One call from "show me the map of X" to HTML, shared by the CLI and the dashboard.

>>> from relmap.store import Frames
>>> page, g = map_html(Frames.empty(), MapRequest("team"))
>>> g.number_of_nodes(), "relmap-legend" in page
(0, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd

from relmap import graph, render
from relmap.store import Frames

VIEW_KINDS = ("rep", "company", "person", "team")


@dataclass(frozen=True)
class MapRequest:
    """Which view to draw: ``kind`` in VIEW_KINDS and the name (unused for ``team``)."""

    kind: str
    name: str = ""


def build_graph(frames: Frames, request: MapRequest, risk: dict | None = None,
                cap: int = graph.NODE_CAP) -> nx.DiGraph:
    """The graph for ``request``; raises ``graph.ViewNotFound`` for an unknown name."""
    cur = graph.current_state(frames, risk)
    if request.kind == "rep":
        return graph.rep_graph(frames, graph.find_rep(frames, request.name), cur, cap)
    if request.kind == "company":
        return graph.company_graph(frames, graph.find_company(frames, request.name), cur, cap)
    if request.kind == "person":
        return graph.person_graph(frames, graph.find_person(frames, request.name), cur, cap)
    if request.kind == "team":
        return graph.team_graph(frames, cur, cap)
    raise ValueError(f"unknown view {request.kind!r}; use one of {', '.join(VIEW_KINDS)}")


def map_html(frames: Frames, request: MapRequest, risk: dict | None = None, physics: bool = False,
             height: int = 750) -> tuple[str, nx.DiGraph]:
    """(HTML page, graph) for ``request``."""
    g = build_graph(frames, request, risk)
    return render.graph_html(g, height=height, physics=physics), g


# --- tables the pages show (plain pandas; no Streamlit, no SQL) ------------------------


def coverage_by_rep(frames: Frames) -> pd.DataFrame:
    """One row per rep: current contacts and companies they reach (latest snapshot).

    Columns: rep, contacts, companies, latest_snapshot.
    """
    cur = graph.current_state(frames)
    reps = frames.reps[["rep_id", "rep_name"]]
    knows = cur.knows.merge(cur.works[["person_id", "company_id"]], on="person_id", how="left")
    agg = knows.groupby("rep_id").agg(contacts=("person_id", "nunique"), companies=("company_id", "nunique"))
    latest = frames.snapshots.groupby("rep_id")["as_of"].max().rename("latest_snapshot")
    out = reps.set_index("rep_id").join(agg).join(latest).reset_index(drop=True)
    out[["contacts", "companies"]] = out[["contacts", "companies"]].fillna(0).astype(int)
    out["latest_snapshot"] = pd.to_datetime(out["latest_snapshot"]).dt.date
    return out.rename(columns={"rep_name": "rep"}).sort_values(["contacts", "rep"], ascending=[False, True])


def person_history(frames: Frames, person_id: int) -> pd.DataFrame:
    """A person's employment as observed in each snapshot, oldest first.

    Columns: observed_on, company, title, source, file.
    """
    emp = frames.employments[frames.employments["person_id"] == person_id]
    names = frames.companies.set_index("company_id")["company_name"]
    files = frames.snapshots.set_index("snapshot_id")["file_name"]
    out = pd.DataFrame({
        "observed_on": pd.to_datetime(emp["observed_on"]).dt.date,
        "company": emp["company_id"].map(names).fillna(emp["company_text"]).fillna("(no employer)"),
        "title": emp["title"],
        "source": emp["source"],
        "file": emp["snapshot_id"].map(files),
    })
    return out.sort_values("observed_on").reset_index(drop=True)


def known_by(frames: Frames, person_id: int) -> pd.DataFrame:
    """Reps who know a person now (latest snapshot per rep). Columns: rep, source,
    connected_on, last_touch."""
    cur = graph.current_state(frames)
    rel = cur.knows[cur.knows["person_id"] == person_id]
    reps = frames.reps.set_index("rep_id")["rep_name"]
    return pd.DataFrame({
        "rep": rel["rep_id"].map(reps),
        "source": rel["source"],
        "connected_on": pd.to_datetime(rel["connected_on"]).dt.date,
        "last_touch": pd.to_datetime(rel["last_touch"]).dt.date,
    }).reset_index(drop=True)


def _join(value: object) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(_join(v) for v in value)
    if isinstance(value, dict):
        if value.get("sentence"):
            return str(value["sentence"])
        if value.get("person"):
            title = f" ({value['title']})" if value.get("title") else ""
            why = f": {_join(value['why'])}" if value.get("why") else ""
            return f"{value['person']}{title}{why}"
        return str(value.get("name") or value.get("text") or ", ".join(f"{k}: {v}" for k, v in value.items()))
    return "" if value is None else str(value)


def risk_by_company(report: dict | None) -> dict:
    """``{company_id: {"level", "reasons", "single_threaded"}}`` from the report's accounts
    (what ``graph.current_state`` takes to ring accounts on the map)."""
    out = {}
    for item in (report or {}).get("accounts") or []:
        if item.get("company_id") is not None:
            out[int(item["company_id"])] = {"level": item.get("risk_level"), "reasons": list(item.get("reasons") or []),
                                            "single_threaded": bool(item.get("single_threaded"))}
    return out


def accounts_table(report: dict | None, frames: Frames | None = None) -> pd.DataFrame:
    """The report's scored accounts as a flat table (lists joined with "; "), riskiest first;
    CRM owner and ARR filled from ``frames`` when the report has none."""
    columns = ["account", "status", "owner", "threads", "single_threaded", "risk_score", "risk_level",
               "reasons", "champions", "next_contacts", "arr"]
    rows = list((report or {}).get("accounts") or [])
    frame = pd.DataFrame(rows)
    for col in columns:
        if col not in frame.columns:
            frame[col] = None
    if frames is not None and len(frames.crm_accounts) and "company_id" in frame.columns and len(frame):
        crm = frames.crm_accounts.sort_values("observed_on").drop_duplicates("company_id", keep="last")
        crm = crm.set_index("company_id")
        ids = frame["company_id"]
        frame["owner"] = frame["owner"].where(frame["owner"].notna(), ids.map(crm["owner"]))
        frame["arr"] = frame["arr"].where(frame["arr"].notna(), ids.map(crm["arr"]))
    for col in ("reasons", "champions", "next_contacts"):
        frame[col] = frame[col].map(_join)
    frame = frame[columns]
    if len(frame):
        frame = frame.sort_values("risk_score", ascending=False, na_position="last")
    return frame.reset_index(drop=True)


def changes_table(items: list[dict] | None) -> pd.DataFrame:
    """Job changes / moved champions as a table, newest first: person, from_company,
    to_company, when (end of the window), and the rest joined as text."""
    frame = pd.DataFrame(list(items or []))
    for col in ("person", "from_company", "to_company"):
        if col not in frame.columns:
            frame[col] = None
    if "window" in frame.columns:
        frame["when"] = pd.to_datetime(frame["window"].map(
            lambda w: (w[-1] if isinstance(w, list | tuple) and w else w)), errors="coerce")
    else:
        frame["when"] = pd.NaT
    for col in frame.columns:
        if col not in ("when",) and frame[col].map(lambda v: isinstance(v, list | dict)).any():
            frame[col] = frame[col].map(_join)
    frame = frame.drop(columns=[c for c in ("window",) if c in frame.columns])
    return frame.sort_values("when", ascending=False, na_position="last").reset_index(drop=True)
