"""Map view building on a synthetic team (what a Map/Account/Team page recomputes on a
cache miss): frames -> graph -> HTML, per view.

    python bench/bench_views.py [REPS] [CONNECTIONS_PER_REP]     # default 10 5000

Prints seconds per view, node counts after the cap and peak memory.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relmap.store import Frames  # noqa: E402
from relmap.views import MapRequest, build_graph, map_html  # noqa: E402


def synthetic_frames(reps: int, per_rep: int, seed: int = 7) -> Frames:
    """Two snapshots per rep; ~5% of people change company between them."""
    rng = np.random.default_rng(seed)
    n_people = reps * per_rep // 2 + 1
    n_companies = max(10, n_people // 10)
    f = Frames.empty()
    f.reps = pd.DataFrame({"rep_id": np.arange(reps), "rep_name": [f"Rep {i}" for i in range(reps)],
                           "person_id": None})
    f.people = pd.DataFrame({"person_id": np.arange(n_people), "full_name": [f"Person {i}" for i in range(n_people)],
                             "profile_url": None, "email": None})
    f.companies = pd.DataFrame({"company_id": np.arange(n_companies),
                                "company_name": [f"Company {i}" for i in range(n_companies)],
                                "norm_key": [f"company {i}" for i in range(n_companies)], "domain": None})
    snaps, emps, rels = [], [], []
    first = rng.integers(0, n_companies, n_people)
    second = np.where(rng.random(n_people) < 0.05, rng.integers(0, n_companies, n_people), first)
    for r in range(reps):
        people = rng.choice(n_people, per_rep, replace=False)
        for k, (day, comp) in enumerate(((pd.Timestamp("2025-01-01"), first), (pd.Timestamp("2025-06-01"), second))):
            sid = r * 2 + k
            snaps.append({"snapshot_id": sid, "file_name": "Connections.csv", "kind": "linkedin_connections",
                          "layout": "2023+", "rep_id": r, "as_of": day, "imported_at": day, "is_demo": False})
            emps.append(pd.DataFrame({"person_id": people, "company_id": comp[people], "company_text": None,
                                      "title": "Manager", "snapshot_id": sid, "observed_on": day, "source": "linkedin",
                                      "started_on": pd.NaT, "ended_on": pd.NaT}))
            rels.append(pd.DataFrame({"rep_id": r, "person_id": people, "snapshot_id": sid, "source": "linkedin",
                                      "connected_on": pd.Timestamp("2024-01-01"), "last_touch": pd.NaT,
                                      "message_count": 0}))
    f.snapshots = pd.DataFrame(snaps)
    f.employments = pd.concat(emps, ignore_index=True)
    f.relationships = pd.concat(rels, ignore_index=True)
    return f


def main(argv: list[str]) -> int:
    reps = int(argv[0]) if argv else 10
    per_rep = int(argv[1]) if len(argv) > 1 else 5000
    frames = synthetic_frames(reps, per_rep)
    print(f"{reps} reps x {per_rep} connections: {len(frames.relationships)} relationship rows, "
          f"{len(frames.people)} people, {len(frames.companies)} companies")
    busiest = frames.employments["company_id"].value_counts().index[0]
    requests = [MapRequest("rep", "Rep 0"), MapRequest("company", f"Company {busiest}"),
                MapRequest("person", "Person 1"), MapRequest("team")]
    print(f"{'view':>8} {'graph s':>8} {'html s':>7} {'nodes':>6} {'peak MiB':>9}")
    for req in requests:
        start = time.perf_counter()
        g = build_graph(frames, req)
        graph_s = time.perf_counter() - start
        start = time.perf_counter()
        map_html(frames, req)
        html_s = time.perf_counter() - start - graph_s
        tracemalloc.start()
        build_graph(frames, req)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{req.kind:>8} {graph_s:>8.3f} {max(html_s, 0):>7.3f} {g.number_of_nodes():>6} {peak:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
