"""Upload page: import LinkedIn, CRM and referral files (several at once, or a zip)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from relmap.importer import import_bytes
from relmap.model import FileResult, Problem
from relmap.ui.common import get_store
from relmap.ui.mapping import mapping_step, split_uploads


def import_uploads(files: list[tuple[str, bytes]], owner: str | None, as_of: date | None,
                   mapping: dict[str, str] | None = None, kind: str | None = None) -> list[FileResult]:
    """Import ``(name, bytes)`` uploads; never raises (a failure becomes a rejected result)."""
    store = get_store()
    results: list[FileResult] = []
    progress = st.progress(0.0, text="Importing…") if files else None
    for i, (name, data) in enumerate(files):
        try:
            results.extend(import_bytes(store, name, data, owner=owner or None, as_of=as_of, mapping=mapping,
                                        kind=kind))
        except Exception as exc:  # a page never shows a traceback
            results.append(FileResult(path=name, kind="unknown", status="rejected", problems=[
                Problem(0, f"{name}: could not be imported ({exc.__class__.__name__}); nothing from it was "
                           "kept. Check it is a LinkedIn, CRM or referral export.")]))
        if progress is not None:
            progress.progress((i + 1) / len(files), text=f"Imported {i + 1} of {len(files)} files")
    return results


def summary_frames(results: list[FileResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per file, one row per problem) for display."""
    summary = pd.DataFrame([{
        "file": r.path, "kind": r.kind, "status": r.status, "rows read": r.rows_read,
        "hidden rows": r.hidden_rows, "records stored": r.records_imported, "problems": len(r.problems),
    } for r in results])
    problems = pd.DataFrame([{"file": r.path, "line": p.line or None, "problem": p.message}
                             for r in results for p in r.problems], columns=["file", "line", "problem"])
    return summary, problems


def show_results(results: list[FileResult]) -> None:
    """The import summary and problems as tables."""
    summary, problems = summary_frames(results)
    imported = sum(r.status == "imported" for r in results)
    unchanged = sum(r.status == "unchanged" for r in results)
    rejected = sum(r.status == "rejected" for r in results)
    st.subheader("Import summary")
    st.write(f"{imported} imported, {unchanged} unchanged (already imported), {rejected} rejected.")
    st.dataframe(summary, hide_index=True, width="stretch", key="upload-summary")
    if len(problems):
        st.subheader("Problems")
        if rejected:
            st.error("Rejected files stored nothing; fix what the problem says and upload them again.")
        st.dataframe(problems, hide_index=True, width="stretch", key="upload-problems")


def start_import(prefix: str, files: list[tuple[str, bytes]], owner: str | None, as_of: date | None) -> None:
    """Import the files relmap reads as they are; the others wait for a column mapping."""
    direct, pending = split_uploads(files)
    st.session_state[f"{prefix}-results"] = import_uploads(direct, owner, as_of)
    st.session_state[f"{prefix}-pending"] = pending
    if pending:
        st.info(f"{len(pending)} file(s) need their columns mapped before import: see below.")


def page() -> None:
    """The Upload page."""
    st.title("Upload exports")
    st.write("Drop one rep's LinkedIn `Connections.csv` (or the whole LinkedIn archive zip), CRM exports "
             "(accounts, contacts, opportunities) or a referrals list. Every upload is kept as a dated snapshot; "
             "uploading the same file twice changes nothing.")
    files = st.file_uploader("Files or a zip", accept_multiple_files=True, key="upload-files")
    col1, col2 = st.columns(2)
    owner = col1.text_input("Rep name (whose LinkedIn export this is)", key="upload-owner").strip()
    as_of = col2.date_input("As-of date (export date)", value=None, key="upload-as-of",
                            help="Empty: the date found in the file or archive name, else today.")
    if st.button("Import", type="primary", key="upload-go", disabled=not files):
        start_import("upload", [(f.name, f.getvalue()) for f in files], owner, as_of)
    mapping_step("upload", import_uploads, owner, as_of)
    results = st.session_state.get("upload-results")
    if results:
        show_results(results)
