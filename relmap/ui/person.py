"""Person: employment history across snapshots, who on the team knows them, their map."""

from __future__ import annotations

import streamlit as st

from relmap.graph import find_person
from relmap.ui.common import (
    empty_state,
    get_context,
    get_frames,
    get_store,
    md_escape,
    pick_index,
    shared_filters,
    table,
)
from relmap.ui.map import show_map
from relmap.views import MapRequest, _join, known_by, person_history


def page() -> None:
    """The Person page."""
    st.title("Person")
    if get_store().is_empty():
        empty_state("person")
        return
    _, as_of = shared_filters(get_frames())
    frames = get_frames(as_of)
    names = sorted(frames.people["full_name"].dropna().astype(str).unique())
    wanted = st.query_params.get("person")
    index = pick_index(names, wanted)
    name = st.selectbox("Person (type to search)", names, index=index, key="person-name")
    if not name:
        return
    st.query_params["person"] = name
    person_id = find_person(frames, name)
    left, right = st.columns([2, 3])
    with left:
        st.subheader("Employment across snapshots")
        table(person_history(frames, person_id), "person-history", "employment_history.csv")
        st.subheader("Who on the team knows them")
        knows = known_by(frames, person_id)
        if knows.empty:
            st.caption("Nobody on the team is connected to them in the latest snapshots.")
        else:
            st.dataframe(knows, hide_index=True, width="stretch", key="person-knows")
        ctx = get_context(as_of)
        if ctx is not None:
            from relmap.insights.paths import warm_paths

            st.subheader("Paths to them")
            try:
                paths = warm_paths(ctx, person_id=person_id, limit=5)
            except Exception:  # never a traceback on a page
                paths = []
            st.markdown("\n".join(f"- {md_escape(_join(p))}" for p in paths) or "No warm path found.")
    with right:
        show_map(MapRequest("person", name), key="person-map", as_of=as_of)
