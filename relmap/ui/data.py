"""Data: uploads (with the CRM column-mapping step), import history with problems, a backup
download, delete a snapshot, review uncertain matches, split a wrongly merged person, forget a
person."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import quote

import pandas as pd
import streamlit as st

from relmap.backup import backup_bytes
from relmap.importer import add_referral
from relmap.ui.common import get_store, md_escape
from relmap.ui.mapping import mapping_step
from relmap.ui.upload import import_uploads, show_results, start_import, upload_limit_mb


def _history(store) -> pd.DataFrame:
    snaps = store.list_snapshots()
    if snaps.empty:
        return snaps
    problems = snaps["problems"].map(lambda p: len(json.loads(p or "[]")))
    return pd.DataFrame({
        "id": snaps["id"], "file": snaps["file_name"], "kind": snaps["kind"], "rep": snaps["rep_name"],
        "as_of": pd.to_datetime(snaps["as_of"]).dt.date, "imported_at": snaps["imported_at"],
        "rows read": snaps["rows_read"], "records": snaps["records_imported"], "problems": problems,
        "demo": snaps["is_demo"].astype(bool),
    })


def page() -> None:
    """The Data page."""
    st.title("Data")
    store = get_store()
    busy = bool(st.session_state.get("data-pending") or st.session_state.get("data-results"))
    with st.expander("Upload files", expanded=store.is_empty() or busy):
        files = st.file_uploader("Drag several files or a zip", accept_multiple_files=True, key="data-files",
                                 max_upload_size=upload_limit_mb())
        c1, c2 = st.columns(2)
        owner = c1.text_input("Rep name (for LinkedIn exports)", key="data-owner").strip()
        as_of = c2.date_input("As-of date", value=None, key="data-as-of")
        if st.button("Import", key="data-go", disabled=not files):
            start_import("data", [(f.name, f.getvalue()) for f in files], owner, as_of)
        mapping_step("data", import_uploads, owner, as_of)
        if st.session_state.get("data-results"):
            show_results(st.session_state["data-results"], st.session_state.get("data-skipped"))

    referral_form(store)

    st.subheader("Import history")
    history = _history(store)
    if history.empty:
        st.info("Nothing imported yet: upload a LinkedIn Connections.csv above or on the Upload page.")
        return
    st.dataframe(history, hide_index=True, width="stretch", key="data-history")
    snaps = store.list_snapshots()
    with_problems = snaps[snaps["problems"].map(lambda p: bool(json.loads(p or "[]")))]
    if len(with_problems):
        rows = [{"file": f, "line": p.get("line") or None, "problem": p.get("message")}
                for f, raw in zip(with_problems["file_name"], with_problems["problems"], strict=True)
                for p in json.loads(raw)]
        st.subheader("Problems in past imports")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="data-problems")

    backup_section(store)

    st.subheader("Delete a snapshot")
    labels = {int(r.id): f"#{r.id} {r.file} ({r.kind}, {r.rep or 'no rep'}, {r.as_of})" for r in history.itertuples()}
    chosen = st.selectbox("Snapshot", list(labels), format_func=labels.get, key="data-delete-pick")
    confirm = st.checkbox("I understand this removes everything this import brought", key="data-delete-ok")
    if st.button("Delete snapshot", key="data-delete", disabled=not confirm):
        with st.spinner(f"Deleting snapshot #{chosen} and everything it brought…"):
            deleted = store.delete_snapshot(int(chosen))
        if deleted:
            st.success(f"Deleted snapshot #{chosen}.")
            st.rerun()
        else:
            st.warning(f"Snapshot #{chosen} was already gone.")

    reviews_section(store)
    split_section(store)

    st.subheader("Forget a person")
    name = st.text_input("Email, LinkedIn profile URL or full name of the person to erase everywhere",
                         key="data-forget")
    if st.button("Forget", key="data-forget-go", disabled=not name.strip()):
        try:
            with st.spinner("Erasing that person from every table…"):
                removed = store.forget_person(name.strip())
            st.success(f"Erased that person: {removed} record(s) removed from every table.")
        except (LookupError, ValueError) as exc:  # nobody, several people, or a rep with stored exports
            st.error(md_escape(exc.args[0]))
        except Exception as exc:  # never a traceback on a page
            st.error(f"Could not forget that person ({exc.__class__.__name__}).")


def backup_section(store) -> None:
    """A download of the whole store as a relmap backup zip (``relmap.backup``), made on click."""
    st.subheader("Back up the store")
    st.caption("A zip of every table with a manifest of checksums (the same as "
               "`python -m relmap export --format archive --out FILE.zip`). It holds everyone's names and "
               "contact details: keep it as safe as the store. Restore it into an empty store with "
               "`python -m relmap import FILE.zip --db NEW_URL`, or upload it here when the store is empty.")
    st.download_button("Download a backup", data=lambda: backup_bytes(store),
                       file_name=f"relmap-backup-{date.today().isoformat()}.zip", mime="application/zip",
                       key="data-backup", on_click="ignore")


def referral_form(store) -> None:
    """A form to add one referral (``relmap.importer.add_referral``), stored as its own snapshot."""
    with st.expander("Add a referral", expanded=False):
        with st.form("data-referral", clear_on_submit=True):
            c1, c2 = st.columns(2)
            referrer = c1.text_input("Referrer (name, email or LinkedIn URL)", key="ref-referrer")
            referred = c2.text_input("Referred person (name, email or LinkedIn URL)", key="ref-referred")
            c3, c4 = st.columns(2)
            company = c3.text_input("Company of the referred person (optional)", key="ref-company")
            when = c4.date_input("Date", value=date.today(), key="ref-date")
            note = st.text_area("Note (optional)", key="ref-note", height=68)
            submitted = st.form_submit_button("Add referral")
        if submitted:
            try:
                result = add_referral(store, referrer, referred, company=company or None, referred_on=when,
                                      note=note or None)
            except Exception as exc:  # never a traceback on a page
                st.error(f"The referral could not be stored ({exc.__class__.__name__}); nothing was kept.")
                return
            st.session_state["data-referral-result"] = (result, company.strip())
        stored = st.session_state.get("data-referral-result")
        if not stored:
            return
        result, company = stored
        if result.status == "rejected":
            st.error(md_escape(" ".join(p.message for p in result.problems)))
        elif result.status == "unchanged":
            st.info("That referral was already recorded; nothing changed.")
        elif result.records_imported == 0:
            st.warning(md_escape(" ".join(p.message for p in result.problems)) or "The referral was not stored.")
        else:
            st.success("Referral added" + (f" — see it in [{md_escape(company)}'s timeline]"
                                            f"(account?account={quote(company)})." if company else "."))


def split_section(store) -> None:
    """Undo a wrong match: pick a person, then the snapshots whose records belong to someone
    else with the same name; those move to a new person kept apart from the first."""
    st.subheader("Split a person")
    query = st.text_input("Email, LinkedIn profile URL or full name of a person two people were merged into",
                          key="data-split-query").strip()
    if not query:
        st.caption("Use this when two different people were joined into one (same name, say).")
        return
    found = store.find_people(query)
    if not found:
        st.info("Nobody by that name, email or profile URL.")
        return
    labels = {int(p["id"]): f"#{p['id']} {p['full_name']}" + (f" ({p['profile_url']})" if p["profile_url"] else "")
              for p in found}
    person_id = st.selectbox("Person", list(labels), format_func=labels.get, key="data-split-person")
    records = store.person_records(int(person_id))
    if len(records) < 2:
        st.info("Everything about this person comes from one snapshot: there is nothing to split.")
        return
    st.dataframe(records.rename(columns={"snapshot_id": "snapshot", "file_name": "file", "rep_name": "rep"}),
                 hide_index=True, width="stretch", key="data-split-records")
    options = {int(r.snapshot_id): f"#{r.snapshot_id} {r.file_name} ({r.as_of}): {r.what}"
               for r in records.itertuples()}
    moved = st.multiselect("Snapshots whose records are someone else", list(options), format_func=options.get,
                           key="data-split-snapshots")
    if st.button("Split into two people", key="data-split-go", disabled=not moved or len(moved) == len(options)):
        try:
            new_id = store.split_person(int(person_id), moved)
        except Exception as exc:  # never a traceback on a page
            st.error(f"Could not split that person ({exc.__class__.__name__}).")
            return
        if new_id is None:
            st.warning("Nothing was split: choose some, but not all, of the snapshots.")
        else:
            st.success(f"Split: {len(moved)} snapshot(s) now describe a new person #{new_id}, kept apart "
                       f"from #{person_id}; later exports from each source go to their own person.")


def reviews_section(store) -> None:
    """Uncertain identity matches: merge the two records or keep them apart."""
    st.subheader("Review uncertain matches")
    reviews = store.reviews("open") if hasattr(store, "reviews") else pd.DataFrame()
    if reviews.empty:
        st.caption("No uncertain person or company matches to review.")
        return
    shown = reviews[["id", "entity", "left_name", "right_name", "confidence", "reason"]]
    st.dataframe(shown, hide_index=True, width="stretch", key="data-reviews")
    labels = {int(r.id): f"#{r.id} {r.entity}: {r.left_name} / {r.right_name} ({r.confidence:.0%})"
              for r in shown.itertuples()}
    chosen = st.selectbox("Match", list(labels), format_func=labels.get, key="data-review-pick")
    c1, c2 = st.columns(2)
    decision = None
    if c1.button("Same — merge them", key="data-review-merge"):
        decision = "merge"
    if c2.button("Different — keep apart", key="data-review-split"):
        decision = "keep_apart"
    if decision:
        try:
            store.resolve_review(int(chosen), decision)
            st.success("Merged." if decision == "merge" else "Kept apart: this pair will not be listed again.")
            st.rerun()
        except Exception as exc:  # never a traceback on a page
            st.error(f"Could not settle that match ({exc.__class__.__name__}).")
