"""Exports: the relationship graph (GraphML, GEXF) and the report tables (CSV).

Written by streaming, never through a networkx graph of the whole store. Every text
that came from a user file is escaped for XML (and characters XML 1.0 forbids are
dropped); CSV cells starting with ``= + - @``, tab or CR get a leading ``'`` so a
spreadsheet never runs them as formulas.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from relmap.insights.context import Context, prepare
from relmap.insights.moves import job_change_records, job_changes
from relmap.insights.report import build_report
from relmap.store import Frames

FORMATS = ("csv", "graphml", "gexf")
TABLES = ("edges", "accounts", "job_changes", "moved_champions")
# Characters XML 1.0 cannot hold at all (lone surrogates cannot even be encoded as UTF-8).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.

    >>> csv_safe("=HYPERLINK(1)"), csv_safe("Acme"), csv_safe(3)
    ("'=HYPERLINK(1)", 'Acme', 3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Control characters a terminal acts on (ESC sequences can recolour, retitle or rewrite the
# screen; C1 controls likewise) and bidi overrides that reorder what is shown. Newline and tab
# are text.
_TERMINAL_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every control character a terminal would act on shown as ``\\xNN`` /
    ``\\uNNNN`` instead, for the CLI's text output (user data can hold anything).

    >>> terminal_safe("Acme\\x1b[2J Inc")
    'Acme\\\\x1b[2J Inc'
    """
    return _TERMINAL_BAD.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _xml_text(value: object) -> str:
    """Element text: CR as a character reference, since a parser turns a literal CR into LF."""
    return escape(_XML_BAD.sub("", str(value)), {"\r": "&#13;"})


def _xml_attr(value: object) -> str:
    """A quoted attribute value: line breaks and tabs as character references, which a parser
    keeps (literal ones are normalised to spaces)."""
    return quoteattr(_XML_BAD.sub("", str(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def graph_tables(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (id, label, kind) and edges (source, target, kind, weight) of the relationship graph:
    rep -knows-> person, person -works_at-> current company, person -moved_from-> old company."""
    rels = ctx.rels
    people = pd.Index(rels["person_id"].unique()).union(ctx.current.index)
    cur = ctx.current
    moves = job_changes(ctx)
    companies = pd.Index(cur["company_id"].unique()).union(moves["from_company_id"].unique())
    nodes = pd.concat([
        pd.DataFrame({"id": "r" + ctx.rep_name.index.astype(str), "label": ctx.rep_name.to_numpy(), "kind": "rep"}),
        pd.DataFrame({"id": "p" + people.astype(str), "label": people.map(ctx.person_name).fillna("?"),
                      "kind": "person"}),
        pd.DataFrame({"id": "c" + companies.astype(str),
                      "label": companies.map(ctx.company_name).fillna("?"), "kind": "company"}),
    ], ignore_index=True)
    edges = pd.concat([
        pd.DataFrame({"source": "r" + rels["rep_id"].astype(str), "target": "p" + rels["person_id"].astype(str),
                      "kind": "knows", "weight": rels["strength"].round(2)}),
        pd.DataFrame({"source": "p" + cur.index.astype(str), "target": "c" + cur["company_id"].astype(str),
                      "kind": "works_at", "weight": 1.0}),
        pd.DataFrame({"source": "p" + moves["person_id"].astype(str),
                      "target": "c" + moves["from_company_id"].astype(str), "kind": "moved_from", "weight": 0.5}),
    ], ignore_index=True)
    return nodes, edges


def write_graphml(nodes: pd.DataFrame, edges: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
                  '<key id="label" for="node" attr.name="label" attr.type="string"/>\n'
                  '<key id="kind" for="node" attr.name="kind" attr.type="string"/>\n'
                  '<key id="ekind" for="edge" attr.name="kind" attr.type="string"/>\n'
                  '<key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n'
                  '<graph id="relmap" edgedefault="directed">\n')
        for i, label, kind in zip(nodes["id"], nodes["label"], nodes["kind"]):
            out.write(f'<node id={_xml_attr(i)}><data key="label">{_xml_text(label)}</data>'
                      f'<data key="kind">{kind}</data></node>\n')
        for s, t, k, w in zip(edges["source"], edges["target"], edges["kind"], edges["weight"]):
            out.write(f'<edge source={_xml_attr(s)} target={_xml_attr(t)}><data key="ekind">{k}</data>'
                      f'<data key="weight">{float(w)}</data></edge>\n')
        out.write("</graph>\n</graphml>\n")


def write_gexf(nodes: pd.DataFrame, edges: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
                  '<graph defaultedgetype="directed">\n'
                  '<attributes class="node"><attribute id="0" title="kind" type="string"/></attributes>\n'
                  '<attributes class="edge"><attribute id="0" title="kind" type="string"/></attributes>\n'
                  '<nodes>\n')
        for i, label, kind in zip(nodes["id"], nodes["label"], nodes["kind"]):
            out.write(f'<node id={_xml_attr(i)} label={_xml_attr(label)}><attvalues>'
                      f'<attvalue for="0" value="{kind}"/></attvalues></node>\n')
        out.write("</nodes>\n<edges>\n")
        for n, (s, t, k, w) in enumerate(zip(edges["source"], edges["target"], edges["kind"], edges["weight"])):
            out.write(f'<edge id="{n}" source={_xml_attr(s)} target={_xml_attr(t)} weight="{float(w)}">'
                      f'<attvalues><attvalue for="0" value="{k}"/></attvalues></edge>\n')
        out.write("</edges>\n</graph>\n</gexf>\n")


def write_csv(rows: list[dict], path: Path) -> None:
    """Rows as CSV, formula-looking cells neutralised, lists joined with ``; ``."""
    columns = list(dict.fromkeys(k for r in rows for k in r)) or ["empty"]
    with open(path, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(columns)
        for r in rows:
            cells = []
            for c in columns:
                v = r.get(c)
                if isinstance(v, list):
                    v = "; ".join(x.get("sentence", str(x)) if isinstance(x, dict) else str(x) for x in v)
                cells.append(csv_safe(v))
            w.writerow(cells)


def export(frames: Frames, fmt: str, path: str | Path, as_of: date | None = None, table: str = "edges") -> int:
    """Write the graph (graphml/gexf, or csv ``table=edges``) or a report table as CSV to ``path``;
    returns the number of rows (edges for graphs) written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    path = Path(path)
    ctx = prepare(frames, as_of)
    if fmt in ("graphml", "gexf") or table == "edges":
        nodes, edges = graph_tables(ctx)
        if fmt == "graphml":
            write_graphml(nodes, edges, path)
        elif fmt == "gexf":
            write_gexf(nodes, edges, path)
        else:
            label = dict(zip(nodes["id"], nodes["label"]))
            kind = dict(zip(nodes["id"], nodes["kind"]))
            write_csv([{"source": label.get(s), "source_kind": kind.get(s), "target": label.get(t),
                        "target_kind": kind.get(t), "kind": k, "weight": w}
                       for s, t, k, w in zip(edges["source"], edges["target"], edges["kind"], edges["weight"])], path)
        return len(edges)
    if table == "job_changes":
        rows = job_change_records(ctx)
    else:
        report = build_report(frames, as_of)
        rows = report["accounts"] if table == "accounts" else report["moved_champions"]
    write_csv(rows, path)
    return len(rows)
