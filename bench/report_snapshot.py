"""Write ``build_report`` JSON for a fixed set of inputs, or compare two such directories.

For speed work on ``relmap/insights``: run it on the code before a change, then after, and
compare. Every file must be byte-identical: a faster report must say exactly the same things.

    python bench/report_snapshot.py /tmp/before            # demo store, demo frames, generated teams
    python bench/report_snapshot.py /tmp/before --full     # + the 50-rep bench frames (about a minute)
    python bench/report_snapshot.py --compare /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_report  # noqa: E402

from relmap.demo import DEMO_AS_OF, DEMO_CRM_AS_OF, demo_team, load_demo  # noqa: E402
from relmap.generate import generate_team  # noqa: E402
from relmap.insights.report import build_report  # noqa: E402
from relmap.store import Frames, Store  # noqa: E402
from relmap.team_frames import team_frames  # noqa: E402


def _dump(out: Path, name: str, frames: Frames, as_of, **kw) -> None:
    t0 = time.process_time()
    report = build_report(frames, as_of, **kw)
    (out / f"{name}.json").write_text(json.dumps(report, default=str, ensure_ascii=False, indent=0, sort_keys=True),
                                      encoding="utf-8")
    print(f"{name}: {time.process_time() - t0:.2f} s CPU, {json.dumps(report['counts'])}", flush=True)


def write(out: Path, full: bool) -> None:
    """Reports for the demo (store and frames, several dates), generated teams and optionally the bench frames."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        store = Store(f"sqlite:///{d}/demo.db")
        load_demo(store)
        frames = store.load_frames()
        _dump(out, "demo_store", frames, DEMO_AS_OF)
        _dump(out, "demo_store_prospects", frames, DEMO_AS_OF, include_prospects=True)
        _dump(out, "demo_store_latest", frames, None)
        _dump(out, "demo_store_early", frames, date(2026, 6, 1))
        store.engine.dispose()
    _dump(out, "demo_frames", team_frames(demo_team(), crm_as_of=DEMO_CRM_AS_OF), DEMO_AS_OF)
    for seed in (1, 2):
        _dump(out, f"team{seed}", team_frames(generate_team(reps=4, connections=400, accounts=60, seed=seed)), None,
              include_prospects=seed == 2)
    _dump(out, "team_mid", team_frames(generate_team(reps=10, connections=2000, accounts=300, seed=5)), None)
    small = bench_report.synth(reps=5, per_rep=2000, people=20000, companies=3000, accounts=500)
    _dump(out, "synth_small", small, bench_report.AS_OF.date())
    if full:
        _dump(out, "synth_full", bench_report.synth(), bench_report.AS_OF.date())


def compare(a: Path, b: Path) -> int:
    """0 when every report in ``a`` has an identical file in ``b``; prints each file's verdict."""
    bad = 0
    for left in sorted(a.glob("*.json")):
        right = b / left.name
        same = right.exists() and right.read_bytes() == left.read_bytes()
        bad += not same
        print(f"{'same' if same else 'DIFFERENT'}  {left.name}")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", type=Path, help="directory to write the reports to")
    ap.add_argument("--full", action="store_true", help="also the full-size bench frames (50 reps x 20,000)")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        ap.error("give a directory to write to, or --compare BEFORE AFTER")
    write(args.out, args.full)
    return 0


if __name__ == "__main__":
    sys.exit(main())
