"""Shared widgets of the dashboard pages: the cached store and frames, shared filters,
empty states and the map embed. Pages never run SQL: they call the store's and
insights' functions through here.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date

import pandas as pd
import streamlit as st

from relmap import config, render
from relmap.store import Frames, Store


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def get_store() -> Store:
    """The store at ``config.database_url()``, opened once per process."""
    return _store(config.database_url())


def data_version(store: Store) -> tuple:
    """Changes whenever a snapshot is added or deleted, or a person is forgotten or merged
    (a cache key for frames)."""
    snaps = store.list_snapshots()
    ids = tuple(int(i) for i in snaps["id"]) if len(snaps) else ()
    return (store.generation(), *ids) if hasattr(store, "generation") else ids


@st.cache_data(show_spinner="Reading the store…", max_entries=8)
def _frames(url: str, version: tuple, as_of: date | None) -> Frames:
    return _store(url).load_frames(as_of)


def get_frames(as_of: date | None = None) -> Frames:
    """All frames of the store (up to ``as_of``), cached until the data changes."""
    store = get_store()
    return _frames(store.url, data_version(store), as_of)


def demo_available() -> bool:
    """Whether the bundled demo loader (``relmap.demo``) is installed."""
    return importlib.util.find_spec("relmap.demo") is not None


def empty_state(key: str = "empty") -> None:
    """Tell a first-time user how to start; offers the demo when it exists."""
    st.info(
        "**No data yet.** Start on the **Upload** page with a LinkedIn `Connections.csv` (or the whole "
        "LinkedIn archive zip) and the rep's name, or from a terminal: "
        "`python -m relmap import Connections.csv --owner \"Rep Name\"`"
        + (" — or load the demo team with `python -m relmap demo`." if demo_available() else ".")
    )
    if demo_available() and st.button("Load demo data", key=f"{key}-demo"):
        load_demo()


def load_demo() -> None:
    """Load the bundled demo into the store, reporting failures on the page."""
    try:
        import relmap.demo as demo

        loader = getattr(demo, "load_demo", None) or getattr(demo, "load", None)
        if loader is None:
            st.error("This relmap has no demo loader; use `python -m relmap demo`.")
            return
        with st.spinner("Loading the demo team…"):
            loader(get_store())
        st.success("Demo data loaded.")
        st.rerun()
    except Exception as exc:  # never a traceback on a page
        st.error(f"The demo could not be loaded ({exc.__class__.__name__}). Try `python -m relmap demo`.")


def legend() -> None:
    """The map legend as page text (the map carries the same one inside)."""
    with st.expander("How to read the map", expanded=False):
        st.markdown("\n".join(f"- {text}" for _, text in render.LEGEND))


def shared_filters(frames: Frames) -> tuple[str | None, date | None]:
    """Owner and as-of filters in the sidebar, kept in the URL query string (and this
    session), so a view can be shared as a link and survives switching pages."""
    owner_default, as_of_default = remembered_filters()
    reps = sorted(str(r) for r in frames.reps["rep_name"].dropna().unique())
    options = ["All reps", *reps]
    index = options.index(owner_default) if owner_default in options else 0
    owner = st.sidebar.selectbox("Owner", options, index=index, key="filter-owner")
    as_of = st.sidebar.date_input("As of", value=as_of_default, key="filter-as-of",
                                  help="Only snapshots up to this date count; empty = everything.")
    params = st.query_params
    if owner != "All reps":
        params["owner"] = owner
        st.session_state["relmap-owner"] = owner
    else:
        params.pop("owner", None)
        st.session_state.pop("relmap-owner", None)
    if as_of:
        params["as_of"] = as_of.isoformat()
        st.session_state["relmap-as-of"] = as_of.isoformat()
    else:
        params.pop("as_of", None)
        st.session_state.pop("relmap-as-of", None)
    return (None if owner == "All reps" else owner), (as_of or None)


def filter_rows(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows of ``frame`` where any cell contains ``text`` (case-insensitive); all rows when empty.

    >>> filter_rows(pd.DataFrame({"a": ["ACME", "Globex"], "n": [1, 2]}), "glob")["a"].tolist()
    ['Globex']
    """
    text = (text or "").strip().casefold()
    if not text or frame.empty:
        return frame
    cells = frame.astype(str).apply(lambda col: col.str.casefold().str.contains(text, regex=False))
    return frame[cells.any(axis=1)]


def table(frame: pd.DataFrame, key: str, file_name: str, column_config: dict | None = None,
          download_drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """A sortable table (click a column header), a text filter over every column and a CSV
    download of the rows shown (cells that spreadsheets run are neutralised); returns the rows
    shown. ``download_drop`` names columns left out of the CSV (links)."""
    wanted = st.text_input("Filter rows", key=f"{key}-filter", placeholder="Type to keep rows containing this text",
                           label_visibility="collapsed") if len(frame) else ""
    shown = filter_rows(frame, wanted)
    if wanted:
        st.caption(f"{len(shown)} of {len(frame)} rows contain “{md_escape(wanted)}”.")
    st.dataframe(shown, hide_index=True, width="stretch", key=key, column_config=column_config)
    st.download_button("Download CSV", safe_csv(shown.drop(columns=[c for c in download_drop if c in shown.columns])),
                       file_name=file_name, mime="text/csv", key=f"{key}-download")
    return shown


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes in which text cells starting with ``= + - @``, tab or CR are prefixed by ``'``
    (``relmap.export.csv_safe``), so a spreadsheet never runs them as formulas.

    >>> safe_csv(pd.DataFrame({"name": ["=1+1", "Ada"]})).decode().splitlines()
    ['name', "'=1+1", 'Ada']
    """
    from relmap.export import csv_safe

    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(csv_safe)
    # CRLF rows, so a CR inside a cell is quoted too (a bare one would start a new row there).
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def insights_available() -> bool:
    """Whether ``relmap.insights.build_report`` exists in this build."""
    try:
        from relmap import insights
    except ImportError:
        return False
    return callable(getattr(insights, "build_report", None))


@st.cache_data(show_spinner="Computing insights…", max_entries=8)
def _report(url: str, version: tuple, as_of: date | None) -> dict:
    from relmap.insights import build_report

    return build_report(_frames(url, version, as_of), as_of)


@st.cache_resource(show_spinner=False, max_entries=4)
def _context(url: str, version: tuple, as_of: date | None):
    from relmap.insights.context import prepare

    return prepare(_frames(url, version, as_of), as_of)


def get_context(as_of: date | None = None):
    """The prepared insights context (for timelines and warm paths), or None."""
    if not insights_available():
        return None
    store = get_store()
    try:
        return _context(store.url, data_version(store), as_of)
    except Exception:  # the page shows what it can without it
        return None


def get_report(as_of: date | None = None, quiet: bool = False) -> dict | None:
    """The insights report (``relmap.insights.build_report``), or None when insights are
    not available or failed (the page then says so instead of crashing)."""
    if not insights_available():
        if quiet:
            return None
        st.info("Insights (moves, risk, paths) are not available in this build yet; the maps and data "
                "pages work without them.")
        return None
    store = get_store()
    try:
        return _report(store.url, data_version(store), as_of)
    except Exception as exc:  # never a traceback on a page
        if quiet:
            return None
        st.error(f"Insights could not be computed ({exc.__class__.__name__}); the data pages still work.")
        return None


def remembered_filters() -> tuple[str | None, date | None]:
    """Owner and as-of from the URL (or this session), without drawing widgets."""
    params = st.query_params
    owner = params.get("owner") or st.session_state.get("relmap-owner")
    text = params.get("as_of") or st.session_state.get("relmap-as-of")
    try:
        as_of = date.fromisoformat(text) if text else None
    except ValueError:
        as_of = None
    return owner or None, as_of


def md_escape(value: object) -> str:
    r"""User text made inert for Streamlit's markdown (``st.markdown``, captions, alerts, titles,
    page-link and widget labels): every markdown, HTML and entity character is backslash-escaped,
    so the text shows as written and never becomes a tag, an image, a link or a heading (``:``
    too: a bare ``http://…`` would otherwise become a link, eating the escapes after it).

    >>> print(md_escape("![x](http://e/x.png) <b>&amp; =1"))
    \!\[x\]\(http\://e/x\.png\) \<b\>\&amp; \=1
    """
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$&=:])", r"\\\1", str(value))


@st.cache_data(show_spinner=False, max_entries=16)
def _map(url: str, version: tuple, as_of: date | None, kind: str, name: str, physics: bool) -> dict:
    from relmap.views import MapRequest, map_html, risk_by_company

    report = None
    if insights_available():
        try:
            report = _report(url, version, as_of)
        except Exception:  # the map draws without risk rings
            report = None
    page, g = map_html(_frames(url, version, as_of), MapRequest(kind, name), risk=risk_by_company(report), height=680,
                       physics=physics)
    return {"html": page, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
            "omitted": g.graph.get("omitted"), "targets": _targets(g, _frames(url, version, as_of))}


def _targets(g, frames: Frames) -> list[tuple[str, str, str]]:
    """``(node id, "person" | "account" | "rep", name)`` for the map's people, companies and reps,
    by name."""
    from relmap.ui.clickmap import node_target

    people = frames.people.set_index("person_id")["full_name"].to_dict()
    companies = frames.companies.set_index("company_id")["company_name"].to_dict()
    reps = frames.reps.set_index("rep_id")["rep_name"].to_dict()
    found = [(str(n), *hit) for n in g.nodes if (hit := node_target(str(n), people, companies, reps))]
    return sorted(found, key=lambda t: (t[1], t[2].casefold()))


def get_map(kind: str, name: str = "", as_of: date | None = None, physics: bool = False) -> dict:
    """``{"html", "nodes", "edges", "omitted", "targets"}`` for one map view, cached until the data
    changes; raises ``relmap.graph.ViewNotFound`` for an unknown name."""
    store = get_store()
    return _map(store.url, data_version(store), as_of, kind, name, bool(physics))


def pick_index(options: list[str], wanted: str | None) -> int:
    """Index of ``wanted`` in ``options``: exact (case-insensitive), else the first that
    starts with it, else the first containing it, else 0 (a link like ``?account=Kestrel``)."""
    if not wanted:
        return 0
    folded = [o.casefold() for o in options]
    key = wanted.casefold().strip()
    for test in (lambda o: o == key, lambda o: o.startswith(key), lambda o: key in o):
        hit = next((i for i, o in enumerate(folded) if test(o)), None)
        if hit is not None:
            return hit
    return 0
