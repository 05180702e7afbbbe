"""Output safety with hostile names (``tests/hostile_story.py``): the map HTML, every dashboard page,
CSV downloads and exports, GraphML/GEXF and ``report --json`` show user data as text, never as
markup, formulas or requests off the machine. The browser half is ``test_browser_escaping.py``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from relmap.cli import main
from relmap.export import TABLES, csv_safe, write_csv, write_gexf, write_graphml
from relmap.store import Frames, Store
from relmap.views import MapRequest, map_html, risk_by_company
from tests import hostile_story as H
from tests.ui_helpers import map_elements, page_links
from tests.ui_helpers import map_html as component_html

# --- shared -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> str:
    """A SQLite store holding the hostile story (read-only for the tests that share it)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'relmap.db'}"
    store = Store(url)
    H.load_hostile(store)
    store.engine.dispose()
    return url


@pytest.fixture(scope="module")
def frames(hostile_db) -> Frames:
    store = Store(hostile_db)
    try:
        return store.load_frames()
    finally:
        store.engine.dispose()


def _xml_legal(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (what the exports drop)."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)


def test_the_story_holds_every_hostile_string(frames):
    """The fixture is only a test if the hostile text reaches the store intact."""
    stored = " ".join([*frames.people["full_name"], *frames.companies["company_name"], *frames.reps["rep_name"],
                       *frames.employments["title"].dropna(), *frames.referrals["note"].dropna(),
                       *map(str, frames.crm_opportunities.to_numpy().ravel())])
    trimmed = [h.strip() for h in H.HOSTILE]  # every cell is trimmed at import
    missing = [h for h in trimmed if h not in stored]
    assert missing == [] and len(trimmed) == 16
    assert set(H.NAMES) <= set(frames.people["full_name"]) and set(H.COMPANIES) <= set(frames.companies["company_name"])


# --- 1. the map HTML --------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every tag and attribute of a page, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def _data_set(page: str, name: str) -> list[dict]:
    found = re.search(rf"{name} = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert found, f"{name} not found in the page"
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def baseline_tags() -> set[tuple[str, tuple[str, ...]]]:
    """(tag, attribute names) of a map with no data: what the template itself writes."""
    page, _ = map_html(Frames.empty(), MapRequest("team"))
    return {(t, tuple(sorted(a))) for t, a in _tags(page)}


MAP_VIEWS = [MapRequest("rep", H.REP), MapRequest("rep", H.REP2), MapRequest("company", H.MOVED_TO),
             MapRequest("company", "Acme {{7*7}}"), MapRequest("company", H.MD_IMAGE),
             MapRequest("company", H.REMOTE_IMG), MapRequest("person", H.CHAMPION),
             MapRequest("person", H.NAMES[1]), MapRequest("team")]


def check_map_page(page: str, baseline: set) -> list[dict]:
    """Assert a map page carries no markup, handler or remote URL from the data; returns its nodes."""
    tags = _tags(page)
    extra = {(t, tuple(sorted(a))) for t, a in tags} - baseline
    assert extra == set(), f"tags or attributes the template does not write: {extra}"
    for _, attrs in tags:
        for name, value in attrs.items():
            assert not (value or "").lower().lstrip().startswith("javascript:"), (name, value)
            if name in ("src", "href"):
                assert "//" not in (value or ""), f"remote URL in the map: {value}"
    assert "<script>alert" not in page and "<img" not in page.lower()
    assert "popup.innerHTML" not in page  # pyvis's HTML tooltips are off: vis-network shows titles as text
    nodes = _data_set(page, "nodes")
    for item in nodes + _data_set(page, "edges"):
        assert isinstance(item.get("title", ""), str) and isinstance(item.get("label", ""), str)
    return nodes


@pytest.mark.parametrize("request_", MAP_VIEWS, ids=lambda r: f"{r.kind}-{r.name[:12]}")
def test_map_html_shows_hostile_names_as_text(frames, baseline_tags, request_):
    from relmap.insights import build_report

    page, g = map_html(frames, request_, risk=risk_by_company(build_report(frames)))
    nodes = check_map_page(page, baseline_tags)
    text = " ".join(n["label"] + " " + n["title"] for n in nodes)
    expected = {
        "rep": [H.REP if request_.name == H.REP else H.REP2],
        "company": [request_.name],
        "person": [request_.name],
        "team": [H.REP, H.REP2, *H.COMPANIES],
    }[request_.kind]
    for name in expected:  # the hostile strings survive, exactly, as plain label or tooltip text
        assert name in text, name
    if request_.kind == "rep":
        names = set(H.NAMES if request_.name == H.REP else H.NAMES[2:6])
        assert sum(any(n in node["label"] for n in names) for node in nodes) >= len(names)
    title = re.search(r"<strong>(.*?)</strong>", page, re.S).group(1)  # the legend's heading: HTML-escaped
    assert "<" not in title and (request_.kind == "team" or unescape(title).endswith(request_.name))
    assert len(nodes) == g.number_of_nodes()


# --- 2. the dashboard pages (AppTest) --------------------------------------------------------


_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")


def markdown_sources(at: AppTest) -> list[str]:
    """Every string the page hands Streamlit's markdown renderer: markdown, captions, alerts,
    titles, page-link and widget labels, expander labels."""
    out: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader",
                 "latex"):
        out += [str(e.value) for e in getattr(at, kind, [])]
    out += [label for _, _, label in page_links(at)]
    for kind in ("selectbox", "multiselect", "text_input", "text_area", "checkbox", "toggle", "radio", "button",
                 "date_input", "metric", "expander"):
        out += [str(getattr(e, "label", "") or "") for e in getattr(at, kind, [])]
    out += [str(getattr(e.proto, "label", "")) for e in at.get("download_button")]
    return out


def check_markdown(source: str) -> str:
    """Assert ``source`` renders no HTML, no image and no absolute link from user data;
    returns the text a reader sees (escapes removed)."""
    plain = _ESCAPED.sub("", source)  # what is left unescaped
    assert "<" not in plain, f"unescaped < reaches markdown: {source!r}"
    assert "![" not in plain, f"a markdown image: {source!r}"
    assert not re.search(r"https?://|www\.", plain), f"a bare URL becomes a link: {source!r}"
    for target in re.findall(r"\]\(([^)]*)\)", plain):
        assert ":" not in target.split("?")[0] and not target.startswith("//"), f"absolute link: {source!r}"
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


def _app(module: str, db: str, monkeypatch, **params: str) -> AppTest:
    monkeypatch.setenv("RELMAP_DATABASE_URL", db)
    at = AppTest.from_string(f"from relmap.ui.{module} import page\npage()\n", default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _check_page(at: AppTest, baseline: set) -> str:
    assert not at.exception, at.exception
    shown = "\n".join(check_markdown(s) for s in markdown_sources(at))
    for i in range(len(map_elements(at))):
        check_map_page(component_html(at, i), baseline)
    return shown


def _table_text(at: AppTest) -> str:
    return "\n".join(str(v) for d in at.dataframe for v in d.value.to_numpy().ravel())


PAGE_RUNS = [
    ("overview", {}, [H.REP, H.REP2]),
    ("champions", {}, [H.CHAMPION, "Acme {{7*7}}", H.MOVED_TO]),
    ("at_risk", {}, [H.MD_IMAGE, H.REMOTE_IMG, H.REP]),
    ("account", {"account": H.MOVED_TO}, [H.MOVED_TO]),
    ("account", {"account": "Acme {{7*7}}"}, ["Acme {{7*7}}", H.CHAMPION]),
    ("account", {"account": H.MD_IMAGE}, [H.MD_IMAGE, H.REMOTE_IMG]),
    ("person", {"person": H.CHAMPION}, [H.REP]),
    ("person", {"person": H.NAMES[1]}, [H.REP]),
    ("map", {"company": H.MD_IMAGE}, [H.MD_IMAGE]),
    ("map", {"person": H.NAMES[6]}, [H.NAMES[6]]),
    ("map", {"rep": H.REP2}, []),
    ("team_map", {}, []),
    ("data", {}, []),
    ("upload", {}, []),
]


@pytest.mark.parametrize(("module", "params", "names"), PAGE_RUNS,
                         ids=[f"{m}-{next(iter(p.values()), '')[:10]}" for m, p, _ in PAGE_RUNS])
def test_pages_escape_hostile_names(hostile_db, monkeypatch, baseline_tags, module, params, names):
    at = _app(module, hostile_db, monkeypatch, **params)
    shown = _check_page(at, baseline_tags)
    everywhere = shown + _table_text(at) + "".join(component_html(at, i) for i in range(len(map_elements(at))))
    for name in names:  # the hostile text is on the page, as text (markdown, a table cell or the map)
        assert name in everywhere or json.dumps(name)[1:-1] in everywhere or name in unescape(everywhere), name


def test_page_link_labels_with_a_hostile_name_are_escaped(hostile_db, monkeypatch):
    """The Map page links to the account / person it shows; the name is part of the link label,
    which Streamlit renders as markdown (images included)."""
    at = _app("map", hostile_db, monkeypatch, company=H.MD_IMAGE)
    [label] = [label for path, _, label in page_links(at) if path == "account"]
    assert check_markdown(label) == f"Open {H.MD_IMAGE} as an account (timeline, risk, next contacts)"
    at = _app("map", hostile_db, monkeypatch, person=H.NAMES[1])
    [label] = [label for path, _, label in page_links(at) if path == "person"]
    assert check_markdown(label).startswith(f"Open {H.NAMES[1]}'s page")


def test_data_page_messages_quote_names_as_text(tmp_path, monkeypatch, baseline_tags):
    """Forgetting an ambiguous or unknown name and adding a referral echo user text in alerts."""
    db = f"sqlite:///{tmp_path / 'relmap.db'}"
    store = Store(db)
    H.load_hostile(store)
    store.engine.dispose()
    at = _app("data", db, monkeypatch)
    at.text_input(key="data-forget").input(H.MD_IMAGE + " " + H.SCRIPT).run()
    at.button(key="data-forget-go").click().run()
    assert at.error and H.SCRIPT in check_markdown(at.error[0].value)  # "Nobody in the store matches ..."
    _check_page(at, baseline_tags)
    at.text_input(key="ref-referrer").input(H.NAMES[0])
    at.text_input(key="ref-referred").input(H.REMOTE_IMG + " Newperson")
    at.text_input(key="ref-company").input(H.MD_IMAGE)
    at.text_area(key="ref-note").input(H.NOTE)
    at.button[[b.label for b in at.button].index("Add referral")].click().run()
    assert at.success and H.MD_IMAGE in check_markdown(at.success[0].value)
    _check_page(at, baseline_tags)


def test_table_filter_echo_is_escaped(hostile_db, monkeypatch, baseline_tags):
    at = _app("at_risk", hostile_db, monkeypatch)
    at.text_input(key="risk-table-filter").input("![x](http://evil").run()
    assert any("rows contain" in c.value for c in at.caption)
    _check_page(at, baseline_tags)


def test_mapping_step_shows_hostile_headers_and_errors_as_text(tmp_path, monkeypatch, baseline_tags):
    """An unrecognised CRM file whose headers and cells are hostile goes to the column-mapping step."""
    db = f"sqlite:///{tmp_path / 'relmap.db'}"
    data = ("Kunde " + H.MD_IMAGE + "," + H.SCRIPT + ",Betreuer\n"
            f"\"{H.HYPERLINK.replace(chr(34), chr(34) * 2)}\",{H.IMG.replace(chr(34), '')},{H.REP}\n").encode()
    at = _app("upload", db, monkeypatch)
    at.file_uploader[0].upload(H.MD_IMAGE + ".csv", data, "text/csv")
    at.run()
    at.button(key="upload-go").click().run()
    shown = _check_page(at, baseline_tags)
    assert f"Map the columns of {H.MD_IMAGE}.csv" in shown and H.SCRIPT in shown


ROOT = Path(__file__).resolve().parent.parent


def test_no_raw_html_sink_in_the_dashboard():
    """No page hands Streamlit raw HTML (``unsafe_allow_html``, ``st.html``, ``components.html``):
    user text reaches the page only through markdown (escaped with ``md_escape``), tables, plain
    text and the map component. A new raw-HTML call must come with escaping and a test here."""
    sources = [ROOT / "app.py", *sorted((ROOT / "relmap" / "ui").glob("*.py"))]
    sinks = [f"{p.name}:{n}" for p in sources for n, line in enumerate(p.read_text().splitlines(), 1)
             if re.search(r"unsafe_allow_html\s*=\s*True|\bst\.html\(|components\.html\(", line)]
    assert len(sources) > 10 and sinks == []


def test_the_grid_export_that_does_not_neutralise_is_off():
    """``st.dataframe``'s own "Download as CSV" and cell copy hand cells to a spreadsheet as they are;
    relmap's "Download CSV" buttons are the way out (``safe_csv``). The browser test checks the button."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


# --- 4. CSV: the CLI exports and the dashboard downloads ----------------------------------------


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_csv(data: str) -> list[list[str]]:
    """Assert no cell of a CSV starts a formula unless it is a plain number; returns the rows."""
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows, "empty CSV"
    assert {len(r) for r in rows} == {len(rows[0])}, "a row is split: a line break inside a cell is not quoted"
    for row in rows:
        for cell in row:
            if cell.startswith(H.FORMULA_STARTS):
                assert _number(cell), f"a cell a spreadsheet would run: {cell!r}"
    return rows


@pytest.mark.parametrize("table", TABLES)
def test_cli_csv_exports_neutralise_formulas(hostile_db, tmp_path, capsys, table):
    out = tmp_path / f"{table}.csv"
    assert main(["export", "--db", hostile_db, "--format", "csv", "--table", table, "--out", str(out)]) == 0
    rows = check_csv(out.read_bytes().decode("utf-8"))
    cells = {c for r in rows[1:] for c in r}
    expected = {
        "edges": [f"'{H.HYPERLINK} Smith", f"'{H.AT_SUM} Jones", f"'{H.MINUS} Brown", f"'{H.CMD} Lee", f"'{H.REP2}",
                  f"'{H.MINUS}", H.SQL, H.MD_IMAGE],
        "accounts": [f"'{H.MINUS}", H.SQL, H.MD_IMAGE],
        "job_changes": [H.CHAMPION, "Acme {{7*7}}", H.MOVED_TO],
        "moved_champions": [H.CHAMPION, "Acme {{7*7}}", H.MOVED_TO, H.REP],
    }[table]
    missing = [e for e in expected if e not in cells]
    assert missing == [], f"{missing} not among {sorted(cells)[:40]}"


def test_dashboard_downloads_neutralise_formulas(hostile_db, monkeypatch):
    """Every "Download CSV" button of the pages: the bytes handed to it, captured."""
    import relmap.ui.common as common

    handed: list[bytes] = []
    real = common.safe_csv

    def spy(frame):
        data = real(frame)
        handed.append(data)
        return data

    monkeypatch.setattr(common, "safe_csv", spy)
    for module, params in (("overview", {}), ("at_risk", {}), ("champions", {}), ("person", {"person": H.NAMES[3]})):
        assert not _app(module, hostile_db, monkeypatch, **params).exception
    assert len(handed) >= 5
    cells = set()
    for data in handed:
        cells |= {c for r in check_csv(data.decode("utf-8"))[1:] for c in r}
    assert {f"'{H.MINUS}", f"'{H.REP2}", "'=1+1"} <= cells  # at-risk, coverage, a title in the person's history
    assert "-5000.0" in cells  # a negative ARR stays a number
    assert f"'{H.TAB}" in {c for c in check_csv(real(pd.DataFrame({"title": [H.TAB]})).decode())[1]}


@pytest.mark.parametrize("value", H.HOSTILE + ["-5", "=", "ok", "a=b", " =1"])
def test_csv_writers_neutralise_every_formula_start(tmp_path, value):
    """``csv_safe``, the CLI's ``write_csv`` and the pages' ``safe_csv`` agree, for text in any column."""
    from relmap.ui.common import safe_csv

    frame = pd.DataFrame({"name": [value], "company": [value], "reasons": [value], "arr": [-5000.0], "n": [-3]})
    out = tmp_path / "x.csv"
    write_csv([{**frame.iloc[0].to_dict(), "list": [value, "x"]}], out)
    for data in (out.read_bytes().decode("utf-8"), safe_csv(frame).decode("utf-8")):
        rows = check_csv(data)
        want = ("'" + value) if value.startswith(H.FORMULA_STARTS) else value
        assert rows[1][:3] == [want] * 3 and rows[1][3:5] == ["-5000.0", "-3"]
    assert csv_safe(-5000.0) == -5000.0 and csv_safe(value) in (value, "'" + value)


# --- 5. GraphML and GEXF ------------------------------------------------------------------------


def _graphml_labels(path: Path) -> dict[str, str]:
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(path).getroot()
    return {n.get("id"): n.find("g:data[@key='label']", ns).text or "" for n in root.iter(f"{{{ns['g']}}}node")}


def _gexf_labels(path: Path) -> dict[str, str]:
    root = ET.parse(path).getroot()
    return {n.get("id"): n.get("label") for n in root.iter() if n.tag.endswith("}node")}


def test_cli_graph_exports_round_trip_hostile_labels(hostile_db, frames, tmp_path):
    from relmap.export import graph_tables
    from relmap.insights.context import prepare

    nodes, _ = graph_tables(prepare(frames))
    want = {i: _xml_legal(str(label)) for i, label in zip(nodes["id"], nodes["label"], strict=True)}
    assert any(H.CONTROL in str(label) for label in nodes["label"])  # the illegal characters are in the data
    for fmt, read in (("graphml", _graphml_labels), ("gexf", _gexf_labels)):
        out = tmp_path / f"g.{fmt}"
        assert main(["export", "--db", hostile_db, "--format", fmt, "--out", str(out)]) == 0
        assert read(out) == want, fmt
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert {i: d["label"] for i, d in g.nodes(data=True)} == want
    assert {H.SCRIPT + " Doe", H.REP, H.REP2, H.MD_IMAGE, H.RTL + " " + H.EMOJI} <= set(want.values())


def test_graph_writers_survive_every_control_character(tmp_path):
    """Names with NUL, \\x0b, CR, tab, lone surrogates and noncharacters still give valid XML whose
    labels are the names minus what XML 1.0 cannot hold."""
    weird = ["".join(map(chr, range(0, 32))) + "end", "a\rb\r\nc\td\ne", "x\ud800y\udfffz", "\ufffe\uffffq",
             *H.HOSTILE, H.NOTE]
    nodes = pd.DataFrame({"id": [f"p{i}" for i in range(len(weird))], "label": pd.Series(weird, dtype=object),
                          "kind": "person"})
    edges = pd.DataFrame({"source": ["p0"], "target": ["p1"], "kind": ["knows"], "weight": [1.0]})
    want = {f"p{i}": _xml_legal(w) for i, w in enumerate(weird)}
    assert want["p1"] == "a\rb\r\nc\td\ne" and want["p0"] == "\t\n\rend"
    write_graphml(nodes, edges, tmp_path / "g.graphml")
    write_gexf(nodes, edges, tmp_path / "g.gexf")
    assert _graphml_labels(tmp_path / "g.graphml") == want
    assert _gexf_labels(tmp_path / "g.gexf") == want
    assert {i: d["label"] for i, d in nx.read_graphml(tmp_path / "g.graphml").nodes(data=True)} == want


# --- 6. report --json --------------------------------------------------------------------------


def _strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [t for v in obj.values() for t in _strings(v)]
    if isinstance(obj, list):
        return [t for v in obj for t in _strings(v)]
    return []


def test_report_json_round_trips_hostile_strings(store, capsys):
    H.load_hostile(store)
    assert main(["report", "--db", store.url, "--json"]) == 0
    report = _strict_json(capsys.readouterr().out)
    [move] = report["moved_champions"]
    assert (move["person"], move["from_company"], move["to_company"]) == (H.CHAMPION, "Acme {{7*7}}", H.MOVED_TO)
    assert H.REP in move["known_by"]
    accounts = {a["account"] for a in report["accounts"]}
    assert set(H.COMPANIES) - {"Acme {{7*7}}"} <= accounts | {H.MOVED_TO}
    assert f"Bell{H.CONTROL} Co" in accounts  # control characters survive, escaped by JSON
    text = "\n".join(_strings(report))
    for h in (H.SCRIPT, H.IMG, H.HYPERLINK, H.MD_IMAGE, H.RTL, H.EMOJI, H.SQL):
        assert h in text, h


def test_backup_of_hostile_store_restores_the_same_report(sqlite_store, tmp_path, capsys):
    """Issue 8 item 7 with hostile names: ``export --format archive`` then ``import`` into an empty
    store gives the same ``report --json`` (the demo version is in tests/test_backup.py)."""
    H.load_hostile(sqlite_store)
    assert main(["report", "--db", sqlite_store.url, "--json"]) == 0
    before = capsys.readouterr().out
    out = tmp_path / "backup.zip"
    assert main(["export", "--db", sqlite_store.url, "--format", "archive", "--out", str(out)]) == 0
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    assert main(["import", str(out), "--db", restored]) == 0
    capsys.readouterr()
    assert main(["report", "--db", restored, "--json"]) == 0
    after = capsys.readouterr().out
    assert _strict_json(after) == _strict_json(before) and H.SCRIPT in after


# --- terminal output -------------------------------------------------------------------------

#: What a terminal acts on: C0/C1 controls (ESC starts colour, title and clear-screen sequences)
#: and bidi overrides. Newline and tab are text.
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("args", [
    ["report"],
    ["timeline", "--company", f"Bell{H.CONTROL} Co"],
    ["paths", "--person", H.NAMES[8]],
    ["suggest", "--company", f"Bell{H.CONTROL} Co"],
])
def test_cli_text_output_shows_control_characters_escaped(hostile_db, capsys, args):
    """Names holding BEL, vertical tab, unit separator and a right-to-left override reach the
    terminal as visible escapes (``\\x07``, ``\\u202e``), never as the characters themselves."""
    assert main([*args, "--db", hostile_db]) == 0
    out = capsys.readouterr().out
    assert out.strip()
    assert not _TERMINAL_CONTROL.search(out), repr(_TERMINAL_CONTROL.search(out).group())
    assert "\\x07" in out  # BEL in a name or company, shown


def test_cli_import_line_escapes_an_escape_sequence_in_the_file_name(tmp_path, capsys):
    path = tmp_path / "Conn\x1b]0;owned\x07ections.csv"
    path.write_bytes(H.connections(H.PEOPLE[:2]))
    assert main(["import", str(path), "--db", f"sqlite:///{tmp_path / 'r.db'}", "--owner", "Rep"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "Conn\\x1b]0;owned\\x07ections.csv" in out
