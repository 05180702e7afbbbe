"""The command line: ``python -m relmap COMMAND ...``.

Each command parses its arguments and calls the same library function the
dashboard calls; nothing here computes anything itself.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from datetime import date

import pandas as pd

from relmap.store import StoreError, open_store


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from exc


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy URL of the store "
                        "(default: $RELMAP_DATABASE_URL or sqlite:///data/relmap.db)")


def jsonable(obj: object) -> object:
    """``obj`` with what strict JSON cannot hold made plain: NaN, infinities, NaT and NA become
    None, numpy scalars Python numbers, dates ISO strings, tuples lists.

    >>> import numpy as np
    >>> jsonable({"share": float("nan"), "n": np.int64(3), "when": date(2026, 3, 1), "w": (1, 2)})
    {'share': None, 'n': 3, 'when': '2026-03-01', 'w': [1, 2]}
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [jsonable(v) for v in obj]
    if isinstance(obj, bool | int | str) or obj is None:
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if hasattr(obj, "item") and callable(obj.item) and getattr(obj, "shape", None) == ():  # numpy scalar
        return jsonable(obj.item())
    if obj is pd.NaT or obj is pd.NA:
        return None
    if isinstance(obj, date):  # also datetime and pandas Timestamp
        return obj.isoformat()
    return str(obj)


def say(*parts: object, **kwargs) -> None:
    """``print`` for text output: names and other user data can hold terminal control
    sequences, shown escaped (``export.terminal_safe``) instead of acted on."""
    from relmap.export import terminal_safe

    print(*(terminal_safe(str(part)) for part in parts), **kwargs)


def _print_json(obj: object) -> None:
    """Exactly one strict JSON object on stdout (no NaN, which many JSON readers refuse)."""
    print(json.dumps(jsonable(obj), ensure_ascii=False, allow_nan=False))  # JSON escapes controls itself


# --- import --------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from relmap.importer import import_paths

    mapping = None
    if getattr(args, "map", None):
        mapping = dict(item.split("=", 1) for item in args.map)
    store = open_store(args.db)
    skipped: list = []
    results = import_paths(store, args.paths, owner=args.owner, as_of=args.as_of,
                           kind=getattr(args, "kind", None), mapping=mapping, skipped=skipped)
    if args.json:
        # "skipped" (archive members neither imported nor rejected) only when there are some.
        _print_json({"files": [r.as_dict() for r in results]}
                    | ({"skipped": [s.as_dict() for s in skipped]} if skipped else {}))
    else:
        for r in results:
            say(f"{r.status:9} {r.path}  ({r.kind}{', ' + r.layout if r.layout else ''}): "
                  f"{r.rows_read} rows read, {r.hidden_rows} hidden, {r.records_imported} records stored")
            for p in r.problems:
                where = f"line {p.line}: " if p.line else ""
                say(f"    {where}{p.message}")
        for s in skipped:
            if s.kind != "linkedin_other":
                say(f"{'skipped':9} {s.path}  ({s.kind}): {s.reason}")
        others = [s.path.rsplit("/", 1)[-1] for s in skipped if s.kind == "linkedin_other"]
        if others:  # expected in every LinkedIn export: one line
            say(f"{'skipped':9} {len(others)} other file(s) of the LinkedIn export that relmap does not read: "
                f"{', '.join(others[:12])}{', ...' if len(others) > 12 else ''}")
    return 2 if any(r.status == "rejected" for r in results) else 0


def _add_import(sub) -> None:
    p = sub.add_parser("import", help="import LinkedIn, CRM or referral files as dated snapshots")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--owner", help="the rep whose LinkedIn export this is")
    p.add_argument("--as-of", type=_iso_date, help="the export date (default: from the file, else today)")
    p.add_argument("--kind", help="override the detected file kind")
    p.add_argument("--map", action="append", metavar="COLUMN=FIELD",
                   help="map a CRM column to a relmap field (repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_db(p)
    p.set_defaults(func=cmd_import)


# --- report and export --------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from relmap.insights import build_report, report_text

    store = open_store(args.db)
    report = build_report(store.load_frames(args.as_of), args.as_of, include_prospects=args.prospects)
    if args.json:
        _print_json(report)
    else:
        say(report_text(report))
    return 0


def _add_report(sub) -> None:
    p = sub.add_parser("report", help="job changes, champions who moved, account threading and risk")
    p.add_argument("--as-of", type=_iso_date, help="see the store as it was on this date (default: latest)")
    p.add_argument("--prospects", action="store_true", help="score prospect accounts too")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_db(p)
    p.set_defaults(func=cmd_report)


def cmd_export(args: argparse.Namespace) -> int:
    from relmap.export import export

    if args.format == "archive":
        return _export_archive(args)
    store = open_store(args.db)
    try:
        n = export(store.load_frames(args.as_of), args.format, args.out, args.as_of, table=args.table)
    except OSError as exc:
        say(f"error: cannot write {args.out}: {exc.strerror or exc}; choose another --out path", file=sys.stderr)
        return 1
    say(f"wrote {n} {'edges' if args.format != 'csv' or args.table == 'edges' else 'rows'} to {args.out}")
    return 0


def _export_archive(args: argparse.Namespace) -> int:
    """``export --format archive``: a backup zip of the whole store (``relmap.backup``)."""
    import time
    from pathlib import Path

    from relmap.backup import write_backup

    if args.as_of:
        say("error: a backup holds the whole store; drop --as-of.", file=sys.stderr)
        return 2
    store = open_store(args.db)
    start = time.perf_counter()
    try:
        manifest = write_backup(store, args.out)
    except OSError as exc:
        say(f"error: cannot write {args.out}: {exc.strerror or exc}; choose another --out path", file=sys.stderr)
        return 1
    rows = sum(t["rows"] for t in manifest["tables"])
    size = Path(args.out).stat().st_size
    say(f"wrote backup {args.out}: {rows} rows in {len(manifest['tables'])} tables, {size / 1024:.0f} KB "
          f"in {time.perf_counter() - start:.1f} s; restore into an empty store with: "
          f"python -m relmap import {args.out} --db NEW_URL")
    return 0


def _add_export(sub) -> None:
    from relmap.export import FORMATS, TABLES

    p = sub.add_parser("export", help="export the relationship graph or a report table, or back up the whole store")
    p.add_argument("--format", choices=(*FORMATS, "archive"), required=True,
                   help="csv, graphml, gexf; archive = a backup zip of the whole store (restore with import)")
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--table", choices=TABLES, default="edges", help="what a CSV holds (default: graph edges)")
    p.add_argument("--as-of", type=_iso_date, help="see the store as it was on this date (default: latest)")
    _add_db(p)
    p.set_defaults(func=cmd_export)


# --- map -------------------------------------------------------------------------------


def cmd_map(args: argparse.Namespace) -> int:
    from pathlib import Path

    from relmap.views import MapRequest, map_html

    store = open_store(args.db)
    if store.is_empty():
        say("error: the store is empty; import a LinkedIn export first "
              "(python -m relmap import Connections.csv --owner \"Rep Name\").", file=sys.stderr)
        return 2
    if args.company:
        request = MapRequest("company", args.company)
    elif args.person:
        request = MapRequest("person", args.person)
    else:
        request = MapRequest("rep", args.rep)
    try:
        page, graph = map_html(store.load_frames(), request)
    except LookupError as exc:
        say(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    say(f"wrote {out} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links)")
    if graph.graph.get("omitted"):
        say(f"note: {graph.graph['omitted']}")
    return 0


def _add_map(sub) -> None:
    p = sub.add_parser("map", help="write the relationship map of a company, person or rep as offline HTML")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--company", metavar="NAME")
    who.add_argument("--person", metavar="NAME")
    who.add_argument("--rep", metavar="NAME")
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the HTML file")
    _add_db(p)
    p.set_defaults(func=cmd_map)


# --- commands added by later work register below ----------------------------------------


# --- timeline / paths / suggest: one account or person at a time ---------------------------


def _insights_context(args: argparse.Namespace):
    """The prepared insights context of the store named by ``--db`` (as of ``--as-of``)."""
    from relmap.insights.context import prepare

    store = open_store(args.db)
    as_of = getattr(args, "as_of", None)
    return prepare(store.load_frames(as_of), as_of)


def _not_found(args: argparse.Namespace, exc: LookupError) -> int:
    if getattr(args, "json", False):
        _print_json({"error": str(exc.args[0])})
    say(f"error: {exc.args[0]}", file=sys.stderr)
    return 2


def cmd_timeline(args: argparse.Namespace) -> int:
    from relmap.insights.lookup import NotFound, find_company
    from relmap.insights.timeline import account_timeline

    ctx = _insights_context(args)
    try:
        cid = find_company(ctx, args.company)
    except NotFound as exc:
        return _not_found(args, exc)
    events = [{k: e[k] for k in ("date", "kind", "person", "detail")}
              for e in account_timeline(ctx, cid, since=args.since)]
    if args.json:
        _print_json({"company": ctx.cname(cid), "events": events})
    else:
        say(f"What has changed at {ctx.cname(cid)}" + (f" since {args.since}" if args.since else "")
              + f" ({len(events)} events)")
        for e in events:
            say(f"  {e['date']}  {e['kind']:<15} {e['detail']}")
    return 0


def _add_timeline(sub) -> None:
    p = sub.add_parser("timeline", help="an account's change timeline: arrivals, departures, promotions, "
                       "new connections, referrals, opportunity stages")
    p.add_argument("--company", required=True, metavar="NAME")
    p.add_argument("--since", type=_iso_date, help="only events on or after this date (YYYY-MM-DD)")
    p.add_argument("--as-of", type=_iso_date, help="see the store as it was on this date (default: latest)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_db(p)
    p.set_defaults(func=cmd_timeline)


def cmd_paths(args: argparse.Namespace) -> int:
    from relmap.insights.lookup import NotFound, find_company, find_person, find_rep
    from relmap.insights.paths import warm_paths

    ctx = _insights_context(args)
    try:
        cid = find_company(ctx, args.company) if args.company else None
        pid = find_person(ctx, args.person) if args.person else None
        rid = find_rep(ctx, args.rep) if args.rep else None
    except NotFound as exc:
        return _not_found(args, exc)
    paths = warm_paths(ctx, company_id=cid, person_id=pid, rep_id=rid, limit=args.limit)
    target = {"company": ctx.cname(cid) if cid is not None else None,
              "person": ctx.pname(pid) if pid is not None else None}
    if args.json:
        _print_json({"target": target, "rep": ctx.rname(rid) if rid is not None else None, "paths": paths})
    else:
        say(f"Warm paths to {target['person'] or target['company']}"
              + (f" from {ctx.rname(rid)}" if rid is not None else "") + f" ({len(paths)})")
        for p in paths:
            say(f"  {p['hops']} hop{'s' if p['hops'] > 1 else ''}  strength {p['strength']:<5} {p['sentence']}")
        if not paths:
            say("  no warm path found")
    return 0


def _add_paths(sub) -> None:
    p = sub.add_parser("paths", help="warm intro paths from the team (or one rep) to an account or a person")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--company", metavar="NAME")
    who.add_argument("--person", metavar="NAME")
    p.add_argument("--rep", metavar="NAME", help="only paths starting from this rep")
    p.add_argument("--limit", type=int, default=10, help="most paths to print (default 10)")
    p.add_argument("--as-of", type=_iso_date, help="see the store as it was on this date (default: latest)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_db(p)
    p.set_defaults(func=cmd_paths)


def cmd_suggest(args: argparse.Namespace) -> int:
    from relmap.insights.lookup import NotFound, find_company
    from relmap.insights.suggest import account_suggestions

    ctx = _insights_context(args)
    try:
        cid = find_company(ctx, args.company)
    except NotFound as exc:
        return _not_found(args, exc)
    out = account_suggestions(ctx, cid, limit=args.limit)
    if args.json:
        _print_json(out)
    else:
        say(f"Next best contacts at {out['company']} ({out['status'] or 'not in the CRM'}, "
              f"{out['threads']} thread{'s' if out['threads'] != 1 else ''})")
        for c in out["next_contacts"]:
            say(f"  {c['person']}{' (' + c['title'] + ')' if c['title'] else ''}: {'; '.join(c['why'])}")
        if not out["next_contacts"]:
            say("  no suggestion: everyone known there is already a CRM contact")
    return 0


def _add_suggest(sub) -> None:
    p = sub.add_parser("suggest", help="next best contacts at an account, each with why")
    p.add_argument("--company", required=True, metavar="NAME")
    p.add_argument("--limit", type=int, default=5, help="most people to suggest (default 5)")
    p.add_argument("--as-of", type=_iso_date, help="see the store as it was on this date (default: latest)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_db(p)
    p.set_defaults(func=cmd_suggest)


# --- generate / demo ------------------------------------------------------------------


def cmd_generate(args: argparse.Namespace) -> int:
    import time

    from relmap.generate import generate_team, write_team

    start = time.perf_counter()
    team = generate_team(reps=args.reps, connections=args.connections, snapshots=args.snapshots,
                         accounts=args.accounts, move_rate=args.move_rate, seed=args.seed)
    manifest = write_team(team, args.out)
    say(f"wrote {len(manifest)} files for {args.reps} reps to {args.out} "
          f"({len(team.connections)} connection rows, {len(team.moves())} job moves) "
          f"in {time.perf_counter() - start:.1f} s; manifest.json names each file's owner and date")
    return 0


def _add_generate(sub) -> None:
    p = sub.add_parser("generate", help="write a synthetic team's exports (LinkedIn, CRM, referrals)")
    p.add_argument("--reps", type=int, required=True, help="number of reps")
    p.add_argument("--connections", type=int, required=True, help="LinkedIn connections per rep")
    p.add_argument("--snapshots", type=int, default=2, help="exports per rep (default 2)")
    p.add_argument("--accounts", type=int, help="CRM accounts (default: one company in six)")
    p.add_argument("--move-rate", type=float, default=0.02, help="monthly job-change probability (default 0.02)")
    p.add_argument("--seed", type=int, default=0, help="random seed: same seed, same files")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.set_defaults(func=cmd_generate)


def cmd_demo(args: argparse.Namespace) -> int:
    from relmap.demo import clear_demo, load_demo

    store = open_store(args.db)
    if args.clear:
        deleted = clear_demo(store)
        if args.json:
            _print_json({"deleted_snapshots": deleted})
        else:
            say(f"deleted {deleted} demo snapshots")
        return 0
    results = load_demo(store)
    if args.json:
        _print_json({"files": [r.as_dict() for r in results]})
    else:
        counts: dict[str, int] = {}
        for r in results:
            counts[r.status] = counts.get(r.status, 0) + 1
        say("demo: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
              + " (clear it with: python -m relmap demo --clear)")
        for r in results:
            for p in r.problems:
                say(f"    {r.path}: {'line ' + str(p.line) + ': ' if p.line else ''}{p.message}")
    return 2 if any(r.status == "rejected" for r in results) else 0


def _add_demo(sub) -> None:
    p = sub.add_parser("demo", help="load the bundled demo team (labelled demo), or --clear it")
    p.add_argument("--clear", action="store_true", help="delete the demo snapshots only")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_db(p)
    p.set_defaults(func=cmd_demo)


# --- forget ----------------------------------------------------------------------------


def cmd_forget(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    try:
        removed = store.forget_person(args.person)
    except (LookupError, ValueError) as exc:
        if args.json:
            _print_json({"forgotten": False, "rows_removed": 0, "error": exc.args[0]})
        say(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.json:
        _print_json({"forgotten": True, "rows_removed": removed})
    else:
        say(f"forgot that person: {removed} rows removed from every table")
    return 0


def _add_forget(sub) -> None:
    p = sub.add_parser("forget", help="erase one person from every table (by email, profile URL or full name)")
    p.add_argument("--person", required=True, metavar="EMAIL|URL|NAME",
                   help="an email, a LinkedIn profile URL, or a full name that only one person has")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_db(p)
    p.set_defaults(func=cmd_forget)


_COMMANDS = [_add_import, _add_map, _add_report, _add_export, _add_generate, _add_demo, _add_forget, _add_timeline,
             _add_paths, _add_suggest]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m relmap", description="relmap: relationship map for account teams")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress (counts only)")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)  # -v shows relmap's counts, not SQL
    try:
        return args.func(args)
    except StoreError as exc:
        say(f"error: {exc}", file=sys.stderr)
        return 1
