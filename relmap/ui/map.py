"""Map page: the relationship map of one rep, company or person, or the team."""

from __future__ import annotations

import streamlit as st

from relmap.graph import ViewNotFound
from relmap.ui.clickmap import clickable_map
from relmap.ui.common import (
    empty_state,
    get_frames,
    get_map,
    get_store,
    legend,
    md_escape,
    pick_index,
    shared_filters,
)
from relmap.ui.nav import open_detail, page_link
from relmap.views import MapRequest

_KINDS = {"Rep": "rep", "Company": "company", "Person": "person", "Team (by company)": "team"}


def show_map(request: MapRequest, physics: bool = False, key: str = "map", as_of=None) -> None:
    """Draw the map for ``request`` with its legend and what was left out; accounts are
    ringed by the insights risk when available."""
    try:
        with st.spinner("Drawing the map…"):
            drawn = get_map(request.kind, request.name, as_of, physics)
    except ViewNotFound as exc:
        st.warning(md_escape(exc))
        return
    except Exception as exc:  # never a traceback on a page
        st.error(f"The map could not be drawn ({exc.__class__.__name__}).")
        return
    st.caption(f"{drawn['nodes']} nodes, {drawn['edges']} links. Click a person, a company or a rep to open it.")
    if drawn["omitted"]:
        st.info(drawn["omitted"])
    targets = {nid: (kind, name) for nid, kind, name in drawn.get("targets") or []}
    clicked = clickable_map(drawn["html"], key=f"{key}-click")
    if clicked in targets:
        open_detail(*targets[clicked])
    pick = st.selectbox("Open a person/company/rep from this map", [None, *targets], index=0, key=f"{key}-open",
                        format_func=lambda nid: "—" if nid is None else
                        f"{_TARGET_LABEL[targets[nid][0]]}: {targets[nid][1]}")
    if pick is not None and pick in targets:
        open_detail(*targets[pick])
    legend()


_TARGET_LABEL = {"person": "Person", "account": "Company", "rep": "Rep's map"}
_PARAM = {"rep": "rep", "company": "company", "person": "person"}


def page() -> None:
    """The Map page (``?rep=…``, ``?company=…`` or ``?person=…`` pick the view; the rep map
    defaults to the owner filter)."""
    st.title("Relationship map")
    store = get_store()
    if store.is_empty():
        empty_state("map")
        return
    owner, as_of = shared_filters(get_frames())
    frames = get_frames(as_of)
    params = st.query_params
    labels = list(_KINDS)
    wanted_kind = next((k for k in ("company", "person") if params.get(k)), "team" if params.get("team") else "rep")
    label = st.radio("Show", labels, horizontal=True, key="map-kind",
                     index=list(_KINDS.values()).index(wanted_kind))
    kind = _KINDS[label]
    name = ""
    if kind == "rep":
        options = sorted(frames.reps["rep_name"].dropna().astype(str).unique())
        name = st.selectbox("Rep", options, key="map-rep", index=pick_index(options, params.get("rep") or owner))
    elif kind == "company":
        options = sorted(frames.companies["company_name"].dropna().astype(str).unique())
        name = st.selectbox("Company", options, key="map-company", index=pick_index(options, params.get("company")))
    elif kind == "person":
        options = sorted(frames.people["full_name"].dropna().astype(str).unique())
        name = st.selectbox("Person", options, key="map-person", index=pick_index(options, params.get("person")))
    for key in (*_PARAM, "team"):
        params.pop(key, None)
    if kind == "team":
        params["team"] = "1"
    elif name:
        params[_PARAM[kind]] = name
    physics = st.toggle("Physics (let the layout move)", value=False, key="map-physics")
    if kind != "team" and not name:
        st.info("Nothing to pick yet.")
        return
    show_map(MapRequest(kind, name or ""), physics=physics, as_of=as_of)
    if kind == "company":
        page_link(st, "account", f"Open {md_escape(name)} as an account (timeline, risk, next contacts)",
                  account=name)
    elif kind == "person":
        page_link(st, "person", f"Open {md_escape(name)}'s page (history, who knows them, paths)", person=name)
