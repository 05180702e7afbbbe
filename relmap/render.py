"""Draw a view graph (``relmap.graph``) as one self-contained, offline HTML page.

pyvis supplies the vis-network page template with its JavaScript inlined
(``cdn_resources="in_line"``); nodes and edges are handed to it as lists (pyvis's
``add_node`` scans every node on each call, which is quadratic). The layout is
computed here in Python, so the browser draws at once with physics off. Every
remote ``<script src>`` / ``<link href>`` the template carries is removed, and the
result is checked for any left.

Encodings (all carry a second signal besides colour; see ``LEGEND``): reps are blue
stars, contacts grey dots, champions orange diamonds labelled "(champion)",
companies green squares sized by relationships; single-threaded accounts get a thick
border in the risk colour and a "[single-threaded]" label; a move is a dashed arrow
from the old company to the new one; a referral a dotted purple arrow.

>>> import networkx as nx
>>> g = nx.DiGraph(title="t", omitted=None)
>>> g.add_node("rep:1", kind="rep", label="<b>Sam</b>", title="Sam", count=1)
>>> html = graph_html(g)
>>> "<b>Sam</b>" in html, "cdnjs" in html
(False, False)
"""

from __future__ import annotations

import functools
import html as html_lib
import json
import math
import re

import networkx as nx
import numpy as np
from pyvis.network import Network

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

COLOURS = {
    "rep": "#0072B2",
    "person": "#9E9E9E",
    "champion": "#E69F00",
    "company": "#009E73",
    "group": "#009E73",
}
SHAPES = {"rep": "star", "person": "dot", "champion": "diamond", "company": "square", "group": "square"}
RISK_COLOURS = {"high": "#D55E00", "medium": "#E6B800", "low": "#56B4E9"}
EDGE_STYLES = {
    "knows": {"color": "#0072B2", "dashes": False, "arrows": "", "width": 1},
    "works_at": {"color": "#BDBDBD", "dashes": False, "arrows": "", "width": 1},
    "covers": {"color": "#0072B2", "dashes": False, "arrows": "", "width": 1},
    "moved": {"color": "#CC79A7", "dashes": [10, 6], "arrows": "to", "width": 3},
    "referral": {"color": "#7B3294", "dashes": [2, 5], "arrows": "to", "width": 2},
}

#: (symbol, meaning) rows of the legend every map carries.
LEGEND = [
    ("rep", "Rep (team member): blue star"),
    ("person", "Contact: grey dot"),
    ("champion", "Champion: orange diamond, labelled (champion)"),
    ("company", "Company: green square, bigger = more relationships"),
    ("single", "Single-threaded account: thick border in the risk colour, labelled [single-threaded]"),
    ("moved", "Move: dashed arrow from the old company to the new one"),
    ("referral", "Referral: dotted purple arrow from referrer to referred"),
    ("knows", "Knows / works at: thin solid line"),
]

_REMOTE_TAGS = [
    re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I | re.S),
    re.compile(r"<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I | re.S),
]
_REMOTE_CHECK = re.compile(r"<(?:script|link|img|iframe)[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I | re.S)


class RemoteResourceError(RuntimeError):
    """The generated HTML still references a remote resource (a bug, never shipped)."""


# --- layout ----------------------------------------------------------------------------


def layout(g: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Positions for every node, in O(n): hubs (reps, companies) on a packed golden-angle
    spiral, each with its people on a small sunflower around it.

    >>> g = nx.DiGraph(); g.add_node("company:1", kind="company", count=1)
    >>> layout(g)["company:1"]
    (0.0, 0.0)
    """
    hubs = [n for n, d in g.nodes(data=True) if d.get("kind") not in ("person", "champion")]
    hub_set = set(hubs)
    satellites: dict[str, list[str]] = {h: [] for h in hubs}
    loose: list[str] = []
    for n in g.nodes:
        if n in hub_set:
            continue
        home = next((s for s in g.successors(n) if s in hub_set and g.nodes[s].get("kind") == "company"), None)
        if home is None:
            home = next((p for p in g.predecessors(n) if p in hub_set), None)
        if home is None:
            loose.append(n)
        else:
            satellites[home].append(n)
    for n in loose:  # people with no company or rep shown: each its own hub
        hubs.append(n)
        satellites[n] = []
    # Reps first (the middle), then the biggest companies.
    hubs.sort(key=lambda h: (g.nodes[h].get("kind") != "rep", -len(satellites[h]), -g.nodes[h].get("count", 0)))
    step = 26.0
    radii = np.array([step * (math.sqrt(len(satellites[h]) + 1) + 1.5) for h in hubs])
    cumulative = np.cumsum(radii ** 2) - radii[0] ** 2 if len(hubs) else np.array([])
    idx = np.arange(len(hubs))
    r = np.sqrt(cumulative) * 1.9
    theta = idx * GOLDEN_ANGLE
    pos: dict[str, tuple[float, float]] = {}
    for h, x, y in zip(hubs, r * np.cos(theta), r * np.sin(theta), strict=True):
        pos[h] = (float(round(x, 1)), float(round(y, 1)))
        sats = satellites[h]
        if sats:
            j = np.arange(len(sats))
            sr = step * np.sqrt(j + 1.0) + step
            angle = j * GOLDEN_ANGLE - math.pi / 2  # the first one above its hub, clear of the hub's label
            sx = x + sr * np.cos(angle)
            sy = y + sr * np.sin(angle)
            for s, a, b in zip(sats, sx, sy, strict=True):
                pos[s] = (float(round(a, 1)), float(round(b, 1)))
    return pos


# --- nodes and edges ---------------------------------------------------------------------


def _plain(value: object) -> object:
    """numpy scalars -> Python; anything else untouched."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _text(value: object) -> str:
    """Plain text for a label or tooltip (vis-network shows strings as text, never HTML)."""
    value = _plain(value)
    return "" if value is None else str(value)


def _node(nid: str, d: dict, x: float, y: float) -> dict:
    kind = d.get("kind", "person")
    colour = COLOURS.get(kind, "#9E9E9E")
    label = _text(d.get("label", nid))
    border, border_width = colour, 1
    if d.get("single_threaded"):
        border = RISK_COLOURS.get(d.get("risk") or "high", RISK_COLOURS["high"])
        border_width = 6
        label += " [single-threaded]"
    elif d.get("risk") in RISK_COLOURS:
        border = RISK_COLOURS[d["risk"]]
        border_width = 4
    count = int(_plain(d.get("count", 0)) or 0)
    size = {"rep": 24, "person": 8, "champion": 13}.get(kind, min(60, 12 + 4 * math.sqrt(count)))
    return {
        "id": nid, "label": label, "title": _text(d.get("title", label)), "shape": SHAPES.get(kind, "dot"),
        "color": {"background": colour, "border": border,
                  "highlight": {"background": colour, "border": "#000000"}},
        "borderWidth": border_width, "size": float(size), "x": x, "y": y, "physics": False,
        "font": {"size": 16 if kind in ("rep", "company", "group") else 11},
        "group": kind,
    }


def _edge(a: str, b: str, d: dict) -> dict:
    kind = d.get("kind", "knows")
    style = EDGE_STYLES.get(kind, EDGE_STYLES["knows"])
    weight = int(_plain(d.get("weight", 1)) or 1)
    width = style["width"] if kind != "covers" else min(10.0, 1 + math.log2(weight))
    edge = {"from": a, "to": b, "color": {"color": style["color"]}, "dashes": style["dashes"],
            "width": float(width), "title": _text(d.get("title", ""))}
    if style["arrows"]:
        edge["arrows"] = style["arrows"]
    if kind in ("moved", "referral") and d.get("label"):
        edge["label"] = _text(d["label"])
        edge["font"] = {"size": 10, "align": "middle"}
    return edge


def _options(physics: bool, n_nodes: int) -> dict:
    return {
        "physics": {"enabled": bool(physics), "stabilization": {"enabled": bool(physics), "iterations": 150}},
        "interaction": {"hover": n_nodes <= 2000, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 1000},
        "edges": {"smooth": False},
        "nodes": {"font": {"face": "sans-serif"}},
        "layout": {"improvedLayout": False},
    }


# --- the page ----------------------------------------------------------------------------


def _legend_html(g: nx.DiGraph) -> str:
    swatches = {
        "rep": '<span style="color:#0072B2;font-size:18px">&#9733;</span>',
        "person": '<span style="color:#9E9E9E;font-size:18px">&#9679;</span>',
        "champion": '<span style="color:#E69F00;font-size:18px">&#9670;</span>',
        "company": '<span style="color:#009E73;font-size:18px">&#9632;</span>',
        "single": '<span style="display:inline-block;width:10px;height:10px;background:#009E73;'
                  'border:4px solid #D55E00"></span>',
        "moved": '<span style="color:#CC79A7;font-weight:bold">- - &#9654;</span>',
        "referral": '<span style="color:#7B3294;font-weight:bold">&#183;&#183;&#183; &#9654;</span>',
        "knows": '<span style="color:#0072B2">&#8212;&#8212;</span>',
    }
    rows = "".join(f'<li style="white-space:nowrap">{swatches[key]} {html_lib.escape(text)}</li>' for key, text in LEGEND)
    title = html_lib.escape(_text(g.graph.get("title") or "Relationship map"))
    omitted = g.graph.get("omitted")
    note = f'<p id="relmap-omitted" style="margin:2px 0;color:#8a4b00">{html_lib.escape(_text(omitted))}</p>' \
        if omitted else ""
    counts = f"{g.number_of_nodes()} nodes, {g.number_of_edges()} links"
    # A band above the map, not an overlay: an overlay hid the nodes under it.
    return (
        '<div id="relmap-legend" style="background:#fafafa;border-bottom:1px solid #ddd;padding:4px 8px;'
        'font:12px sans-serif">'
        '<div style="display:flex;gap:8px;align-items:center;flex-wrap:wrap">'
        f'<strong>{title}</strong> <span style="color:#555">({counts})</span>'
        '<input id="relmap-search" placeholder="Search a name and press Enter" '
        'style="flex:1;min-width:160px;max-width:280px" aria-label="Search the map"></div>'
        f'{note}<details open><summary>Legend</summary>'
        '<ul style="list-style:none;padding-left:0;margin:2px 0;display:flex;flex-wrap:wrap;gap:2px 14px">'
        f'{rows}</ul></details>'
        '</div>'
        "<script>(function(){var box=document.getElementById('relmap-search');"
        "box.addEventListener('keydown',function(e){if(e.key!=='Enter'||typeof network==='undefined')return;"
        "var q=box.value.toLowerCase();var hit=nodes.get({filter:function(n){return String(n.label).toLowerCase()"
        ".indexOf(q)>=0;}});if(hit.length){network.selectNodes([hit[0].id]);network.focus(hit[0].id,"
        "{scale:1.2,animation:false});}});})();</script>"
    )


def strip_remote(html: str) -> str:
    """Remove every ``<script src=//…>`` and ``<link href=//…>`` tag; raise
    ``RemoteResourceError`` if any remote reference is left."""
    for pattern in _REMOTE_TAGS:
        html = pattern.sub("", html)
    found = _REMOTE_CHECK.search(html)
    if found:
        raise RemoteResourceError(f"remote resource left in the map HTML: {found.group(0)[:80]}")
    return html


@functools.lru_cache(maxsize=1)
def _template():
    """pyvis's page template, compiled once per process."""
    net = Network(cdn_resources="in_line")
    return net.templateEnv.get_template(net.path)


def graph_html(g: nx.DiGraph, height: int = 750, physics: bool = False) -> str:
    """The self-contained HTML page for ``g`` (layout precomputed, physics off unless asked)."""
    pos = layout(g)
    nodes = [_node(n, d, *pos[n]) for n, d in g.nodes(data=True)]
    edges = [_edge(a, b, d) for a, b, d in g.edges(data=True)]
    net = Network(height=f"{int(height)}px", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = _options(physics, len(nodes))
    template = _template()
    page = template.render(
        height=net.height, width=net.width, nodes=nodes, edges=edges, heading="",
        options=json.dumps(net.options), physics_enabled=bool(physics), use_DOT=False, dot_lang=None,
        widget=False, bgcolor="#ffffff", conf=False, tooltip_link=False, neighborhood_highlight=False,
        select_menu=False, filter_menu=False, notebook=False, cdn_resources="in_line",
    )
    page = strip_remote(page)
    legend = _legend_html(g)
    page = page.replace("<body>", '<body style="margin:0">' + legend, 1) \
        if "<body>" in page else page.replace("</html>", legend + "</html>")
    return page
