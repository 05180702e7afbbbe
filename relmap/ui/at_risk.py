"""At-risk accounts: the scored table with reasons, filters and a link to each account."""

from __future__ import annotations

import streamlit as st

from relmap.ui.common import empty_state, get_frames, get_report, get_store, shared_filters, table
from relmap.ui.nav import link
from relmap.views import accounts_table


def page() -> None:
    """The At-risk accounts page."""
    st.title("At-risk accounts")
    if get_store().is_empty():
        empty_state("at-risk")
        return
    owner, as_of = shared_filters(get_frames())
    report = get_report(as_of)
    if report is None:
        return
    accounts = accounts_table(report, get_frames(as_of))
    if accounts.empty:
        st.info("No scored accounts yet: upload a CRM accounts export (customers and open opportunities are "
                "scored) on the Upload page.")
        return
    params = st.query_params
    c1, c2, c3, c4 = st.columns(4)
    statuses = sorted(accounts["status"].dropna().astype(str).unique())
    levels = [lv for lv in ("high", "medium", "low") if lv in set(accounts["risk_level"].dropna())]
    wanted_level = [lv for lv in str(params.get("level") or "").split(",") if lv in levels]
    wanted_status = [st_ for st_ in str(params.get("status") or "").split(",") if st_ in statuses]
    status = c1.multiselect("Status", statuses, default=wanted_status, key="risk-status")
    level = c2.multiselect("Risk level", levels, default=wanted_level, key="risk-level")
    single = c3.checkbox("Single-threaded only", value=params.get("single") == "1", key="risk-single")
    _keep_in_url({"status": ",".join(status), "level": ",".join(level), "single": "1" if single else ""})
    owners = sorted(accounts["owner"].dropna().astype(str).unique())
    account_owner = c4.selectbox("Account owner", ["All", *owners],
                                 index=(owners.index(owner) + 1) if owner in owners else 0, key="risk-owner")
    shown = accounts
    if status:
        shown = shown[shown["status"].isin(status)]
    if level:
        shown = shown[shown["risk_level"].isin(level)]
    if single:
        shown = shown[shown["single_threaded"].fillna(False).astype(bool)]
    if account_owner != "All":
        shown = shown[shown["owner"] == account_owner]
    shown = shown.assign(open=[link("account", account=str(a)) for a in shown["account"]])
    st.caption(f"{len(shown)} of {len(accounts)} accounts, riskiest first. Every score lists its reasons. "
               "Click a column header to sort.")
    table(shown, "risk-table", "at_risk_accounts.csv", download_drop=("open",),
          column_config={"open": st.column_config.LinkColumn("open", display_text="Open account"),
                         "risk_score": st.column_config.ProgressColumn("risk_score", min_value=0,
                                                                       max_value=100, format="%d"),
                         "reasons": st.column_config.TextColumn("reasons", width="large")})


def _keep_in_url(values: dict[str, str]) -> None:
    """This page's filters in the query string (so the filtered list is a shareable link)."""
    for name, value in values.items():
        if value:
            st.query_params[name] = value
        else:
            st.query_params.pop(name, None)
