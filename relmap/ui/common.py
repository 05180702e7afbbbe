"""Shared widgets of the dashboard pages: the cached store and frames, shared filters,
empty states and the map embed. Pages never run SQL: they call the store's and
insights' functions through here.
"""

from __future__ import annotations

import importlib.util
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
    """Changes whenever a snapshot is added or deleted (a cache key for frames)."""
    snaps = store.list_snapshots()
    return tuple(int(i) for i in snaps["id"]) if len(snaps) else ()


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


def embed_html(page: str, height: int = 760) -> None:
    """Show a self-contained HTML page (the map) in an iframe."""
    if hasattr(st, "iframe"):
        st.iframe(page, height=height)
    else:  # older Streamlit
        import streamlit.components.v1 as components

        components.html(page, height=height, scrolling=False)


def legend() -> None:
    """The map legend as page text (the map carries the same one inside)."""
    with st.expander("How to read the map", expanded=False):
        st.markdown("\n".join(f"- {text}" for _, text in render.LEGEND))


def shared_filters(frames: Frames) -> tuple[str | None, date | None]:
    """Owner and as-of filters in the sidebar, kept in the URL query string."""
    params = st.query_params
    reps = sorted(str(r) for r in frames.reps["rep_name"].dropna().unique())
    options = ["All reps", *reps]
    wanted = params.get("owner")
    index = options.index(wanted) if wanted in options else 0
    owner = st.sidebar.selectbox("Owner", options, index=index, key="filter-owner")
    as_of_text = params.get("as_of")
    try:
        as_of_default = date.fromisoformat(as_of_text) if as_of_text else None
    except ValueError:
        as_of_default = None
    as_of = st.sidebar.date_input("As of", value=as_of_default, key="filter-as-of",
                                  help="Only snapshots up to this date count; empty = everything.")
    if owner != "All reps":
        params["owner"] = owner
    elif "owner" in params:
        del params["owner"]
    if as_of:
        params["as_of"] = as_of.isoformat()
    elif "as_of" in params:
        del params["as_of"]
    return (None if owner == "All reps" else owner), (as_of or None)


def table(frame: pd.DataFrame, key: str, file_name: str) -> None:
    """A sortable table with a CSV download (cells that spreadsheets run are neutralised)."""
    st.dataframe(frame, hide_index=True, width="stretch", key=key)
    st.download_button("Download CSV", safe_csv(frame), file_name=file_name, mime="text/csv",
                       key=f"{key}-download")


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes with ``= + - @`` (and tab/CR) leading text cells prefixed by ``'``."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" and v else v)
    return out.to_csv(index=False).encode("utf-8")
