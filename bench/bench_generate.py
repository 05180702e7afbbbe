"""Benchmark: generate a 50-rep x 20,000-connection team with 2 snapshots, in memory and on disk.

Target (issue 7): under 60 s on this machine. Prints times, the ratio to the target,
peak memory and counts.

    python bench/bench_generate.py [--reps 50] [--connections 20000] [--snapshots 2]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relmap.generate import generate_team, write_team  # noqa: E402

TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--connections", type=int, default=20_000)
    parser.add_argument("--snapshots", type=int, default=2)
    args = parser.parse_args()
    t0 = time.perf_counter()
    team = generate_team(reps=args.reps, connections=args.connections, snapshots=args.snapshots, seed=42)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        manifest = write_team(team, out)
        t2 = time.perf_counter()
        size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = t2 - t0
    print(f"team: {args.reps} reps x {args.connections} connections x {args.snapshots} snapshots")
    print(f"counts: {len(team.people)} people, {len(team.companies)} companies, "
          f"{len(team.connections)} connection rows, {len(team.moves())} moves, {len(team.messages)} messages, "
          f"{len(team.crm_accounts)} CRM accounts, {len(team.crm_contacts)} CRM contacts, "
          f"{len(manifest)} files, {size / 1e6:.1f} MB on disk")
    print(f"in-memory frames: {t1 - t0:.2f} s; files: {t2 - t1:.2f} s; total {total:.2f} s")
    print(f"ratio to the {TARGET_SECONDS:.0f} s target: {total / TARGET_SECONDS:.2f} "
          f"({'OK' if total < TARGET_SECONDS else 'TOO SLOW'}); peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
