"""Map HTML generation time at 1k / 5k / 20k nodes (target: 5k nodes in <= 1.5 s).

Builds a synthetic view graph (reps, companies, contacts, moves) of the requested
size directly, then times ``relmap.render.graph_html`` (layout + pyvis + strip).
Prints seconds, the ratio to the 1.5 s target at 5k, HTML size and peak memory.

    python bench/bench_map.py            # 1000 5000 20000
    python bench/bench_map.py 5000
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relmap import render  # noqa: E402

TARGET_5K_SECONDS = 1.5


def synthetic(n_nodes: int, reps: int = 10, people_per_company: int = 9) -> nx.DiGraph:
    """A view graph of about ``n_nodes`` nodes shaped like a team network."""
    g = nx.DiGraph(title=f"bench {n_nodes}", omitted=None)
    for r in range(reps):
        g.add_node(f"rep:{r}", kind="rep", label=f"Rep {r}", title=f"Rep {r}", count=0)
    n_companies = max(1, (n_nodes - reps) // (people_per_company + 1))
    pid = 0
    for c in range(n_companies):
        g.add_node(f"company:{c}", kind="company", label=f"Company {c}", title=f"Company {c}", count=c % 17,
                   status="customer" if c % 7 == 0 else None, single_threaded=c % 21 == 0,
                   risk="high" if c % 21 == 0 else None, reasons=[])
        for _ in range(people_per_company):
            if g.number_of_nodes() >= n_nodes:
                break
            p = f"person:{pid}"
            g.add_node(p, kind="champion" if pid % 50 == 0 else "person", label=f"Person {pid}",
                       title=f"Person {pid}\nTitle\nat Company {c}", count=1)
            g.add_edge(f"rep:{pid % reps}", p, kind="knows", weight=1, title="knows")
            g.add_edge(p, f"company:{c}", kind="works_at", weight=1, title="works at")
            pid += 1
        if c and c % 13 == 0:
            g.add_edge(f"company:{c - 1}", f"company:{c}", kind="moved", weight=1, label="moved: X", title="moved")
    return g


def bench(n_nodes: int) -> tuple[float, int, float]:
    """(worst of 3 renders in seconds, HTML bytes, peak MiB) for an ``n_nodes`` graph."""
    g = synthetic(n_nodes)
    # Cold: the first render in a process also compiles the page template.
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        page = render.graph_html(g)
        timings.append(time.perf_counter() - start)
    tracemalloc.start()  # a separate run: tracing slows the code it measures
    render.graph_html(g)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return max(timings), len(page.encode()), peak


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 5000, 20000]
    print(f"{'nodes':>7} {'seconds':>8} {'vs 1.5 s':>8} {'HTML MiB':>9} {'peak MiB':>9}")
    ok = True
    for n in sizes:
        seconds, size, peak = bench(n)
        ratio = seconds / TARGET_5K_SECONDS
        print(f"{n:>7} {seconds:>8.3f} {ratio:>8.2f} {size / 2**20:>9.2f} {peak:>9.1f}")
        if n == 5000 and seconds > TARGET_5K_SECONDS:
            ok = False
    print("5k target met" if ok else "5k target MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
