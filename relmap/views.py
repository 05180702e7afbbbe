"""One call from "show me the map of X" to HTML, shared by the CLI and the dashboard.

>>> from relmap.store import Frames
>>> page, g = map_html(Frames.empty(), MapRequest("team"))
>>> g.number_of_nodes(), "relmap-legend" in page
(0, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from relmap import graph, render
from relmap.store import Frames

VIEW_KINDS = ("rep", "company", "person", "team")


@dataclass(frozen=True)
class MapRequest:
    """Which view to draw: ``kind`` in VIEW_KINDS and the name (unused for ``team``)."""

    kind: str
    name: str = ""


def build_graph(frames: Frames, request: MapRequest, risk: dict | None = None,
                cap: int = graph.NODE_CAP) -> nx.DiGraph:
    """The graph for ``request``; raises ``graph.ViewNotFound`` for an unknown name."""
    cur = graph.current_state(frames, risk)
    if request.kind == "rep":
        return graph.rep_graph(frames, graph.find_rep(frames, request.name), cur, cap)
    if request.kind == "company":
        return graph.company_graph(frames, graph.find_company(frames, request.name), cur, cap)
    if request.kind == "person":
        return graph.person_graph(frames, graph.find_person(frames, request.name), cur, cap)
    if request.kind == "team":
        return graph.team_graph(frames, cur, cap)
    raise ValueError(f"unknown view {request.kind!r}; use one of {', '.join(VIEW_KINDS)}")


def map_html(frames: Frames, request: MapRequest, risk: dict | None = None, physics: bool = False,
             height: int = 750) -> tuple[str, nx.DiGraph]:
    """(HTML page, graph) for ``request``."""
    g = build_graph(frames, request, risk)
    return render.graph_html(g, height=height, physics=physics), g
