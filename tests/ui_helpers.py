"""Helpers for AppTests of pages that draw maps (the clickable map component)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

MAP_COMPONENT = "relmap.ui.clickmap.relmap_map"


def map_elements(at: AppTest) -> list:
    """The clickable-map component instances drawn by the last run."""
    return [e for e in at.get("component_instance") if e.proto.component_name == MAP_COMPONENT]


def map_html(at: AppTest, index: int = 0) -> str:
    """The map page (self-contained HTML) sent to the ``index``-th map on the page."""
    maps = map_elements(at)
    assert len(maps) > index, "the map is missing"
    return json.loads(maps[index].proto.json_args)["html"]


def page_links(at: AppTest) -> list[tuple[str, dict[str, str], str]]:
    """``(page url path, query parameters, label)`` of every ``st.page_link`` drawn."""
    from urllib.parse import parse_qsl

    out = []
    for element in at.get("page_link"):
        proto = element.proto
        out.append((proto.page.strip("/").split("/")[-1], dict(parse_qsl(proto.query_string)), proto.label))
    return out


def dataframe(at: AppTest, *columns: str):
    """The value of the first ``st.dataframe`` on the page that has all ``columns``."""
    values = [d.value for d in at.dataframe]
    hits = [v for v in values if set(columns) <= set(v.columns)]
    assert hits, f"no table with {columns} on the page: {[list(v.columns) for v in values]}"
    return hits[0]
