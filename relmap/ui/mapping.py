"""The column-mapping step of an upload: CRM or referral files whose columns the header
aliases do not read wait here until the user confirms a mapping (source column -> field,
or ignore) after seeing a preview; recognised files import at once."""

from __future__ import annotations

import hashlib
from datetime import date

import streamlit as st

from relmap.ingest import mapping as mapping_lib
from relmap.model import FileResult, RejectedFile
from relmap.ui.common import md_escape

_KIND_LABELS = {
    "crm_contacts": "CRM contacts", "crm_accounts": "CRM accounts", "crm_opportunities": "CRM opportunities (deals)",
    "referrals": "Referrals",
}


def split_uploads(files: list[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """(files to import as they are, files that need a column mapping first)."""
    direct, pending = [], []
    for name, data in files:
        try:
            wait = mapping_lib.needs_mapping(name, data)
        except Exception:  # the import itself will say what is wrong with the file
            wait = False
        (pending if wait else direct).append((name, data))
    return direct, pending


def mapping_step(prefix: str, import_files, owner: str | None, as_of: date | None) -> None:
    """One mapping form per file waiting in ``st.session_state[f"{prefix}-pending"]``.

    ``import_files(files, owner, as_of, mapping=..., kind=...)`` imports a confirmed file;
    its results are added to ``st.session_state[f"{prefix}-results"]``.
    """
    pending: list[tuple[str, bytes]] = st.session_state.get(f"{prefix}-pending") or []
    for name, data in list(pending):
        key = f"{prefix}-map-{hashlib.sha256(data).hexdigest()[:12]}"
        with st.container(border=True):
            _one_file(prefix, key, name, data, import_files, owner, as_of)


def _one_file(prefix: str, key: str, name: str, data: bytes, import_files, owner, as_of) -> None:
    st.subheader(f"Map the columns of {md_escape(name)}")
    st.caption("relmap did not recognise every column it needs in this file. Check what each column holds "
               "(\"ignore\" leaves it out), look at the preview, then import.")
    try:
        first = mapping_lib.propose(name, data)
    except RejectedFile as exc:
        st.error(md_escape(exc))
        _forget(prefix, name, data)
        return
    kinds = list(mapping_lib.KINDS)
    kind = st.selectbox("This file holds", kinds, index=kinds.index(first.kind),
                        format_func=_KIND_LABELS.get, key=f"{key}-kind")
    proposal = first if kind == first.kind else mapping_lib.propose(name, data, kind)
    options = [mapping_lib.IGNORE, *mapping_lib.fields(kind)]
    chosen: dict[str, str] = {}
    grid = st.columns(3)
    for i, column in enumerate(proposal.columns):
        default = proposal.mapping.get(column, mapping_lib.IGNORE)
        chosen[column] = grid[i % 3].selectbox(
            md_escape(column), options, index=options.index(default) if default in options else 0,
            key=f"{key}-{kind}-{i}", help="The relmap field this column holds.")
    repeated = sorted({f for f in chosen.values() if f != mapping_lib.IGNORE and list(chosen.values()).count(f) > 1})
    if repeated:
        st.warning(f"{', '.join(repeated)} is chosen for more than one column; only the last of them is read.")
    st.markdown("**Preview** — the first rows as they will be stored:")
    ready = True
    try:
        parsed = mapping_lib.read_with_mapping(name, data, kind, chosen)
    except RejectedFile as exc:
        st.warning(md_escape(exc))
        st.caption("The file as written:")
        st.dataframe(proposal.preview, hide_index=True, width="stretch", key=f"{key}-raw")
        ready = False
    else:
        shown = parsed.frame.drop(columns=["line"], errors="ignore").head(10).dropna(axis=1, how="all")
        st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}-preview")
        st.caption(f"{parsed.rows_read} rows read, {len(parsed.frame)} records, {len(parsed.problems)} problems.")
    st.caption("The same import from a terminal:")
    st.code(mapping_lib.cli_command(name, kind, chosen), language="bash")
    c1, c2 = st.columns(2)
    if c1.button("Import with this mapping", type="primary", key=f"{key}-go", disabled=not ready):
        results: list[FileResult] = import_files([(name, data)], owner, as_of,
                                                 mapping=mapping_lib.confirmed(kind, chosen), kind=kind)
        st.session_state[f"{prefix}-results"] = list(st.session_state.get(f"{prefix}-results") or []) + results
        _forget(prefix, name, data)
        st.rerun()
    if c2.button("Skip this file", key=f"{key}-skip"):
        _forget(prefix, name, data)
        st.rerun()


def _forget(prefix: str, name: str, data: bytes) -> None:
    pending = st.session_state.get(f"{prefix}-pending") or []
    st.session_state[f"{prefix}-pending"] = [(n, d) for n, d in pending if (n, d) != (name, data)]
