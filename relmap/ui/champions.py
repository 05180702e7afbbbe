"""Champions moved: a feed of moves, newest first, with the risk left behind and the
warm path into the company joined."""

from __future__ import annotations

from datetime import date

import streamlit as st

from relmap.ui.common import empty_state, get_frames, get_report, get_store, shared_filters, table
from relmap.ui.common import md_escape as _md
from relmap.ui.nav import page_link
from relmap.views import _join, changes_table


def page() -> None:
    """The Champions moved page."""
    st.title("Champions moved")
    if get_store().is_empty():
        empty_state("champions")
        return
    _, as_of = shared_filters(get_frames())
    report = get_report(as_of)
    if report is None:
        return
    moves = sorted(report.get("moved_champions") or [], key=_when, reverse=True)
    since = _since(st.query_params.get("since"))
    if since and moves:
        total = len(moves)
        moves = [m for m in moves if _when(m) >= since.isoformat()]
        st.caption(f"Moves seen since {since.isoformat()}: {len(moves)} of {total}.")
        page_link(st, "champions", "Show every move", since="")
    if not moves:
        st.info("No champion has moved yet. Champions come from CRM contact roles (upload a CRM contacts "
                "export on the Upload page); moves appear once a later snapshot shows a new employer.")
        return
    st.caption(f"{len(moves)} champions moved, newest first.")
    accounts = {str(a.get("account", "")).casefold(): a for a in report.get("accounts") or []}
    for move in moves[:200]:
        with st.container(border=True):
            window = move.get("window")
            when = f" ({' – '.join(str(w) for w in window)})" if isinstance(window, list) and window else ""
            st.markdown(f"**{_md(move.get('person', '?'))}**: {_md(move.get('from_company') or '?')} → "
                        f"{_md(move.get('to_company') or '?')}{when}")
            st.text("Who on the team knows them: " + (_join(move.get("known_by")) or "nobody yet"))
            left = accounts.get(str(move.get("from_company", "")).casefold())
            if left:
                st.text(f"Risk at {move.get('from_company')}: {left.get('risk_level')} ({left.get('risk_score')})"
                        + (", single-threaded" if left.get("single_threaded") else ""))
            if move.get("landing"):
                st.text(f"At {move.get('to_company')}: {move['landing']}")
            if move.get("reasons"):
                st.markdown("\n".join(f"- {_md(_join(r))}" for r in move["reasons"]))
            if move.get("warm_paths"):
                st.text("Warm paths:\n" + "\n".join(
                    "  " + (_join(p) if not isinstance(p, list) else " → ".join(map(_join, p)))
                    for p in move["warm_paths"][:3]))
            links = [f"[Open {_md(move[k])}](account?account={_q(move[k])})"
                     for k in ("from_company", "to_company") if move.get(k)]
            st.markdown(" · ".join(links))
    table(changes_table(moves), "champions-table", "champions_moved.csv")


def _q(value: object) -> str:
    from urllib.parse import quote

    return quote(str(value or ""))



def _when(move: dict) -> str:
    """The end of a move's window (ISO date text), for sorting and the ``since`` filter."""
    window = move.get("window")
    return str((window or [""])[-1] if isinstance(window, list) else move.get("when") or "")


def _since(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
