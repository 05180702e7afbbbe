"""The clickable map: a small offline Streamlit component (``frontend/map_click/index.html``,
plain JavaScript, no build step, no remote file) that shows a map page and sends the id of a
clicked node back, and the helpers that turn a node id into the Person or Account page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

FRONTEND = Path(__file__).parent / "frontend" / "map_click"


def _component():
    import streamlit.components.v1 as components

    # Declared on every run: registration needs a running script, and repeating it is cheap.
    return components.declare_component("relmap_map", path=str(FRONTEND))


def clickable_map(page: str, key: str, height: int = 840) -> str | None:
    """Show the map ``page`` (self-contained HTML) and return the id of a node clicked since
    the last call (``"person:12"``, ``"company:3"``, …), else None."""
    digest = hashlib.sha256(page.encode("utf-8")).hexdigest()[:16]
    value = _component()(html=page, digest=digest, height=int(height), key=key, default=None)
    if not isinstance(value, dict) or not value.get("node"):
        return None
    stamp = (value.get("at"), value.get("seq"))
    seen_key = f"{key}-seen-click"
    if st.session_state.get(seen_key) == stamp:
        return None
    st.session_state[seen_key] = stamp
    return str(value["node"])


def node_target(node_id: str, people: dict, companies: dict, reps: dict | None = None) -> tuple[str, str] | None:
    """``("person", name)``, ``("account", name)`` or ``("rep", name)`` for a map node id, from the
    id (never from its label); None for groups and unknown ids.

    >>> node_target("person:2", {2: "Ada Byron"}, {})
    ('person', 'Ada Byron')
    >>> node_target("company:7", {}, {7: "ACME"})
    ('account', 'ACME')
    >>> node_target("rep:1", {}, {}, {1: "Dana Rep"})
    ('rep', 'Dana Rep')
    >>> node_target("rep:1", {}, {}) is None, node_target("person:x", {}, {}) is None
    (True, True)
    """
    kind, _, raw = str(node_id).partition(":")
    try:
        ident = int(raw)
    except ValueError:
        return None
    if kind == "person" and ident in people:
        return "person", str(people[ident])
    if kind == "company" and ident in companies:
        return "account", str(companies[ident])
    if kind == "rep" and reps and ident in reps:
        return "rep", str(reps[ident])
    return None
