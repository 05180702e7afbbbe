"""Import files into the store: parse, resolve identities, write one snapshot per file.

This is the one function behind the CLI's ``import`` and the dashboard's upload:

>>> from relmap.store import Store
>>> store = Store("sqlite://")
>>> [r.status for r in import_bytes(store, "Connections.csv", b"First Name,Last Name,Company,Position,Connected On\\nAda,Byron,ACME,CTO,01 Jan 2024\\n", owner="Sam")]
['imported']

Each parsed file is written in its own transaction (``Store.write``): stored whole
or not at all. Identical bytes are recognised by their sha256 and reported as
``unchanged``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection

from relmap import backup, config, identity
from relmap.ingest import check_size, check_upload, parse_bytes
from relmap.ingest.referrals import classify_party
from relmap.model import PARSED_COLUMNS, FileResult, ParsedFile, Problem, RejectedFile, SkippedFile
from relmap.store import Store

log = logging.getLogger(__name__)

#: Kinds that describe one rep's own network: they need an owner.
REP_KINDS = {
    "linkedin_connections", "linkedin_invitations", "linkedin_messages", "linkedin_positions",
    "linkedin_profile",
}


@dataclass
class WriteContext:
    """What a writer needs besides the parsed rows."""

    store: Store
    conn: Connection
    snapshot_id: int
    as_of: date
    rep_id: int | None
    problems: list[Problem] = field(default_factory=list)
    #: Where this snapshot comes from (``identity.source_lineage``): tells apart people a user kept apart.
    lineage: str | None = None


#: Import order inside one upload (a Salesforce Data Export zip): accounts, others, opportunities.
_CRM_ORDER = {"crm_accounts": 0, "crm_opportunities": 2}

Writer = Callable[[WriteContext, ParsedFile], int]
WRITERS: dict[str, Writer] = {}


def writer(kind: str) -> Callable[[Writer], Writer]:
    """Register the function that stores parsed rows of ``kind``; it returns records stored."""

    def register(fn: Writer) -> Writer:
        WRITERS[kind] = fn
        return fn

    return register


# --- entry points ----------------------------------------------------------------------


def import_paths(store: Store, paths: Iterable[str | Path], owner: str | None = None,
                 as_of: date | None = None, kind: str | None = None,
                 mapping: dict[str, str] | None = None, is_demo: bool = False,
                 skipped: list[SkippedFile] | None = None) -> list[FileResult]:
    """Import files from disk; returns one ``FileResult`` per file (or archive member); archive
    members neither imported nor rejected go to ``skipped`` (``import_bytes``)."""
    results: list[FileResult] = []
    for path in paths:
        path = Path(path)
        try:
            data = _read_within_limit(path)
        except OSError as exc:
            results.append(FileResult(path=str(path), kind=kind or "unknown", status="rejected",
                                      problems=[Problem(0, f"{path.name}: cannot be read ({exc.strerror}); "
                                                           "check the path and permissions.")]))
            continue
        except RejectedFile as exc:
            results.append(FileResult(path=str(path), kind=kind or "unknown", status="rejected",
                                      problems=[Problem(0, str(exc))]))
            continue
        results.extend(import_bytes(store, str(path), data, owner=owner, as_of=as_of, kind=kind,
                                    mapping=mapping, is_demo=is_demo, skipped=skipped))
    return results


def _read_within_limit(path: Path) -> bytes:
    """The file's bytes; its size is checked before one byte is read, and the read stops
    past the limit (a file growing meanwhile, or a device that never ends like /dev/zero)."""
    check_size(path.name, os.stat(path).st_size or 1)  # 0: empty, or a device; the read tells
    with open(path, "rb") as fh:
        data = fh.read(config.MAX_UPLOAD_BYTES + 1)
    check_size(path.name, len(data))
    return data


def import_bytes(store: Store, name: str, data: bytes, owner: str | None = None,
                 as_of: date | None = None, kind: str | None = None,
                 mapping: dict[str, str] | None = None, is_demo: bool = False,
                 skipped: list[SkippedFile] | None = None) -> list[FileResult]:
    """Import one uploaded file (or archive); returns one ``FileResult`` per stored file.
    The archive members neither imported nor rejected go to ``skipped``, each with its reason
    (``--json``: the ``skipped`` list beside ``files``).

    A relmap backup (``export --format archive``), recognised by its manifest, is restored
    whole into an empty store instead (``relmap.backup.restore_backup``). Limits come first
    (``ingest.check_upload``): nothing is decoded or unzipped over them."""
    try:
        check_upload(name, data)
    except RejectedFile as exc:
        return [FileResult(path=name, kind=kind or "unknown", status="rejected", problems=[Problem(0, str(exc))])]
    if backup.is_backup(data):
        if kind:
            return [FileResult(path=name, kind=backup.KIND, status="rejected", problems=[Problem(0, (
                f"{Path(name).name} is a relmap backup: it restores the whole store, so --kind ({kind}) cannot "
                "apply to it; drop --kind."))])]
        return [backup.restore_backup(store, name, data)]
    before = len(skipped) if skipped is not None else 0
    try:
        parsed_files = parse_bytes(name, data, kind=kind, mapping=mapping, owner=owner, skipped=skipped)
    except RejectedFile as exc:
        return [FileResult(path=name, kind=kind or "unknown", status="rejected",
                           problems=[Problem(0, str(exc))])]
    except Exception as exc:  # a reading bug must not become a traceback: the file is refused whole
        if skipped is not None:
            del skipped[before:]
        log.error("reading a file failed (%s); nothing stored. Traceback without values:\n%s",
                  exc.__class__.__name__, "".join(traceback.format_tb(exc.__traceback__)))
        return [FileResult(path=name, kind=kind or "unknown", status="rejected", problems=[Problem(0, (
            f"{Path(name).name}: could not be read ({exc.__class__.__name__}); nothing from it was kept. Check it "
            "is a LinkedIn, CRM or referral export; if it is, report it with the file's layout."))])]
    # CRM accounts first, opportunities last: contacts and deals join accounts by id.
    parsed_files = sorted(parsed_files, key=lambda p: _CRM_ORDER.get(p.kind, 1))
    # An archive's Profile.csv names its owner for every other member.
    hinted_owner = next((p.owner_hint for p in parsed_files if p.owner_hint), None)
    return [_import_parsed(store, p, owner or hinted_owner, as_of, is_demo) for p in parsed_files]


def _import_parsed(store: Store, parsed: ParsedFile, owner: str | None, as_of: date | None,
                   is_demo: bool) -> FileResult:
    result = FileResult(path=parsed.path, kind=parsed.kind, layout=parsed.layout, status="imported",
                        rows_read=parsed.rows_read, hidden_rows=parsed.hidden_rows,
                        problems=list(parsed.problems))
    if parsed.rejection:  # an archive member that could not be read: listed, nothing stored
        result.status = "rejected"
        return result
    if parsed.kind in REP_KINDS and not owner:
        result.status = "rejected"
        result.problems.insert(0, Problem(0, f"{Path(parsed.path).name}: a LinkedIn export belongs to one "
                                             "rep; say whose it is with --owner \"Rep Name\" (or the rep "
                                             "name field on the Upload page)."))
        return result
    snapshot_as_of = as_of or parsed.as_of_hint or date.today()
    try:
        with store.write() as conn:
            existing = store.snapshot_by_hash(conn, parsed.content_hash)
            if existing:
                result.status = "unchanged"
                result.snapshot_id = existing["id"]
                result.records_imported = 0
                return result
            rep_id = store.ensure_rep(conn, owner) if owner else None
            snapshot_id = store.create_snapshot(
                conn, file_name=Path(parsed.path).name[:500], content_hash=parsed.content_hash,
                kind=parsed.kind, layout=parsed.layout, rep_id=rep_id, as_of=snapshot_as_of,
                rows_read=parsed.rows_read, hidden_rows=parsed.hidden_rows, is_demo=is_demo)
            ctx = WriteContext(store=store, conn=conn, snapshot_id=snapshot_id, as_of=snapshot_as_of,
                               rep_id=rep_id, lineage=identity.source_lineage(parsed.kind, parsed.layout, rep_id))
            records = WRITERS[parsed.kind](ctx, parsed)
            _test_pause()
            result.problems.extend(ctx.problems)
            store.update_snapshot(conn, snapshot_id, records_imported=records,
                                  problems=[p.as_dict() for p in result.problems])
            result.records_imported = records
            result.snapshot_id = snapshot_id
    except Exception as exc:  # the transaction rolled back: nothing of this file is stored
        # Class name and code lines only: an exception's message may quote row values.
        log.error("import of a %s file failed (%s); nothing stored. Traceback without values:\n%s",
                  parsed.kind, exc.__class__.__name__, "".join(traceback.format_tb(exc.__traceback__)))
        result.status = "rejected"
        result.records_imported = 0
        result.snapshot_id = None
        result.problems.insert(0, Problem(0, f"{Path(parsed.path).name}: could not be stored "
                                             f"({exc.__class__.__name__}); nothing from it was kept. "
                                             "Try again; if it persists, report it with the file's layout."))
        return result
    log.info("imported %s: %d rows read, %d records", parsed.kind, parsed.rows_read, result.records_imported)
    return result


def _test_pause() -> None:
    """Test hook for crash and concurrency tests (tests/test_crash.py, tests/test_concurrency.py):
    with ``RELMAP_TEST_SLOW_IMPORT=<seconds>`` an import announces on stderr that it is inside
    its write transaction, rows written but not committed, and sleeps there, so a test can
    SIGKILL it at that exact point or overlap it with other processes. Unset: does nothing."""
    seconds = os.environ.get("RELMAP_TEST_SLOW_IMPORT")
    if seconds:
        print("relmap-test: inside the import transaction", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


# --- identity resolution against the store ---------------------------------------------


def resolve_companies(ctx: WriteContext, names: pd.Series, domains: pd.Series | None = None) -> pd.Series:
    """Company ids for a column of company names (NaN where the text names no employer).

    Known companies are matched by normalised name, known aliases, then domain (a name
    cell that is itself a domain, ``acme.org``, is matched against known domains too); the
    rest are created with the first spelling seen as their display name.
    """
    keys = _map_unique(names, identity.company_key)
    wanted = keys.dropna()
    known = ctx.store.company_ids(ctx.conn, wanted.unique().tolist())
    dom = domains.map(identity.normalise_domain) if domains is not None else pd.Series(None, index=names.index)
    missing_mask = keys.notna() & ~keys.isin(list(known))
    as_domain = _map_unique(names[missing_mask], _bare_domain) if missing_mask.any() else names.iloc[0:0]
    if as_domain.notna().any():
        by_domain = ctx.store.company_ids_by_domain(ctx.conn, as_domain.dropna().unique().tolist())
        for idx, d in as_domain.dropna().items():
            if (cid := by_domain.get(d)) is not None and keys[idx] not in known:
                known[keys[idx]] = cid
                ctx.store.add_company_alias(ctx.conn, keys[idx], cid)
        missing_mask = keys.notna() & ~keys.isin(list(known))
    if domains is not None and missing_mask.any():
        by_domain = ctx.store.company_ids_by_domain(ctx.conn, dom[missing_mask].dropna().unique().tolist())
        for idx in keys[missing_mask].index:
            cid = by_domain.get(dom.get(idx))
            if cid is not None:
                known[keys[idx]] = cid
                ctx.store.add_company_alias(ctx.conn, keys[idx], cid)
    new = (
        pd.DataFrame({"norm_key": keys, "name": _map_unique(names, identity.clean_text), "domain": dom})
        .loc[lambda f: f.norm_key.notna() & ~f.norm_key.isin(list(known))]
        .drop_duplicates("norm_key")
    )
    if len(new):
        rows = new.astype(object).where(new.notna(), None).to_dict("records")
        known.update(ctx.store.insert_companies(ctx.conn, rows))
    if domains is not None:
        fill = {known[k]: d for k, d in zip(keys, dom) if k in known and d}
        ctx.store.set_company_domains(ctx.conn, fill)
    return _lookup(keys, known)


def _bare_domain(text: object) -> str | None:
    """The domain a company cell holds when the cell is only a domain (``acme.org``), else None."""
    if not isinstance(text, str) or " " in text.strip() or "." not in text:
        return None
    return identity.normalise_domain(text)


def _lookup(series: pd.Series, ids: dict) -> pd.Series:
    """``series.map(ids)`` for a dict of ids (float, NaN where absent) without building an index
    of the dict first: cheaper on a whole file's column."""
    nan = float("nan")
    get = ids.get
    return pd.Series([get(v, nan) for v in series.tolist()], index=series.index, dtype="float64")


def _map_unique(series: pd.Series, fn: Callable) -> pd.Series:
    """``series.map(fn)`` computed once per distinct value (None/NaN stay None, and so do
    NaN results)."""
    values = series.to_numpy(dtype=object)
    done: dict = {}
    for value in pd.unique(values):
        if value.__class__ is not str and (value is None or pd.isna(value)):
            continue  # absent from ``done``: looked up as None
        result = fn(value)
        done[value] = None if isinstance(result, float) and result != result else result
    get = done.get
    return pd.Series([get(v) for v in values], index=series.index, dtype=object)


def _texts(series: pd.Series) -> list[str]:
    """A column as text, "" where missing (``astype(str)`` of the non-missing values)."""
    return [v if v.__class__ is str else "" if v is None or v != v else str(v)
            for v in series.to_numpy(dtype=object)]


def resolve_people(ctx: WriteContext, frame: pd.DataFrame, urls_normalised: bool = False,
                   known: pd.Series | None = None) -> pd.Series:
    """Person ids for rows with ``first_name, last_name, profile_url, email, company_id``.

    Matching order: normalised profile URL, then email, then (in a rep's Connections export)
    name + the day the rep connected, as the rep's other exports recorded it
    (``_same_connection``), then name + company (the same name at another company is
    another person; a different profile URL is always another person). When several known people match a row equally (people a user kept
    apart), ``_fuzzy_people`` decides by source lineage. Rows that match nobody become new
    people; rows within the file that share a key become one person. Vectorised: no per-row
    store calls.
    ``urls_normalised``: the profile URLs are already ``identity.normalise_profile_url`` output
    (a parsed file's), so they are not normalised again. ``known``: person ids the caller already
    knows for some rows (a CRM contact's record id), used after the profile URL.
    """
    f = pd.DataFrame(index=frame.index)
    f["url"] = (frame["profile_url"].astype(object).where(frame["profile_url"].notna(), None) if urls_normalised
                else identity.normalise_profile_urls(frame["profile_url"]))
    f["email"] = _map_unique(frame["email"], identity.normalise_email) if "email" in frame else None
    # Name keys computed once per distinct (first, last) pair (missing parts as "").
    pairs = list(zip(_texts(frame["first_name"]), _texts(frame["last_name"])))
    keys = {pair: (identity.name_key(*pair), identity.full_name(*pair)) for pair in set(pairs)}
    f["name_key"] = pd.Series([keys[pair][0] for pair in pairs], index=frame.index, dtype=object)
    f["full_name"] = pd.Series([keys[pair][1] for pair in pairs], index=frame.index, dtype=object)
    f["company_id"] = pd.to_numeric(frame["company_id"], errors="coerce") if "company_id" in frame else float("nan")

    by_url = ctx.store.people_by_url(ctx.conn, f["url"].dropna().unique().tolist())
    person = _lookup(f["url"], by_url)
    if known is not None:
        person = person.where(person.notna(), pd.to_numeric(known, errors="coerce"))
    need = person.isna() & f["email"].notna()
    if need.any():
        by_email = ctx.store.people_by_email(ctx.conn, f.loc[need, "email"].unique().tolist())
        person[need] = f.loc[need, "email"].map(by_email)
    if "connected_on" in frame and ctx.rep_id is not None:
        _same_connection(ctx, f, frame["connected_on"], person)
    need = person.isna() & f["name_key"].notna() & f["company_id"].notna()
    if need.any():
        cands = ctx.store.people_by_name(ctx.conn, f.loc[need, "name_key"].unique().tolist())
        cands = cands.dropna(subset=["company_id"]).drop_duplicates(["name_key", "company_id", "person_id"])
        if len(cands):
            cands = cands.assign(company_id=cands["company_id"].astype("int64"))
            rows = f.loc[need, ["name_key", "company_id", "url"]].assign(
                company_id=lambda x: x["company_id"].astype("int64"), row=lambda x: x.index)
            hit = rows.merge(cands[["name_key", "company_id", "person_id", "profile_url"]],
                             on=["name_key", "company_id"], how="inner")
            # Someone with a different profile URL is a different person, whatever the name.
            clash = hit["url"].notna() & hit["profile_url"].notna() & (hit["url"] != hit["profile_url"])
            hit = hit[~clash]
            # A row several people match (same name, same company: people a user kept apart, or
            # distinguished by profile URLs) is left to _fuzzy_people, which weighs them together.
            hit = hit[~hit["row"].duplicated(keep=False)]
            person[hit["row"].to_numpy()] = hit["person_id"].to_numpy()

    # Near-matches at the same company: merged when sure, otherwise listed for review.
    f["person_id"] = person
    reviews = _fuzzy_people(ctx, f, frame)
    person = f["person_id"].copy()
    from_store = person.notna()

    # New people: group rows of this file that share a key.
    new = f[person.isna() & f["full_name"].notna()]
    if len(new):
        # The key a new row shares with others of this file: URL, else email, else name at the
        # company, else none (its own row).
        group = [
            url if isinstance(url, str) else email if isinstance(email, str)
            else f"{key}@{int(cid)}" if isinstance(key, str) and cid == cid else f"row:{idx}"
            for idx, url, email, key, cid in zip(new.index, new["url"], new["email"], new["name_key"],
                                                 new["company_id"])
        ]
        seen: dict[str, int] = {}
        for i, g in enumerate(group):
            seen.setdefault(g, i)
        firsts = list(seen.values())  # each group's first row, in file order
        rows = new.iloc[firsts]
        source = frame.loc[rows.index]
        columns = {
            "full_name": rows["full_name"].tolist(),
            "first_name": _map_unique(source["first_name"], identity.clean_text).tolist(),
            "last_name": _map_unique(source["last_name"], identity.clean_text).tolist(),
            "name_key": rows["name_key"].tolist(),
            "profile_url": [u if isinstance(u, str) else None for u in rows["url"]],
            "email": [e if isinstance(e, str) else None for e in rows["email"]],
        }
        ids = ctx.store.insert_people(ctx.conn, columns)
        group_ids = dict(zip((group[i] for i in firsts), ids))
        person[new.index] = [group_ids[g] for g in group]

    f["person_id"] = person
    seen_pairs: set[tuple[int, int]] = set()
    for idx, found in reviews.items():
        pid = f.at[idx, "person_id"]
        for other_id, match in found:
            if not pd.isna(pid) and int(pid) != other_id and (other_id, int(pid)) not in seen_pairs:
                seen_pairs.add((other_id, int(pid)))
                ctx.store.add_review(ctx.conn, "person", other_id, int(pid), match.confidence, match.reason,
                                     ctx.snapshot_id)

    # Teach the store the keys it learnt for people it already knew.
    known = f[from_store].assign(pid=person[from_store].astype("int64"))
    ctx.store.fill_people(
        ctx.conn,
        urls={int(p): u for p, u in zip(known.pid, known.url) if isinstance(u, str)},
        emails={int(p): e for p, e in zip(known.pid, known.email) if isinstance(e, str)},
    )
    _better_names(ctx, known, frame)
    matched = f.assign(pid=person)[person.notna() & f["email"].notna()]
    ctx.store.add_emails(ctx.conn, {e: int(p) for p, e in zip(matched.pid, matched.email) if isinstance(e, str)})
    return person


def _better_names(ctx: WriteContext, known: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Known people stored under a stand-in take the name a row gives them: a referral that named
    them by email or profile URL only (``kim.ng@gmail.com``, then ``Kim Ng`` on LinkedIn), or a
    spelling without accents (``Zoe Muller`` from a CRM, then ``Zoë Müller``: the same letters)."""
    named = known[[isinstance(n, str) and identity.normalise_email(n) is None
                   and identity.normalise_profile_url(n) is None for n in known["full_name"]]]
    if named.empty:
        return
    stored = ctx.store.people_names(ctx.conn, named["pid"].tolist())
    names = {}
    for idx, pid, full in zip(named.index, named["pid"], named["full_name"]):
        old = stored.get(int(pid))
        stand_in = old is not None and (identity.normalise_email(old) is not None
                                        or identity.normalise_profile_url(old) is not None)
        unaccented = old is not None and old != full and old.isascii() and not full.isascii() \
            and identity.fold(old) == identity.fold(full)
        if stand_in or unaccented:
            first, last = identity.clean_text(frame.at[idx, "first_name"]), identity.clean_text(frame.at[idx, "last_name"])
            names[int(pid)] = (full, first, last, identity.name_key(first, last) or identity.name_key(full))
    ctx.store.rename_people(ctx.conn, names)


def _iso_day(value: object) -> str | None:
    """A date (or datetime, or ISO text) as ``YYYY-MM-DD``; None when missing."""
    if value is None or value != value:
        return None
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]


def _same_connection(ctx: WriteContext, f: pd.DataFrame, connected_on: pd.Series, person: pd.Series) -> None:
    """Rows of a rep's Connections export that are a connection the rep's other exports already hold:
    the same name connected on the same day is the same person, whatever the company says now
    (a 2020-2023 export without URLs, then a 2023+ export showing the person at a new employer).

    Fills ``person`` in place for rows still unmatched. Only a single known person with that
    name and day counts, never one whose profile URL differs from the row's, and never when
    two rows of this file share the name and day.
    """
    # A rep's first export (the common case, and the import benchmark) has nothing to match:
    # one cheap query instead of a name lookup and a date per row.
    if not ctx.store.rep_has_connections(ctx.conn, ctx.rep_id):
        return
    open_rows = person.isna() & f["name_key"].notna() & connected_on.notna()
    known = ctx.store.rep_connections_by_name(ctx.conn, ctx.rep_id, f.loc[open_rows, "name_key"].unique().tolist())
    if known.empty:
        return
    open_rows &= f["name_key"].isin(known["name_key"])
    rows = pd.DataFrame({"name_key": f.loc[open_rows, "name_key"], "url": f.loc[open_rows, "url"],
                         "day": [_iso_day(v) for v in connected_on[open_rows].to_numpy(dtype=object)]})
    rows = rows[rows["day"].notna()]
    rows = rows[~rows.duplicated(["name_key", "day"], keep=False)]
    if rows.empty:
        return
    known = known.assign(day=[_iso_day(v) for v in known["connected_on"]]).drop_duplicates(
        ["name_key", "day", "person_id"])
    known = known[~known.duplicated(["name_key", "day"], keep=False)]  # two people: not ours to choose
    hit = rows.assign(row=rows.index).merge(known[["name_key", "day", "person_id", "profile_url"]],
                                            on=["name_key", "day"], how="inner")
    clash = hit["url"].notna() & hit["profile_url"].notna() & (hit["url"] != hit["profile_url"])
    hit = hit[~clash]
    person[hit["row"].to_numpy()] = hit["person_id"].to_numpy()
    _merge_namesakes_here(ctx, f, hit, person)


def _merge_namesakes_here(ctx: WriteContext, f: pd.DataFrame, hit: pd.DataFrame, person: pd.Series) -> None:
    """Rows ``_same_connection`` gave a person (``hit``: row, person_id, profile_url) whose name is also
    that of another known person at the row's company (a CRM contact stored before the rep's
    export that links the two): by name and company that other person is this row too, so both
    are one person and are merged, unless a user kept them apart, their profile URLs differ, or
    another row of this file is that other person."""
    if hit.empty:
        return
    rows = hit.assign(name_key=f.loc[hit["row"], "name_key"].to_numpy(),
                      company_id=f.loc[hit["row"], "company_id"].to_numpy())
    rows = rows[rows["company_id"].notna()]
    if rows.empty:
        return
    cands = ctx.store.people_by_name(ctx.conn, rows["name_key"].unique().tolist()).dropna(subset=["company_id"])
    cands = cands.assign(company_id=cands["company_id"].astype("int64"))
    rows = rows.assign(company_id=rows["company_id"].astype("int64"))
    pairs = rows.merge(cands[["name_key", "company_id", "person_id", "profile_url"]], on=["name_key", "company_id"],
                       suffixes=("", "_other"))
    pairs = pairs[pairs["person_id_other"] != pairs["person_id"]]
    urls = pairs["url"].where(pairs["url"].notna(), pairs["profile_url"])
    clash = urls.notna() & pairs["profile_url_other"].notna() & (urls != pairs["profile_url_other"])
    pairs = pairs[~clash].drop_duplicates(["person_id", "person_id_other"])
    pairs = pairs[~pairs["person_id_other"].isin(person.dropna())]  # another row of this file is them
    pairs = pairs[~pairs["person_id"].duplicated(keep=False) & ~pairs["person_id_other"].duplicated(keep=False)]
    if pairs.empty:
        return
    ids = {int(p) for p in pairs["person_id"]} | {int(p) for p in pairs["person_id_other"]}
    apart = ctx.store.kept_apart_pairs(ctx.conn, ids)
    for keep, drop in zip(pairs["person_id"].astype(int), pairs["person_id_other"].astype(int)):
        if frozenset((keep, drop)) not in apart:
            ctx.store.merge_people_in(ctx.conn, keep, drop)


def _fuzzy_people(ctx: WriteContext, f: pd.DataFrame, frame: pd.DataFrame) -> dict:
    """Match still-unknown rows to people seen at the same company by a fuzzy name comparison.

    Sure matches (``identity.MERGE_THRESHOLD``) get that person's id in ``f``; weaker ones
    (down to ``identity.REVIEW_FLOOR``) are returned as ``{row index: [(person_id, NameMatch)]}``
    for review once the row's own person exists. A different profile URL is never a match.
    A row sure of several people goes to the one this snapshot's source has seen
    (``_same_source``); failing that, when some of them were kept apart by a user, to none:
    it becomes a new person listed for review against each (never merged into one of them).
    Candidates are prefiltered per company with rapidfuzz's C matrix (similar surname or
    similar whole name), so only a few pairs get the careful comparison.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    need = f["person_id"].isna() & f["name_key"].notna() & f["company_id"].notna()
    if not need.any():
        return {}
    known = ctx.store.people_at_companies(ctx.conn, f.loc[need, "company_id"].dropna().unique().tolist())
    if known.empty:
        return {}
    known = known.assign(name_key=[identity.name_key(a, b) or "" for a, b in zip(known.first_name, known.last_name)],
                         surname=[_surname(a, b) for a, b in zip(known.first_name, known.last_name)])
    rows = f.loc[need, ["name_key", "url", "company_id"]].assign(
        first=frame.loc[need, "first_name"], last=frame.loc[need, "last_name"])
    rows["surname"] = [_surname(a, b) for a, b in zip(rows["first"], rows["last"])]
    sure: dict = {}  # row index -> {person id: NameMatch}
    reviews = {}
    row_groups = dict(list(rows.groupby("company_id")))
    for cid, cands in known.groupby("company_id"):
        mine = row_groups.get(cid)
        if mine is None:
            continue
        r_url = np.array([u if isinstance(u, str) else "" for u in mine.url], dtype=object)
        c_url = np.array([u if isinstance(u, str) else "" for u in cands.profile_url], dtype=object)
        # Two different profile URLs are two people: those pairs are never compared.
        conflict = (r_url[:, None] != "") & (c_url[None, :] != "") & (r_url[:, None] != c_url[None, :])
        if conflict.all():
            continue
        whole = process.cdist(mine.name_key.tolist(), cands.name_key.tolist(), scorer=fuzz.token_sort_ratio,
                              score_cutoff=70)
        last = process.cdist(mine.surname.tolist(), cands.surname.tolist(), scorer=fuzz.ratio, score_cutoff=80)
        pairs = np.nonzero(((whole > 0) | (last > 0)) & ~conflict)
        if not len(pairs[0]):
            continue
        r_idx, r_first, r_last = mine.index.tolist(), mine["first"].tolist(), mine["last"].tolist()
        c_pid, c_first, c_last = cands.person_id.astype(int).tolist(), cands.first_name.tolist(), \
            cands.last_name.tolist()
        for r, c in zip(*pairs):
            idx = r_idx[r]
            match = identity.person_match((r_first[r], r_last[r]), (c_first[c], c_last[c]))
            if match.confidence >= identity.MERGE_THRESHOLD:
                mine_sure = sure.setdefault(idx, {})
                if c_pid[c] not in mine_sure or mine_sure[c_pid[c]].confidence < match.confidence:
                    mine_sure[c_pid[c]] = match
                reviews.pop(idx, None)
            elif match.confidence >= identity.REVIEW_FLOOR and idx not in sure:
                if idx not in reviews or reviews[idx][0][1].confidence < match.confidence:
                    reviews[idx] = [(c_pid[c], match)]
    several = {idx: sorted(found) for idx, found in sure.items() if len(found) > 1}
    picked = _same_source(ctx, several)
    apart = ctx.store.kept_apart_pairs(ctx.conn, {p for ids in several.values() for p in ids}) if several else set()
    for idx, found in sure.items():
        if len(found) == 1 or idx in picked:
            f.at[idx, "person_id"] = picked.get(idx, next(iter(found)))
        elif any(frozenset((a, b)) in apart for a, b in combinations(found, 2)):
            reason = ("; a user kept these people apart and this file's source has not seen either, "
                      "so it is listed here instead of merged")
            reviews[idx] = [(pid, identity.NameMatch(m.confidence, m.reason + reason)) for pid, m in found.items()]
        else:  # the surest match; the newest person on a tie
            f.at[idx, "person_id"] = max(found, key=lambda pid: (found[pid].confidence, pid))
    return reviews


def _same_source(ctx: WriteContext, choices: dict) -> dict:
    """For keys (rows, names) several known people match equally well, ``{key: [person ids]}``:
    the person this snapshot's source has seen, ``{key: person id}``, where that decides.

    A person comes from this snapshot's source when an earlier snapshot of the same lineage
    (``identity.source_lineage``: the same rep's LinkedIn exports, the same CRM, the referral
    list) holds records about them; when several do, the one seen in the latest such snapshot
    wins. Keys where no candidate, or a tie, comes from the source are left out.
    """
    if not choices or ctx.lineage is None:
        return {}
    seen = ctx.store.person_sightings(ctx.conn, {p for ids in choices.values() for p in ids})
    seen = seen[seen["snapshot_id"] != ctx.snapshot_id]
    if seen.empty:
        return {}
    lineage = [identity.source_lineage(k, lay, rep) for k, lay, rep in zip(seen["kind"], seen["layout"], seen["rep_id"])]
    mine = seen[[line == ctx.lineage for line in lineage]].sort_values(["as_of", "snapshot_id"])
    latest = {int(p): (a, int(s)) for p, a, s in zip(mine["person_id"], mine["as_of"], mine["snapshot_id"])}
    out = {}
    for key, ids in choices.items():
        ranked = sorted((latest[p], p) for p in set(ids) if p in latest)
        if ranked and (len(ranked) == 1 or ranked[-1][0] != ranked[-2][0]):
            out[key] = ranked[-1][1]
    return out


def _surname(first: object, last: object) -> str:
    """The last word of a name, lowercase (the prefilter's surname)."""
    text = last if isinstance(last, str) and last else first if isinstance(first, str) else ""
    words = text.lower().split()
    return words[-1] if words else ""


def _text(value: object) -> str | None:
    """``value`` when it is a string, else None (pandas gives NaN for missing text)."""
    return value if isinstance(value, str) else None


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None instead of NaN/NaT and plain Python numbers."""
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


# --- LinkedIn connections ------------------------------------------------------------------


@writer("linkedin_connections")
def write_connections(ctx: WriteContext, parsed: ParsedFile) -> int:
    """People the rep is connected to, their employer and title on the export date."""
    frame = parsed.frame
    if frame.empty:
        return 0
    frame = frame.copy()
    frame["company_id"] = resolve_companies(ctx, frame["company"])
    frame["person_id"] = resolve_people(ctx, frame, urls_normalised=True)
    frame = frame[frame["person_id"].notna()]
    # A person listed twice in one export is one relationship.
    frame = frame.drop_duplicates("person_id")
    person_ids = frame["person_id"].astype(int).tolist()
    # Plain Python columns (constants once): the store's cheapest bulk insert.
    ctx.store.insert_rows(ctx.conn, "employments", {
        "person_id": person_ids,
        "company_id": [None if c is None or c != c else int(c) for c in frame["company_id"].tolist()],
        "company_text": _map_unique(frame["company"], identity.clean_text).tolist(),
        "title": _map_unique(frame["position"], identity.clean_text).tolist(),
        "snapshot_id": ctx.snapshot_id,
        "observed_on": ctx.as_of,
        "source": "linkedin",
    })
    return ctx.store.insert_rows(ctx.conn, "relationships", {
        "rep_id": ctx.rep_id,
        "person_id": person_ids,
        "snapshot_id": ctx.snapshot_id,
        "source": "linkedin",
        "connected_on": [None if d is None or d != d else d for d in frame["connected_on"].tolist()],
        "message_count": 0,
    })


# --- other LinkedIn archive kinds (invitations, messages, positions, profile) -----------------


def _rep_person_id(ctx: WriteContext, profile: pd.DataFrame | None = None) -> int:
    """The person who is the rep; matched or created from ``profile`` (or the rep's name)."""
    name, person_id = ctx.store.rep_person(ctx.conn, ctx.rep_id)
    if profile is None:
        first, last = name, None
        url = None
    else:
        first, last, url = profile["first_name"].iloc[0], profile["last_name"].iloc[0], profile["profile_url"].iloc[0]
    if person_id is None:
        frame = pd.DataFrame({"first_name": [first], "last_name": [last], "profile_url": [url], "email": [None],
                              "company_id": [float("nan")]})
        person_id = int(resolve_people(ctx, frame).iloc[0])
        ctx.store.set_rep_person(ctx.conn, ctx.rep_id, person_id)
    elif url:
        ctx.store.fill_people(ctx.conn, urls={person_id: url}, emails={})
    return int(person_id)


def _match_counterparts(ctx: WriteContext, names: pd.Series, urls: pd.Series) -> pd.Series:
    """Person ids for message/invitation counterparts: by profile URL, else by a name that
    exactly one known person has (of several, the one this rep's exports have seen, see
    ``_same_source``); anyone else becomes a new person."""
    frame = pd.DataFrame({"first_name": names, "last_name": None, "profile_url": urls, "email": None},
                         index=names.index)
    frame["company_id"] = float("nan")
    by_url = ctx.store.people_by_url(ctx.conn, urls.dropna().unique().tolist())
    ids = urls.map(by_url)
    keys = names.map(identity.name_key)
    need = ids.isna() & keys.notna()
    if need.any():
        candidates = ctx.store.people_by_name(ctx.conn, keys[need].unique().tolist())
        named = candidates.drop_duplicates(["name_key", "person_id"])
        shared = named.duplicated("name_key", keep=False)
        unique = named[~shared]
        by_name = dict(zip(unique.name_key, unique.person_id))
        by_name.update(_same_source(ctx, {k: [int(p) for p in g] for k, g in
                                          named[shared].groupby("name_key")["person_id"]}))
        ids[need] = keys[need].map(by_name)
    rest = ids.isna()
    if rest.any():
        ids[rest] = resolve_people(ctx, frame[rest])
    return ids


def _touch_relationships(ctx: WriteContext, frame: pd.DataFrame, source: str) -> int:
    """One relationships row per counterpart (``person_id, last_touch, message_count``)."""
    frame = frame[frame["person_id"].notna()].copy()
    if frame.empty:
        return 0
    frame["person_id"] = frame["person_id"].astype(int)
    frame["last_touch"] = pd.to_datetime(frame["last_touch"])
    agg = frame.groupby("person_id", as_index=False).agg(last_touch=("last_touch", "max"),
                                                         message_count=("message_count", "sum"))
    rel = pd.DataFrame({
        "rep_id": ctx.rep_id, "person_id": agg["person_id"], "snapshot_id": ctx.snapshot_id, "source": source,
        "connected_on": None,
        "last_touch": agg["last_touch"].map(lambda t: None if pd.isna(t) else t.date()),
        "message_count": agg["message_count"].astype(int),
    })
    return ctx.store.insert_rows(ctx.conn, "relationships", _records(rel))


@writer("linkedin_messages")
def write_messages(ctx: WriteContext, parsed: ParsedFile) -> int:
    """Last touch and message count per counterpart (bodies and subjects were never read)."""
    frame = parsed.frame.copy()
    if frame.empty:
        return 0
    frame["person_id"] = _match_counterparts(ctx, frame["counterpart_name"], frame["counterpart_profile_url"])
    return _touch_relationships(ctx, frame, "message")


@writer("linkedin_invitations")
def write_invitations(ctx: WriteContext, parsed: ParsedFile) -> int:
    """Invitations sent or received: the latest one per counterpart as a touch."""
    frame = parsed.frame.copy()
    if frame.empty:
        return 0
    frame["person_id"] = _match_counterparts(ctx, frame["counterpart_name"], frame["counterpart_profile_url"])
    frame["last_touch"] = frame["sent_on"]
    frame["message_count"] = 0
    return _touch_relationships(ctx, frame, "invitation")


@writer("linkedin_positions")
def write_positions(ctx: WriteContext, parsed: ParsedFile) -> int:
    """The rep's own past and current employers (warm paths), as employments of the rep's person."""
    frame = parsed.frame.copy()
    if frame.empty:
        return 0
    person_id = _rep_person_id(ctx)
    frame["company_id"] = resolve_companies(ctx, frame["company"])
    employment = pd.DataFrame({
        "person_id": person_id,
        "company_id": frame["company_id"].map(lambda c: None if pd.isna(c) else int(c)),
        "company_text": frame["company"], "title": frame["title"],
        "snapshot_id": ctx.snapshot_id, "observed_on": ctx.as_of, "source": "positions",
        "started_on": frame["started_on"], "ended_on": frame["finished_on"],
    })
    return ctx.store.insert_rows(ctx.conn, "employments", _records(employment))


@writer("linkedin_profile")
def write_profile(ctx: WriteContext, parsed: ParsedFile) -> int:
    """Link the rep to their own person (name, profile URL)."""
    if parsed.frame.empty:
        return 0
    _rep_person_id(ctx, parsed.frame)
    return 1



# --- CRM exports and referrals ---------------------------------------------------------------


def _company_ids(values: pd.Series) -> pd.Series:
    """Company ids as plain ints or None (pandas gives floats with NaN)."""
    return values.map(lambda c: None if pd.isna(c) else int(c))


def _single_accounts(ctx: WriteContext, frame: pd.DataFrame) -> pd.Series:
    """Account names with a cell of several companies joined by ``;`` (HubSpot's multi-associations)
    reduced to the first, when the parser could not tell (no ids: ``crm.first_association``).

    A cell is split only when it is not itself a company relmap knows and either every part is
    one (by name, alias or domain, from this upload's accounts or earlier imports) or HubSpot's
    bare ``;`` joins the parts; ``Smith; Jones & Co`` stays one company.
    """
    names = frame["account_name"]
    several = [isinstance(t, str) and ";" in t and pd.isna(i) for t, i in zip(names, frame["account_external_id"])]
    if not any(several):
        return names
    cells = names[several].unique().tolist()
    parts = {c: [p.strip() for p in c.split(";") if p.strip()] for c in cells}
    texts = {t for c in cells for t in (c, *parts[c])}
    keys = {t: identity.company_key(t) for t in texts}
    known = set(ctx.store.company_ids(ctx.conn, [k for k in keys.values() if k]))
    domains = {t: identity.normalise_domain(t) for t in texts if " " not in t and "." in t}
    known_domains = set(ctx.store.company_ids_by_domain(ctx.conn, [d for d in domains.values() if d]))

    def is_known(text: str) -> bool:
        return keys[text] in known or domains.get(text) in known_domains

    def first(cell: str) -> str:
        if is_known(cell) or len(parts[cell]) < 2:
            return cell
        hubspot_join = not re.search(r"\s;|;\s", cell)
        return parts[cell][0] if hubspot_join or all(map(is_known, parts[cell])) else cell

    out = names.copy()
    out[several] = names[several].map({c: first(c) for c in cells})
    return out


def _account_companies(ctx: WriteContext, frame: pd.DataFrame) -> pd.Series:
    """Company ids of rows' accounts: by the CRM account id when imported before, else by name."""
    out = pd.Series(float("nan"), index=frame.index, dtype=object)
    ext = frame["account_external_id"]
    if ext.notna().any():
        out = ext.map(ctx.store.crm_account_companies(ctx.conn, ext.dropna().unique().tolist()))
    # A company cell may be a domain ("acme.org"): match it against known domains first.
    as_domain = frame["account_name"].map(lambda t: identity.normalise_domain(t) if isinstance(t, str)
                                          and " " not in t.strip() and "." in t else None)
    missing = out.isna() & as_domain.notna()
    if missing.any():
        by_domain = ctx.store.company_ids_by_domain(ctx.conn, as_domain[missing].unique().tolist())
        out[missing] = as_domain[missing].map(by_domain)
    missing = out.isna() & frame["account_name"].notna()
    if missing.any():
        out[missing] = resolve_companies(ctx, frame.loc[missing, "account_name"])
    return out


@writer("crm_accounts")
def write_crm_accounts(ctx: WriteContext, parsed: ParsedFile) -> int:
    """CRM accounts, each tied to a company (matched by name, alias or domain; the CRM domain fills
    ``companies.domain``); then the primary contacts the rows name (Close's lead export), as CRM
    contacts of those accounts. Returns accounts plus contacts stored."""
    frame = parsed.frame
    if frame.empty:
        return 0
    stored = _write_accounts(ctx, frame)
    if parsed.contacts is not None and len(parsed.contacts):
        stored += _write_contacts(ctx, parsed.contacts)
    return stored


def _write_accounts(ctx: WriteContext, frame: pd.DataFrame) -> int:
    """Store a ``PARSED_COLUMNS["crm_accounts"]`` frame; returns the rows stored."""
    company_id = resolve_companies(ctx, frame["name"], frame["domain"])
    rows = pd.DataFrame({
        "snapshot_id": ctx.snapshot_id, "external_id": frame["external_id"], "company_id": _company_ids(company_id),
        "name": frame["name"], "domain": frame["domain"], "status": frame["status"], "owner": frame["owner"],
        "arr": frame["arr"], "renewal_date": frame["renewal_date"], "last_activity": frame["last_activity"],
    })
    return ctx.store.insert_rows(ctx.conn, "crm_accounts", _records(rows))


@writer("crm_contacts")
def write_crm_contacts(ctx: WriteContext, parsed: ParsedFile) -> int:
    """CRM contacts as people, plus an employment (source ``crm``) at the company their work email
    points to (else their account), so a contact whose email domain changed shows as a move."""
    if parsed.frame.empty:
        return 0
    return _write_contacts(ctx, parsed.frame)


def _write_contacts(ctx: WriteContext, frame: pd.DataFrame) -> int:
    """Store a ``PARSED_COLUMNS["crm_contacts"]`` frame (see ``write_crm_contacts``)."""
    frame = frame.copy()
    frame["account_name"] = _single_accounts(ctx, frame)
    account_company = _account_companies(ctx, frame)
    domains = frame["email"].map(identity.employer_domain)
    by_domain = ctx.store.company_ids_by_domain(ctx.conn, domains.dropna().unique().tolist())
    email_company = domains.map(by_domain)
    people = pd.DataFrame({
        # A contact known only by an email address is named by it.
        "first_name": frame["first_name"].where(frame["first_name"].notna() | frame["last_name"].notna(),
                                                frame["email"]),
        "last_name": frame["last_name"], "email": frame["email"], "profile_url": None,
        "company_id": account_company.where(account_company.notna(), email_company),
    }, index=frame.index)
    frame["person_id"] = resolve_people(ctx, people, known=_people_by_record_id(ctx, frame, people))
    frame = frame[frame["person_id"].notna()]
    frame["person_id"] = frame["person_id"].astype(int)
    works_at = email_company.where(email_company.notna(), account_company)[frame.index]
    text = frame["account_name"].where(works_at.eq(account_company[frame.index]) | email_company[frame.index].isna(),
                                       domains[frame.index])
    employment = pd.DataFrame({
        "person_id": frame["person_id"], "company_id": _company_ids(works_at), "company_text": text,
        "title": frame["title"], "snapshot_id": ctx.snapshot_id, "observed_on": ctx.as_of, "source": "crm",
    })
    ctx.store.insert_rows(ctx.conn, "employments", _records(employment))
    rows = pd.DataFrame({
        "snapshot_id": ctx.snapshot_id, "external_id": frame["external_id"], "person_id": frame["person_id"],
        "company_id": _company_ids(account_company[frame.index]), "email": frame["email"], "title": frame["title"],
        "role": frame["role"], "owner": frame["owner"], "last_activity": frame["last_activity"],
    })
    return ctx.store.insert_rows(ctx.conn, "crm_contacts", _records(rows))


def _people_by_record_id(ctx: WriteContext, frame: pd.DataFrame, people: pd.DataFrame) -> pd.Series:
    """Person ids of contacts this CRM exported before under the same record id and name: the
    same contact, whatever their account and email say now (a HubSpot contact moved from Umbra to
    Kestrel keeps its Record ID). NaN elsewhere; an id several people had decides nothing."""
    out = pd.Series(float("nan"), index=frame.index)
    ids = frame["external_id"].where(frame["external_id"].notna(), None).dropna()
    if ids.empty or ctx.lineage is None:
        return out
    seen = ctx.store.crm_contact_people(ctx.conn, ids.unique().tolist())
    if seen.empty:
        return out
    mine = [identity.source_lineage(k, lay) == ctx.lineage for k, lay in zip(seen["kind"], seen["layout"])]
    seen = seen[mine].drop_duplicates(["external_id", "person_id"])
    seen = seen[~seen["external_id"].duplicated(keep=False)].set_index("external_id")
    keys = pd.Series([identity.name_key(a, b) for a, b in zip(people["first_name"], people["last_name"])],
                     index=people.index)
    for idx, ext in ids.items():
        if ext in seen.index and seen.at[ext, "name_key"] == keys[idx]:
            out[idx] = seen.at[ext, "person_id"]
    return out


def _find_contact(ctx: WriteContext, text: str, company_id: object) -> int | None:
    """A person named in an opportunity's contact roles: by email, else by name at the company,
    else by a name only one person has (of several, the one this CRM has seen)."""
    if email := identity.normalise_email(text):
        return ctx.store.people_by_email(ctx.conn, [email]).get(email)
    key = identity.name_key(text)
    if key is None:
        return None
    candidates = ctx.store.people_by_name(ctx.conn, [key])
    if candidates.empty:
        return None
    if not pd.isna(company_id):
        here = [int(p) for p in candidates.loc[candidates.company_id == company_id, "person_id"].unique()]
        if here:
            return here[0] if len(here) == 1 else _same_source(ctx, {0: here}).get(0, min(here))
    ids = [int(p) for p in candidates.person_id.unique()]
    return ids[0] if len(ids) == 1 else _same_source(ctx, {0: ids}).get(0)


@writer("crm_opportunities")
def write_crm_opportunities(ctx: WriteContext, parsed: ParsedFile) -> int:
    """CRM opportunities tied to their account's company; contact roles stored as
    ``[{"person_id", "role"}]`` for the contacts relmap knows. The contacts a report names per
    row (an "Opportunities with Contact Roles" report) are stored first, as CRM contacts."""
    frame = parsed.frame
    if frame.empty:
        return 0
    contacts_stored = 0
    if parsed.contacts is not None and len(parsed.contacts):
        contacts_stored = _write_contacts(ctx, parsed.contacts)
    frame = frame.assign(account_name=_single_accounts(ctx, frame))
    company_id = _account_companies(ctx, frame)
    roles = []
    for line, cid, entries in zip(frame["line"], company_id, frame["contact_roles"]):
        found = []
        for entry in entries or []:
            pid = _find_contact(ctx, entry["contact"], cid)
            if pid is None:
                ctx.problems.append(Problem(int(line), "a contact in the contact roles matches nobody relmap knows; "
                                                       "import the CRM contacts first to link it"))
            else:
                found.append({"person_id": pid, "role": entry["role"]})
        roles.append(json.dumps(found))
    rows = pd.DataFrame({
        "snapshot_id": ctx.snapshot_id, "external_id": frame["external_id"], "company_id": _company_ids(company_id),
        "name": frame["name"], "stage": frame["stage"], "amount": frame["amount"], "close_date": frame["close_date"],
        "is_closed": frame["is_closed"].astype(bool), "is_won": frame["is_won"].astype(bool), "owner": frame["owner"],
        "contact_roles": roles,
    })
    return ctx.store.insert_rows(ctx.conn, "crm_opportunities", _records(rows)) + contacts_stored


def _people_from_text(ctx: WriteContext, texts: pd.Series, company_id: pd.Series) -> pd.Series:
    """Person ids for cells holding a name, an email or a profile URL.

    A bare name with no company is matched when exactly one known person has it; when
    several do, the one this source has seen (``_same_source``: a referral list names the
    person it named before), else a new person is created and listed for review against each
    of them (a pair already settled is not listed again: ``Store.add_review``).
    """
    parts = pd.DataFrame([classify_party(t) for t in texts], index=texts.index)
    parts["company_id"] = company_id
    unnamed = parts["first_name"].isna() & parts["last_name"].isna()
    parts.loc[unnamed, "first_name"] = parts.loc[unnamed, "email"].fillna(parts.loc[unnamed, "profile_url"])
    ids = pd.Series(pd.NA, index=texts.index, dtype=object)
    bare = parts["profile_url"].isna() & parts["email"].isna() & parts["company_id"].isna()
    ambiguous: dict = {}
    if bare.any():
        keys = [identity.name_key(a, b) for a, b in zip(parts.loc[bare, "first_name"], parts.loc[bare, "last_name"])]
        known = ctx.store.people_by_name(ctx.conn, [k for k in keys if k])
        for idx, key in zip(parts.index[bare], keys):
            matches = known.loc[known.name_key == key, "person_id"].unique()
            if len(matches) == 1:
                ids[idx] = int(matches[0])
            elif len(matches) > 1:
                ambiguous[idx] = [int(m) for m in matches]
        for idx, pid in _same_source(ctx, ambiguous).items():
            ids[idx] = pid
            del ambiguous[idx]
    rest = ids.isna()
    if rest.any():
        ids[rest] = resolve_people(ctx, parts[rest])
    for idx, others in ambiguous.items():
        for other in others:
            ctx.store.add_review(ctx.conn, "person", other, int(ids[idx]), 0.6,
                                 f"same name as {len(others)} known people; no company, email or profile URL "
                                 "to tell them apart", ctx.snapshot_id)
    return ids


@writer("referrals")
def write_referrals(ctx: WriteContext, parsed: ParsedFile) -> int:
    """Who introduced whom; the referred person is also recorded at the referral's company."""
    frame = parsed.frame
    if frame.empty:
        return 0
    company_id = resolve_companies(ctx, frame["company"])
    none = pd.Series(float("nan"), index=frame.index)
    referrer = _people_from_text(ctx, frame["referrer"], none)
    referred = _people_from_text(ctx, frame["referred"], company_id)
    ok = referrer.notna() & referred.notna() & (referrer != referred)
    for line in frame.loc[~ok, "line"]:
        ctx.problems.append(Problem(int(line), "referrer and referred are the same person or unreadable; skipped"))
    frame, company_id = frame[ok], company_id[ok]
    at_company = company_id.notna()
    employment = pd.DataFrame({
        "person_id": referred[ok][at_company].astype(int), "company_id": _company_ids(company_id[at_company]),
        "company_text": frame.loc[at_company, "company"], "title": None, "snapshot_id": ctx.snapshot_id,
        "observed_on": frame.loc[at_company, "referred_on"].where(frame.loc[at_company, "referred_on"].notna(),
                                                                  ctx.as_of),
        "source": "referral",
    })
    ctx.store.insert_rows(ctx.conn, "employments", _records(employment))
    rows = pd.DataFrame({
        "snapshot_id": ctx.snapshot_id, "referrer_id": referrer[ok].astype(int),
        "referred_id": referred[ok].astype(int), "company_id": _company_ids(company_id),
        "referred_on": frame["referred_on"], "note": frame["note"],
    })
    return ctx.store.insert_rows(ctx.conn, "referrals", _records(rows))


def add_referral(store: Store, referrer: str, referred: str, company: str | None = None,
                 referred_on: date | None = None, note: str | None = None) -> FileResult:
    """Add one referral typed on the dashboard's form, as its own ``manual`` snapshot.

    Returns the import summary entry (``status`` imported, unchanged for an identical entry,
    or rejected with the reason).
    """
    fields = [identity.clean_text(v) for v in (referrer, referred, company, note)]
    payload = json.dumps(["manual-referral", *fields, referred_on.isoformat() if referred_on else None])
    content_hash = hashlib.sha256(payload.encode()).hexdigest()
    if not fields[0] or not fields[1]:
        return FileResult(path="referral form", kind="referrals", status="rejected",
                          problems=[Problem(0, "A referral needs both the referrer and the referred person; "
                                               "fill in both fields.")])
    frame = pd.DataFrame([{"line": 1, "referrer": fields[0], "referred": fields[1], "company": fields[2],
                           "referred_on": referred_on, "note": fields[3]}], columns=PARSED_COLUMNS["referrals"])
    parsed = ParsedFile(path="referral form", kind="referrals", layout="manual", frame=frame,
                        content_hash=content_hash, rows_read=1)
    return _import_parsed(store, parsed, None, referred_on, False)
