"""Upload page: import LinkedIn, CRM and referral files (several at once, or a zip)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import streamlit as st

from relmap import config
from relmap.importer import import_bytes
from relmap.model import FileResult, Problem, SkippedFile
from relmap.ui.common import get_store
from relmap.ui.mapping import mapping_step, split_uploads


def import_uploads(files: list[tuple[str, bytes]], owner: str | None, as_of: date | None,
                   mapping: dict[str, str] | None = None, kind: str | None = None,
                   skipped: list[SkippedFile] | None = None) -> list[FileResult]:
    """Import ``(name, bytes)`` uploads; never raises (a failure becomes a rejected result).
    Archive members neither imported nor rejected go to ``skipped``."""
    store = get_store()
    results: list[FileResult] = []
    if not files:
        return results
    total = sum(len(data) for _, data in files)
    with st.status(f"Importing {len(files)} file(s), {total / 1e6:,.1f} MB…", expanded=len(files) > 1) as status:
        progress = st.progress(0.0, text="Reading…")
        for i, (name, data) in enumerate(files):
            progress.progress(i / len(files), text=f"File {i + 1} of {len(files)}: reading and storing…")
            try:
                found = import_bytes(store, name, data, owner=owner or None, as_of=as_of, mapping=mapping,
                                     kind=kind, skipped=skipped)
            except Exception as exc:  # a page never shows a traceback
                found = [FileResult(path=name, kind="unknown", status="rejected", problems=[
                    Problem(0, f"{name}: could not be imported ({exc.__class__.__name__}); nothing from it was "
                               "kept. Check it is a LinkedIn, CRM or referral export.")])]
            results.extend(found)
            for r in found:
                st.text(f"{r.path}: {r.status}, {r.records_imported} records stored"
                        + (f", {len(r.problems)} problem(s)" if r.problems else ""))
            progress.progress((i + 1) / len(files), text=f"Imported {i + 1} of {len(files)} files")
        rejected = sum(r.status == "rejected" for r in results)
        status.update(label=f"Import finished: {len(results) - rejected} stored or unchanged, {rejected} rejected",
                      state="error" if rejected and rejected == len(results) else "complete", expanded=False)
    return results


def upload_limit_mb() -> int:
    """The uploader's per-file limit in MB: relmap's ``RELMAP_MAX_UPLOAD_BYTES``, so the browser
    refuses a bigger file before sending it (Streamlit's ``server.maxUploadSize`` caps it too)."""
    return max(1, math.ceil(config.MAX_UPLOAD_BYTES / 2**20))


def summary_frames(results: list[FileResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per file, one row per problem) for display."""
    summary = pd.DataFrame([{
        "file": r.path, "kind": r.kind, "status": r.status, "rows read": r.rows_read,
        "hidden rows": r.hidden_rows, "records stored": r.records_imported, "problems": len(r.problems),
    } for r in results])
    problems = pd.DataFrame([{"file": r.path, "line": p.line or None, "problem": p.message}
                             for r in results for p in r.problems], columns=["file", "line", "problem"])
    return summary, problems


def show_results(results: list[FileResult], skipped: list[SkippedFile] | None = None) -> None:
    """The import summary and problems as tables; then the archive members skipped, and why."""
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
    if skipped:
        others = sum(s.kind == "linkedin_other" for s in skipped)
        label = f"Skipped in the archive: {len(skipped)} file(s)" + (
            f", {others} of them LinkedIn export files relmap has no use for" if others else "")
        with st.expander(label, expanded=others < len(skipped)):
            st.dataframe(pd.DataFrame([s.as_dict() for s in skipped], columns=["path", "kind", "reason"]),
                         hide_index=True, width="stretch", key="upload-skipped")


def start_import(prefix: str, files: list[tuple[str, bytes]], owner: str | None, as_of: date | None) -> None:
    """Import the files relmap reads as they are; the others wait for a column mapping."""
    direct, pending = split_uploads(files)
    skipped: list[SkippedFile] = []
    st.session_state[f"{prefix}-results"] = import_uploads(direct, owner, as_of, skipped=skipped)
    st.session_state[f"{prefix}-skipped"] = skipped
    st.session_state[f"{prefix}-pending"] = pending
    if pending:
        st.info(f"{len(pending)} file(s) need their columns mapped before import: see below.")


def page() -> None:
    """The Upload page."""
    st.title("Upload exports")
    st.write("Drop one rep's LinkedIn `Connections.csv` (or the whole LinkedIn archive zip), CRM exports "
             "(accounts, contacts, opportunities) or a referrals list. Every upload is kept as a dated snapshot; "
             "uploading the same file twice changes nothing.")
    files = st.file_uploader("Files or a zip", accept_multiple_files=True, key="upload-files",
                             max_upload_size=upload_limit_mb())
    col1, col2 = st.columns(2)
    owner = col1.text_input("Rep name (whose LinkedIn export this is)", key="upload-owner").strip()
    as_of = col2.date_input("As-of date (export date)", value=None, key="upload-as-of",
                            help="Empty: the date found in the file or archive name, else today.")
    if st.button("Import", type="primary", key="upload-go", disabled=not files):
        start_import("upload", [(f.name, f.getvalue()) for f in files], owner, as_of)
    mapping_step("upload", import_uploads, owner, as_of)
    results = st.session_state.get("upload-results")
    if results:
        show_results(results, st.session_state.get("upload-skipped"))
