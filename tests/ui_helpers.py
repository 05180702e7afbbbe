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
