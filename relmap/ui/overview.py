"""Overview (leadership): risk by level, single-threaded ARR, champions moved this
quarter, job changes over time, coverage by owner. Every number links to its list."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from relmap.ui.common import empty_state, get_frames, get_report, get_store, shared_filters, table
from relmap.ui.nav import link, page_link
from relmap.views import accounts_table, changes_table, coverage_by_rep

LEVELS = ("high", "medium", "low")


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
        _numbers(report, frames, owner, as_of)
    st.subheader("Coverage by owner")
    coverage = coverage_by_rep(frames)
    if owner:
        coverage = coverage[coverage["rep"] == owner]
    coverage = coverage.assign(accounts=[link("at-risk", owner=str(r)) for r in coverage["rep"]],
                               map=[link("map", rep=str(r)) for r in coverage["rep"]])
    table(coverage, "overview-coverage", "coverage_by_owner.csv", download_drop=("accounts", "map"),
          column_config={"accounts": st.column_config.LinkColumn("accounts", display_text="Their accounts"),
                         "map": st.column_config.LinkColumn("map", display_text="Their map")})


def _numbers(report: dict, frames, owner: str | None, as_of: date | None) -> None:
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
    page_link(c1, "at-risk", "List high-risk accounts", level="high")
    c2.metric("Medium-risk accounts", int(levels.get("medium", 0)))
    page_link(c2, "at-risk", "List medium-risk accounts", level="medium")
    c3.metric("Single-threaded accounts", len(single))
    page_link(c3, "at-risk", "List single-threaded accounts", single="1")
    c4.metric("ARR on single-threaded accounts", f"{arr:,.0f}")
    page_link(c4, "at-risk", "Which accounts carry it", single="1")
    c5.metric("Champions moved this quarter", len(this_quarter))
    page_link(c5, "champions", "List this quarter's moves", since=since.isoformat())

    st.subheader("Accounts by risk level")
    by_level = levels.reindex([*LEVELS, *(x for x in levels.index if x not in LEVELS)], fill_value=0)
    st.bar_chart(by_level.rename("accounts").rename_axis("risk level"), sort=False, horizontal=True)
    cols = st.columns(len(LEVELS) + 1)
    for col, level in zip(cols, LEVELS, strict=False):
        page_link(col, "at-risk", f"{int(levels.get(level, 0))} {level}", level=level)
    page_link(cols[-1], "at-risk", f"All {len(accounts)} scored accounts")

    st.subheader("Job changes over time")
    changes = changes_table(report.get("job_changes"))
    dated = changes.dropna(subset=["when"])
    if dated.empty:
        st.caption("No job changes seen yet: they appear once a rep has two snapshots (or a CRM export "
                   "disagrees with LinkedIn).")
        return
    month = dated["when"].dt.to_period("M").astype(str)
    st.bar_chart(dated.groupby(month).size().rename("job changes"))
    months = sorted(month.unique(), reverse=True)
    wanted = st.query_params.get("month")
    pick = st.selectbox("The job changes of", ["every month", *months],
                        index=(months.index(wanted) + 1) if wanted in months else 0, key="overview-month")
    if pick == "every month":
        st.query_params.pop("month", None)
        listed = changes
    else:
        st.query_params["month"] = pick
        listed = dated[month == pick]
    table(listed, "overview-changes", "job_changes.csv")
