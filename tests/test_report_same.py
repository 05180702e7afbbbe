"""The insights report is the same whatever holds the frames: SQLite or PostgreSQL, pandas' Arrow-backed
strings or plain Python objects, one run or the next. The report works on category codes, factorized
keys and sorted slices for speed (docs/PERFORMANCE.md); these tests pin that none of it leaks into
what the report says."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from relmap.demo import DEMO_AS_OF, DEMO_CRM_AS_OF, demo_team, load_demo
from relmap.generate import generate_team
from relmap.insights import build_report
from relmap.store import Frames, Store
from relmap.team_frames import team_frames
from tests.conftest import IN_CI, PG_URL, _reset_postgres


def _json(frames: Frames, as_of=None, **kw) -> str:
    return json.dumps(build_report(frames, as_of, **kw), default=str, ensure_ascii=False, sort_keys=True)


def _as_objects(frames: Frames) -> Frames:
    """The same frames with every text column as plain Python objects instead of pandas strings."""
    out = {}
    for name in Frames.__dataclass_fields__:
        df = getattr(frames, name).copy()
        for col in df.columns:
            if pd.api.types.is_string_dtype(df[col].dtype) and not pd.api.types.is_object_dtype(df[col].dtype):
                df[col] = df[col].astype(object)
        out[name] = df
    return Frames(**out)


def test_report_is_the_same_for_arrow_and_object_strings_and_run_to_run():
    frames = team_frames(demo_team(), crm_as_of=DEMO_CRM_AS_OF)
    first = _json(frames, DEMO_AS_OF)
    report = json.loads(first)
    assert report["job_changes"] and report["moved_champions"] and report["accounts"] and report["promotions"]
    assert any(a["next_contacts"] for a in report["accounts"])
    assert _json(frames, DEMO_AS_OF) == first
    assert _json(_as_objects(frames), DEMO_AS_OF) == first


def test_report_on_a_generated_team_does_not_depend_on_string_dtypes():
    frames = team_frames(generate_team(reps=4, connections=300, accounts=40, seed=3))
    plain = _json(frames, include_prospects=True)
    assert json.loads(plain)["job_changes"]
    assert _json(_as_objects(frames), include_prospects=True) == plain


def test_report_is_the_same_on_sqlite_and_postgresql(tmp_path):
    if not PG_URL:
        if IN_CI:
            pytest.fail("RELMAP_TEST_POSTGRES_URL is not set in CI")
        pytest.skip("RELMAP_TEST_POSTGRES_URL not set (CI sets it)")
    lite = Store(f"sqlite:///{tmp_path / 'relmap.db'}")
    _reset_postgres(PG_URL)
    pg = Store(PG_URL)
    try:
        load_demo(lite)
        load_demo(pg)
        on_sqlite, on_pg = lite.load_frames(), pg.load_frames()
        assert json.loads(_json(on_sqlite, DEMO_AS_OF))["moved_champions"]
        assert _json(on_pg, DEMO_AS_OF) == _json(on_sqlite, DEMO_AS_OF)
        assert _json(on_pg, DEMO_AS_OF, include_prospects=True) == _json(on_sqlite, DEMO_AS_OF, include_prospects=True)
    finally:
        lite.engine.dispose()
        pg.engine.dispose()
        _reset_postgres(PG_URL)
