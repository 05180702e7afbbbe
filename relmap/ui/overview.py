"""Overview (leadership): risk by level, single-threaded ARR, champions moved this
quarter, job changes over time, coverage by owner. Numbers link to their lists."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from relmap.ui.common import empty_state, get_frames, get_report, get_store, shared_filters, table
from relmap.views import accounts_table, changes_table, coverage_by_rep


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def page() -> None:
    """The Overview page."""
    st.title("Overview")
    if get_store().is_empty():
        empty_state("overview")
        return
    owner, as_of = shared_filters(get_frames())
    frames = get_frames(as_of)
    report = get_report(as_of)
    if report is not None:
        accounts = accounts_table(report, frames)
        if owner:
            accounts = accounts[accounts["owner"].fillna("") == owner]
        single = accounts[accounts["single_threaded"].fillna(False).astype(bool)]
        arr = pd.to_numeric(single["arr"], errors="coerce").fillna(0).sum()
        moved = changes_table(report.get("moved_champions"))
        since = _quarter_start(as_of or date.today())
        this_quarter = moved[moved["when"] >= pd.Timestamp(since)]
        levels = accounts["risk_level"].fillna("unscored").value_counts()
        c1, c2, c3, c4, c5 = st.columns(5)
        c1.metric("High-risk accounts", int(levels.get("high", 0)))
        c2.metric("Medium-risk accounts", int(levels.get("medium", 0)))
        c3.metric("Single-threaded accounts", len(single))
        c4.metric("ARR on single-threaded accounts", f"{arr:,.0f}")
        c5.metric("Champions moved this quarter", len(this_quarter))
        st.markdown("Open the lists: [high risk](at-risk?level=high) · [medium risk](at-risk?level=medium) · "
                    "[single-threaded](at-risk?single=1) · [champions moved](champions)")
        st.subheader("Accounts by risk level")
        st.bar_chart(levels.rename("accounts"))
        changes = changes_table(report.get("job_changes"))
        st.subheader("Job changes over time")
        if changes["when"].notna().any():
            by_month = changes.dropna(subset=["when"]).groupby(changes["when"].dt.to_period("M").astype(str)).size()
            st.bar_chart(by_month.rename("job changes"))
        else:
            st.caption("No job changes seen yet: they appear once a rep has two snapshots (or a CRM export "
                       "disagrees with LinkedIn).")
    st.subheader("Coverage by owner")
    coverage = coverage_by_rep(frames)
    if owner:
        coverage = coverage[coverage["rep"] == owner]
    table(coverage, "overview-coverage", "coverage_by_owner.csv")
