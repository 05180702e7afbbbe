"""The map: graph views, self-contained HTML, escaping, the node cap, the CLI."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pytest

from relmap import cli, graph, render
from relmap.views import MapRequest, build_graph, map_html
from tests.dash_data import EVIL, load_two_snapshots

REMOTE = re.compile(r"<(script|link)[^>]*(src|href)\s*=\s*[\"']?(https?:)?//", re.I)


def _nodes(page: str) -> list[dict]:
    found = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert found, "nodes not found in the page"
    return json.loads(found.group(1))


def _edges(page: str) -> list[dict]:
    found = re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert found
    return json.loads(found.group(1))


def test_rep_view_is_current_state_with_move(store):
    load_two_snapshots(store)
    frames = store.load_frames()
    g = build_graph(frames, MapRequest("rep", "sam rep"))
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert "Sam Rep" in labels and "Kim Rep" not in labels
    # Joe now works at Initech (latest snapshot) and the move is an edge ACME -> Initech.
    moved = [(g.nodes[a]["label"], g.nodes[b]["label"]) for a, b, d in g.edges(data=True) if d["kind"] == "moved"]
    assert moved == [("ACME", "Initech")]
    knows = [b for a, b, d in g.edges(data=True) if d["kind"] == "knows"]
    assert len(knows) == 3


def test_company_view_shows_people_reps_and_movers(sqlite_store):
    load_two_snapshots(sqlite_store)
    g = build_graph(sqlite_store.load_frames(), MapRequest("company", "Globex"))
    kinds = sorted(d["kind"] for _, d in g.nodes(data=True))
    assert kinds == ["company", "person", "rep", "rep"]  # Bob, known by Sam and Kim
    g = build_graph(sqlite_store.load_frames(), MapRequest("company", "ACME"))
    assert any(d["kind"] == "moved" for *_, d in g.edges(data=True))  # Joe moved out


def test_unknown_name_is_a_clear_error(sqlite_store):
    load_two_snapshots(sqlite_store)
    with pytest.raises(graph.ViewNotFound, match="No company called 'Nowhere'"):
        build_graph(sqlite_store.load_frames(), MapRequest("company", "Nowhere"))


def test_html_is_offline_escaped_and_has_legend(sqlite_store):
    load_two_snapshots(sqlite_store)
    page, g = map_html(sqlite_store.load_frames(), MapRequest("rep", "Sam Rep"))
    assert "vis-network" in page or "vis.Network" in page
    assert not REMOTE.search(page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert EVIL not in page  # the name is embedded as escaped JSON only
    assert "relmap-legend" in page and "Single-threaded account" in page
    nodes = _nodes(page)
    assert len(nodes) == g.number_of_nodes()
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) and n["physics"] is False for n in nodes)
    assert any(n["label"] == f"Joe {EVIL}" for n in nodes)  # plain text, drawn on canvas
    moved = [e for e in _edges(page) if e.get("label", "").startswith("moved:")]
    assert moved and moved[0]["dashes"] and moved[0]["arrows"] == "to"


def test_encodings_never_rely_on_colour_alone():
    g = nx.DiGraph(title="t", omitted=None)
    g.add_node("rep:1", kind="rep", label="Sam", title="Sam", count=np.int64(2))
    g.add_node("person:1", kind="champion", label="Ada (champion)", title="Ada", count=1)
    g.add_node("company:1", kind="company", label="ACME", title="ACME", count=np.int64(5),
               single_threaded=True, risk="high", reasons=["1 contact"])
    g.add_node("company:2", kind="company", label="Initech", title="Initech", count=0)
    g.add_edge("rep:1", "person:1", kind="knows", weight=1, title="")
    g.add_edge("person:1", "company:1", kind="works_at", weight=1, title="")
    g.add_edge("company:1", "company:2", kind="moved", weight=np.int64(1), label="moved: Ada", title="")
    g.add_edge("person:1", "company:2", kind="referral", weight=1, label="referral", title="")
    page = render.graph_html(g)
    by_id = {n["id"]: n for n in _nodes(page)}
    assert by_id["rep:1"]["shape"] == "star" and by_id["person:1"]["shape"] == "diamond"
    assert by_id["company:1"]["shape"] == "square"
    assert by_id["company:1"]["borderWidth"] > by_id["company:2"]["borderWidth"]
    assert "[single-threaded]" in by_id["company:1"]["label"]
    assert by_id["company:1"]["color"]["border"] == render.RISK_COLOURS["high"]
    assert by_id["company:1"]["size"] > by_id["company:2"]["size"]
    edges = {e["to"] + e["from"]: e for e in _edges(page)}
    assert edges["company:2company:1"]["dashes"] != edges["company:2person:1"]["dashes"]


def test_strip_remote_removes_and_verifies():
    page = ('<html><head><link rel="stylesheet" href="https://cdn.example/x.css" />'
            '<script src="https://cdn.example/x.js"></script></head><body></body></html>')
    assert "cdn.example" not in render.strip_remote(page)
    with pytest.raises(render.RemoteResourceError):
        render.strip_remote('<img src="https://tracker.example/p.gif">')


def test_node_cap_aggregates_and_says_what_was_left_out():
    g = nx.DiGraph(title="big", omitted=None)
    g.add_node("rep:1", kind="rep", label="Sam", title="Sam", count=0)
    for c in range(20):
        g.add_node(f"company:{c}", kind="company", label=f"C{c}", title="", count=0, status=None)
        for p in range(10):
            pid = f"person:{c * 100 + p}"
            g.add_node(pid, kind="person", label=pid, title="", count=0)
            g.add_edge("rep:1", pid, kind="knows", weight=1, title="")
            g.add_edge(pid, f"company:{c}", kind="works_at", weight=1, title="")
    capped = graph._cap(g, cap=50)
    assert capped.number_of_nodes() == 21
    assert "200 contacts are grouped into their 20 companies" in capped.graph["omitted"]
    assert capped.edges["rep:1", "company:3"]["weight"] == 10
    page = render.graph_html(capped)
    assert "relmap-omitted" in page and "200 contacts are grouped" in page


def test_cli_map_writes_offline_html(sqlite_store, tmp_path, capsys):
    load_two_snapshots(sqlite_store)
    out = tmp_path / "acme.html"
    assert cli.main(["map", "--company", "ACME", "--out", str(out), "--db", sqlite_store.url]) == 0
    page = out.read_text()
    assert not REMOTE.search(page) and "relmap-legend" in page
    assert "ACME" in {n["label"] for n in _nodes(page)}
    assert "wrote" in capsys.readouterr().out
    assert cli.main(["map", "--person", "Nobody", "--out", str(out), "--db", sqlite_store.url]) == 2
    assert "No person called 'Nobody'" in capsys.readouterr().err


def test_cli_map_on_empty_store_says_how_to_start(sqlite_store, tmp_path, capsys):
    out = tmp_path / "x.html"
    assert cli.main(["map", "--rep", "Sam", "--out", str(out), "--db", sqlite_store.url]) == 2
    assert "import" in capsys.readouterr().err and not out.exists()
