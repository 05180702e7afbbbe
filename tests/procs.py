"""Helpers for tests that run ``python -m relmap`` in subprocesses against a test store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def big_connections(start: int, count: int, companies: int = 40) -> bytes:
    """A current-layout Connections.csv of ``count`` people numbered from ``start``: people
    with the same number are the same person (same profile URL) in every file."""
    rows = [f"Pat{i},Tester{i},https://www.linkedin.com/in/pat-tester-{i},pat{i}@example.com,"
            f"Company {i % companies},Title {i % 7},01 Jan 2024" for i in range(start, start + count)]
    return (HEADER + "\n".join(rows) + "\n").encode()


def relmap(*args: str, slow: float | None = None, **popen) -> subprocess.Popen:
    """Start ``python -m relmap ARGS`` (``slow``: seconds the import sleeps inside its write
    transaction, see ``importer._test_pause``)."""
    env = {k: v for k, v in os.environ.items() if k != "RELMAP_TEST_SLOW_IMPORT"}
    if slow is not None:
        env["RELMAP_TEST_SLOW_IMPORT"] = str(slow)
    return subprocess.Popen([sys.executable, "-m", "relmap", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def wait_for_line(proc: subprocess.Popen, marker: str, timeout: float = 60) -> list[str]:
    """Read the process's stderr until a line contains ``marker``; returns the lines read."""
    import selectors
    import time

    lines: list[str] = []
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not sel.select(timeout=0.2):
            if proc.poll() is not None:
                break
            continue
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"{marker!r} never appeared; stderr so far: {''.join(lines)}")
