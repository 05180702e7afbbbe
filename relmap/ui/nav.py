"""The dashboard's pages as ``st.Page`` objects (what ``app.py`` routes over), and opening a
page from code with the shared filters (owner, as-of) and a selection kept in the URL."""

from __future__ import annotations

import importlib

import streamlit as st

# section -> (module in relmap.ui whose ``page()`` draws it, title, url path)
LAYOUT: dict[str, list[tuple[str, str, str]]] = {
    "Leadership": [("overview", "Overview", "overview"), ("champions", "Champions moved", "champions"),
                   ("at_risk", "At-risk accounts", "at-risk")],
    "Explore": [("account", "Account", "account"), ("person", "Person", "person"), ("map", "Map", "map"),
                ("team_map", "Team map", "team-map")],
    "Data": [("upload", "Upload", "upload"), ("data", "Data", "data")],
}
FILTER_KEYS = ("owner", "as_of")


def page_object(url_path: str) -> st.Page:
    """The ``st.Page`` for one url path (``"person"``, ``"at-risk"``, …)."""
    for section in LAYOUT.values():
        for module, title, path in section:
            if path == url_path:
                page = importlib.import_module(f"relmap.ui.{module}").page
                return st.Page(page, title=title, url_path=path, default=path == "overview")
    raise KeyError(url_path)


def pages() -> dict[str, list[st.Page]]:
    """Every page by section, for ``st.navigation``."""
    return {section: [page_object(path) for _, _, path in items] for section, items in LAYOUT.items()}


def filter_params() -> dict[str, str]:
    """The shared filters (owner, as-of) currently in force, as query parameters."""
    from relmap.ui.common import remembered_filters

    owner, as_of = remembered_filters()
    params = {}
    if owner:
        params["owner"] = owner
    if as_of:
        params["as_of"] = as_of.isoformat()
    return params


def link(url_path: str, **params: str) -> str:
    """A relative link to a page with the shared filters and ``params`` in its query string."""
    from urllib.parse import urlencode

    query = urlencode({**filter_params(), **{k: v for k, v in params.items() if v not in (None, "")}})
    return f"{url_path}?{query}" if query else url_path


def open_page(url_path: str, **params: str) -> None:
    """Switch to a page with the shared filters and ``params`` in the URL (stops this run)."""
    query = {**filter_params(), **{k: str(v) for k, v in params.items() if v not in (None, "")}}
    st.switch_page(page_object(url_path), query_params=query)


def open_detail(kind: str, name: str) -> None:
    """Open the Person page (``kind="person"``), the Account page (``"account"``) or the rep's map
    (``"rep"``) for ``name``."""
    if kind == "person":
        open_page("person", person=name)
    elif kind == "account":
        open_page("account", account=name)
    elif kind == "rep":
        open_page("map", rep=name)


def page_link(container, url_path: str, label: str, **params: str) -> None:
    """A link (in ``container``: ``st``, a column, the sidebar) to a page with the shared filters
    and ``params`` in its query string."""
    query = {**filter_params(), **{k: str(v) for k, v in params.items() if v not in (None, "")}}
    container.page_link(page_object(url_path), label=label, query_params=query)
