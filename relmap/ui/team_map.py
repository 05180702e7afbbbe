"""Team map: the whole team's graph aggregated by company, with drill-down into a company."""

from __future__ import annotations

import streamlit as st

from relmap.ui.common import empty_state, get_frames, get_store, pick_index, shared_filters
from relmap.ui.map import show_map
from relmap.views import MapRequest


def page() -> None:
    """The Team map page."""
    st.title("Team map")
    if get_store().is_empty():
        empty_state("team")
        return
    _, as_of = shared_filters(get_frames())
    frames = get_frames(as_of)
    st.caption("Every rep and the companies they know people at; a company's size is the team's relationships "
               "there. Pick a company to drill down into its people.")
    companies = ["(whole team)", *sorted(frames.companies["company_name"].dropna().astype(str).unique())]
    pick = st.selectbox("Drill down into a company", companies, key="team-drill",
                        index=pick_index(companies, st.query_params.get("company")) if st.query_params.get("company")
                        else 0)
    if pick == "(whole team)":
        st.query_params.pop("company", None)
    else:
        st.query_params["company"] = pick
    physics = st.toggle("Physics (let the layout move)", value=False, key="team-physics")
    if pick == "(whole team)":
        show_map(MapRequest("team"), physics=physics, key="team-map", as_of=as_of)
    else:
        show_map(MapRequest("company", pick), physics=physics, key="team-company-map", as_of=as_of)
