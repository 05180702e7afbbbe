"""Hostile files: every case of ``tests/hostile/corpus.py`` gives its outcome, on SQLite and
PostgreSQL, through ``import_bytes`` and ``import_paths``; rejections store nothing and lose
nothing already stored; a few go through the CLI and the Upload page too."""

from __future__ import annotations

import json
import math
import shutil
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from relmap import config
from relmap.importer import import_bytes, import_paths
from relmap.model import metadata
from relmap.store import Store
from tests.hostile.corpus import CASES, CASES_BY_ID, Case, good_connections, write_case
from tests.procs import relmap

PRELOAD_ACCOUNTS = b"Account Name,Website,Type\nPreload Corp,preload.example,Customer\n"


def _preload(store: Store) -> dict[str, int]:
    """Data that must survive every hostile import: returns the table counts."""
    [r] = import_bytes(store, "Connections.csv", good_connections(5, start=900), owner="Pre Loaded",
                       as_of=date(2025, 1, 1))
    assert r.status == "imported"
    [r] = import_bytes(store, "accounts.csv", PRELOAD_ACCOUNTS, as_of=date(2025, 1, 1))
    assert r.status == "imported"
    return store.table_counts()


def _column(store: Store, table: str, column: str) -> list:
    with store.read() as conn:
        return list(conn.execute(select(metadata.tables[table].c[column])).scalars())


def _apply_limits(case: Case, monkeypatch) -> None:
    for setting, value in case.limits.items():
        monkeypatch.setattr(config, setting, value)


def check_outcome(case: Case, store: Store, before: dict[str, int], results) -> None:
    """The outcome ``case`` promises, and that nothing already stored was lost."""
    after = store.table_counts()
    assert results, "no result at all"
    shown = Path(case.name).name
    if case.outcome == "rejected":
        assert [r.status for r in results] == ["rejected"] * len(results), [r.problems for r in results]
        message = results[0].problems[0].message
        assert shown in message, message
        for word in case.words:
            assert word.lower() in message.lower(), (word, message)
        if case.line is not None:
            assert f"line {case.line}" in message, message
        assert all(r.snapshot_id is None and r.records_imported == 0 for r in results)
        assert after == before  # nothing stored, nothing lost
        return
    got = [(r.status, r.kind, r.rows_read, r.hidden_rows, r.records_imported) for r in results]
    assert got == list(case.entries), [r.problems for r in results]
    assert [p.line for r in results for p in r.problems] == list(case.problem_lines), \
        [p for r in results for p in r.problems]
    assert after["snapshots"] == before["snapshots"] + len(case.entries)
    assert all(after[t] >= n for t, n in before.items())  # nothing lost
    for table, column, value in case.stored:
        assert value in _column(store, table, column), (table, column, value)
    for table in ("people", "employments", "crm_contacts", "crm_accounts", "companies"):
        for column in metadata.tables[table].c:
            if column.type.python_type is str:
                assert not any("\x00" in v for v in _column(store, table, column.name) if v), column


def _preloaded_people_intact(store: Store) -> None:
    names = set(_column(store, "people", "full_name"))
    assert {f"Pat{i} Tester{i}" for i in range(900, 905)} <= names
    assert "Preload Corp" in _column(store, "crm_accounts", "name")


@pytest.fixture(scope="module")
def preloaded_template(tmp_path_factory) -> Path:
    """A SQLite store with the preloaded data, made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("hostile") / "template.db"
    store = Store(f"sqlite:///{path}")
    _preload(store)
    store.engine.dispose()
    return path


@pytest.fixture
def preloaded(preloaded_template, tmp_path):
    """A fresh copy of the preloaded SQLite store."""
    path = tmp_path / "relmap.db"
    shutil.copyfile(preloaded_template, path)
    store = Store(f"sqlite:///{path}")
    yield store
    store.engine.dispose()


def _run_case(case: Case, store: Store, monkeypatch, before: dict[str, int]) -> None:
    _apply_limits(case, monkeypatch)
    results = import_bytes(store, case.name, case.build(), owner=case.owner, kind=case.kind)
    check_outcome(case, store, before, results)
    _preloaded_people_intact(store)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case_through_import_bytes(case, preloaded, monkeypatch):
    _run_case(case, preloaded, monkeypatch, preloaded.table_counts())


#: On PostgreSQL: every case that writes, and rejections that could fail late.
PG_CASES = [c for c in CASES if c.outcome == "imported" or c.id in ("mismatched-quotes", "big-cell", "zip-lying-sizes")]


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
@pytest.mark.parametrize("case", PG_CASES, ids=[c.id for c in PG_CASES])
def test_hostile_case_on_postgresql(case, store, monkeypatch):
    _run_case(case, store, monkeypatch, _preload(store))


REJECTED = [c for c in CASES if c.outcome == "rejected"]


@pytest.mark.parametrize("case", REJECTED, ids=[c.id for c in REJECTED])
def test_hostile_rejection_through_import_paths(case, preloaded, monkeypatch, tmp_path):
    before = preloaded.table_counts()
    path = write_case(case, tmp_path)
    _apply_limits(case, monkeypatch)
    results = import_paths(preloaded, [path], owner=case.owner, kind=case.kind)
    check_outcome(Case(**{**case.__dict__, "name": Path(path).name}), preloaded, before, results)


def test_import_paths_checks_the_size_before_reading(sqlite_store, tmp_path, monkeypatch):
    """A 10 GB file (sparse: no disk used) is refused from its size; not one byte is read."""
    huge = tmp_path / "Connections.csv"
    with open(huge, "wb") as fh:
        fh.truncate(10 * 2**30)
    opened: list[str] = []
    real_open = Path.open

    def spy(self, *args, **kwargs):
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self.name} was read whole"))
    before = sqlite_store.table_counts()
    [result] = import_paths(sqlite_store, [huge], owner="Hal Hostile")
    assert result.status == "rejected"
    message = result.problems[0].message
    assert "Connections.csv" in message and "RELMAP_MAX_UPLOAD_BYTES" in message and "10 GB" in message
    assert opened == []
    assert sqlite_store.table_counts() == before


def test_a_special_file_that_never_ends_is_read_only_to_the_limit(sqlite_store, monkeypatch):
    """``/dev/zero`` says it is 0 bytes long: the read stops at the limit."""
    monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", 2**20)
    [result] = import_paths(sqlite_store, ["/dev/zero"], owner="Hal Hostile")
    assert result.status == "rejected" and "RELMAP_MAX_UPLOAD_BYTES" in result.problems[0].message


@pytest.mark.parametrize("case_id", ["zip-bomb", "xlsx-bomb", "zip-lying-sizes"])
def test_zip_bombs_are_refused_without_expanding(case_id, sqlite_store):
    """The 50 MB bombs and the liar are refused with far less than their expanded size in memory."""
    case = CASES_BY_ID[case_id]
    data = case.build()
    tracemalloc.start()
    try:
        results = import_bytes(sqlite_store, case.name, data, owner=case.owner)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.status for r in results] == ["rejected"]
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB while refusing {case_id}"


def test_wide_and_big_files_are_quick(sqlite_store):
    """The 100,000-column line and the 10 MB cell are dealt with in seconds, not minutes."""
    import time

    for case_id in ("wide-line", "wide-header", "big-cell"):
        case = CASES_BY_ID[case_id]
        data = case.build()
        start = time.perf_counter()
        import_bytes(sqlite_store, case.name, data, owner=case.owner)
        assert time.perf_counter() - start < 5, case_id


def test_row_limit_stops_reading_early(sqlite_store, monkeypatch):
    """Over the row limit, the file is refused after reading a little more than the limit."""
    from relmap.ingest import sniff

    monkeypatch.setattr(config, "MAX_ROWS", 100)
    counted: list[int] = []
    real = sniff._records

    def spy(text, delimiter, limit=None, complete=True):
        rows, lines = real(text, delimiter, limit, complete)
        counted.append(len(rows))
        return rows, lines

    monkeypatch.setattr(sniff, "_records", spy)
    [result] = import_bytes(sqlite_store, "Connections.csv", good_connections(20_000), owner="Hal Hostile")
    assert result.status == "rejected" and "RELMAP_MAX_ROWS" in result.problems[0].message
    assert max(counted) <= 100 + sniff.HEADER_SEARCH_ROWS + 2


# --- the CLI and the Upload page, for representative cases ------------------------------------

CLI_CASES = ["zero-bytes", "binary-png", "truncated-mid-quote", "zip-bomb", "nested-zip", "xlsx-corrupt"]


def test_cli_rejects_hostile_files_with_exit_2(tmp_path):
    paths = [write_case(CASES_BY_ID[c], tmp_path) for c in CLI_CASES]
    huge = tmp_path / "huge-Connections.csv"  # over the default 200 MB: sparse, refused by its size
    with open(huge, "wb") as fh:
        fh.truncate(config.MAX_UPLOAD_BYTES + 1)
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    proc = relmap("import", *paths, str(huge), "--owner", "Hal Hostile", "--json", "--db", db)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    files = json.loads(out)["files"]
    assert [f["status"] for f in files] == ["rejected"] * (len(CLI_CASES) + 1)
    for entry, path in zip(files, [*paths, str(huge)]):
        assert Path(path).name in entry["problems"][0]["message"]
    assert "RELMAP_MAX_UPLOAD_BYTES" in files[-1]["problems"][0]["message"]
    assert Store(db).is_empty()


def test_cli_imports_hostile_names_and_formulas(tmp_path):
    paths = [write_case(CASES_BY_ID[c], tmp_path) for c in ("xss-names", "crm-formulas")]
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    proc = relmap("import", *paths, "--owner", "Hal Hostile", "--json", "--db", db)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    files = json.loads(out)["files"]
    assert [(f["status"], f["records_imported"]) for f in files] == [("imported", 3), ("imported", 4)]


UPLOAD_CASES = ["binary-png", "truncated-mid-quote", "zip-bomb", "huge-upload", "xlsx-corrupt", "xss-names"]


def test_upload_page_shows_rejections_without_an_exception(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RELMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'ui.db'}")
    monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", 100_000)  # huge-upload's file is 160 KB, the rest less
    at = AppTest.from_string("from relmap.ui.upload import page\npage()\n", default_timeout=120).run()
    assert not at.exception
    [uploader] = at.file_uploader
    assert uploader.proto.max_upload_size_mb == 1  # the browser refuses more than relmap's limit
    for case_id in UPLOAD_CASES:
        case = CASES_BY_ID[case_id]
        uploader.upload(f"{case.id}-{case.name}", case.build(), "application/octet-stream")
    at.text_input(key="upload-owner").input("Hal Hostile")
    at.run()
    at.button(key="upload-go").click().run()
    assert not at.exception
    summary = at.dataframe[0].value
    status = dict(zip(summary["file"], summary["status"]))
    expected = {f"{c}-{CASES_BY_ID[c].name}": CASES_BY_ID[c].outcome for c in UPLOAD_CASES}
    assert status == expected
    problems = at.dataframe[1].value
    for case_id in UPLOAD_CASES:
        if CASES_BY_ID[case_id].outcome == "rejected":
            mine = problems[problems["file"].str.startswith(case_id)]["problem"]
            assert mine.str.contains(CASES_BY_ID[case_id].name, regex=False).any(), case_id
    assert any("Rejected files stored nothing" in e.value for e in at.error)


def test_upload_limit_of_the_page_agrees_with_relmap():
    """``.streamlit/config.toml`` lets through what relmap's default limit accepts, no more."""
    import tomllib

    from relmap.ui.upload import upload_limit_mb

    with open(Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml", "rb") as fh:
        page_mb = tomllib.load(fh)["server"]["maxUploadSize"]
    assert page_mb * 2**20 == config.DEFAULT_MAX_UPLOAD_BYTES
    assert upload_limit_mb() == math.ceil(config.MAX_UPLOAD_BYTES / 2**20)


def test_security_doc_lists_every_case():
    """docs/SECURITY.md carries the table ``python -m tests.hostile.corpus`` prints."""
    from tests.hostile.corpus import markdown_table

    doc = (Path(__file__).resolve().parent.parent / "docs" / "SECURITY.md").read_text()
    table = doc.split("<!-- hostile-table:start -->\n")[1].split("<!-- hostile-table:end -->")[0]
    assert table == markdown_table()


def test_an_unexpected_reading_error_is_a_rejection_not_a_traceback(sqlite_store, monkeypatch, caplog):
    """A bug in a parser refuses the file with its name; the log has the class name, not the data."""
    import relmap.importer as importer

    def broken(name, data, **kwargs):
        raise ValueError(data.decode())  # a message quoting the file, as some library errors do

    monkeypatch.setattr(importer, "parse_bytes", broken)
    [result] = import_bytes(sqlite_store, "Connections.csv", good_connections(2), owner="Hal Hostile")
    assert result.status == "rejected"
    assert "Connections.csv: could not be read (ValueError)" in result.problems[0].message
    assert "Tester1" not in caplog.text and "ValueError" in caplog.text
    assert sqlite_store.is_empty()
