"""Dashboard page run times on the demo data (Streamlit AppTest, no browser).

    python bench/bench_pages.py            # a temporary SQLite store loaded with the demo
    python bench/bench_pages.py --db URL   # an existing store

For each page: the first run (cold caches: frames, insights, map HTML) and a rerun
(what a user waits for after touching a widget). Prints seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = ["overview", "champions", "at_risk", "account", "person", "map", "team_map", "data"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="store URL (default: a temporary SQLite store with the demo)")
    args = parser.parse_args(argv)
    from relmap.store import Store

    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    store = Store(url)
    if store.is_empty():
        from relmap.demo import load_demo

        start = time.perf_counter()
        load_demo(store)
        print(f"demo loaded in {time.perf_counter() - start:.2f} s: {store.counts()}")
    os.environ["RELMAP_DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest

    print(f"{'page':>10} {'first s':>8} {'rerun s':>8}")
    for name in PAGES:
        at = AppTest.from_string(f"from relmap.ui.{name} import page\npage()\n", default_timeout=300)
        start = time.perf_counter()
        at.run()
        first = time.perf_counter() - start
        start = time.perf_counter()
        at.run()
        rerun = time.perf_counter() - start
        flag = " EXCEPTION" if at.exception else ""
        print(f"{name:>10} {first:>8.2f} {rerun:>8.2f}{flag}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
