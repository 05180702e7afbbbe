"""Account: its map, its timeline, its risk reasons and next best contacts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from relmap.graph import find_company
from relmap.ui.common import (
    empty_state,
    get_context,
    get_frames,
    get_report,
    get_store,
    md_escape,
    pick_index,
    shared_filters,
)
from relmap.ui.map import show_map
from relmap.views import MapRequest, _join


def _entry(report: dict | None, name: str) -> dict | None:
    for item in (report or {}).get("accounts") or []:
        if str(item.get("account", "")).casefold() == name.casefold():
            return item
    return None


def _timeline(report: dict | None, name: str, company_id: int | None = None, ctx=None) -> pd.DataFrame:
    if ctx is not None and company_id is not None:
        from relmap.insights.timeline import account_timeline

        events = pd.DataFrame(account_timeline(ctx, company_id))
        return events[["date", "kind", "person", "sentence"]].fillna("") if len(events) else events
    timeline = (report or {}).get("timeline") or []
    if isinstance(timeline, dict):  # {account: [events]}
        events = timeline.get(name) or next((v for k, v in timeline.items() if str(k).casefold() == name.casefold()),
                                            [])
    else:
        events = [e for e in timeline if str(e.get("account") or e.get("company") or "").casefold() == name.casefold()]
    frame = pd.DataFrame(events)
    for col in frame.columns:
        if frame[col].map(lambda v: isinstance(v, list | dict)).any():
            frame[col] = frame[col].map(_join)
    return frame


def page() -> None:
    """The Account page."""
    st.title("Account")
    if get_store().is_empty():
        empty_state("account")
        return
    _, as_of = shared_filters(get_frames())
    frames = get_frames(as_of)
    names = sorted(frames.companies["company_name"].dropna().astype(str).unique())
    wanted = st.query_params.get("account")
    index = pick_index(names, wanted)
    name = st.selectbox("Account", names, index=index, key="account-name")
    if not name:
        return
    st.query_params["account"] = name
    report = get_report(as_of)
    ctx = get_context(as_of)
    company_id = find_company(frames, name)
    entry = _entry(report, name)
    left, right = st.columns([3, 2])
    with left:
        show_map(MapRequest("company", name), key="account-map", as_of=as_of)
    with right:
        if entry:
            st.metric("Risk", f"{entry.get('risk_level') or 'unscored'} ({entry.get('risk_score', '–')})")
            st.write(f"Threads: {entry.get('threads', '–')}"
                     + (" — single-threaded" if entry.get("single_threaded") else ""))
            st.subheader("Why")
            st.markdown("\n".join(f"- {md_escape(_join(r))}" for r in entry.get("reasons") or []) or "No risk reasons.")
            st.subheader("Next best contacts")
            contacts = entry.get("next_contacts") or []
            st.markdown("\n".join(f"- {md_escape(_join(c))}" for c in contacts) or "No suggestion yet.")
        elif report is not None:
            st.info("This company is not a scored account (customers and open opportunities are scored).")
        if ctx is not None:
            from relmap.insights.paths import warm_paths

            st.subheader("Warm paths in")
            try:
                paths = warm_paths(ctx, company_id=company_id, limit=5)
            except Exception:  # never a traceback on a page
                paths = []
            st.markdown("\n".join(f"- {md_escape(_join(p))}" for p in paths) or "No warm path found.")
    st.subheader("Timeline")
    try:
        events = _timeline(report, name, company_id, ctx)
    except Exception:  # never a traceback on a page
        events = pd.DataFrame()
    if events.empty:
        st.caption("No events yet: arrivals, departures and new connections appear as snapshots accumulate.")
    else:
        st.dataframe(events, hide_index=True, width="stretch", key="account-timeline")
