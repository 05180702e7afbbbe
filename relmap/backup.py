"""Backup and restore of the whole store: ``export --format archive`` and ``import``.

A backup is a zip holding one JSON-lines file per table of ``relmap.model.metadata``
(``<table>.jsonl``, tables in dependency order, one JSON object per row, ids included;
dates and timestamps as ISO text, numbers as JSON numbers, booleans as ``true``/``false``)
and ``manifest.json``::

    {"format": "relmap-backup", "format_version": 1, "relmap_version": "0.1.0",
     "schema_version": 1, "created_at": "2026-11-25T11:30:00+00:00", "source": "sqlite",
     "tables": [{"name": "meta", "member": "meta.jsonl", "rows": 2, "sha256": "..."}, ...]}

``import`` recognises a backup by its manifest (content, never the file name) before the
LinkedIn archive logic, and restores it into an EMPTY store in one transaction
(``Store.restore_tables``). A backup whose manifest, members, checksums or rows do not
agree is rejected naming the member, and nothing is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Table, Text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from relmap import __version__, config
from relmap.ingest.archive import ZIP_ERRORS
from relmap.model import SCHEMA_VERSION, FileResult, Problem, metadata
from relmap.store import Store, StoreNotEmpty

FORMAT = "relmap-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KIND = "relmap_backup"  # the ``kind`` of a restore in the import summary
_MANIFEST_MAX = 1 << 20
_BATCH = 2000


class BackupError(Exception):
    """The backup cannot be restored; the message names the member and what to do."""


# --- writing -----------------------------------------------------------------------------


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def write_backup(store: Store, out: str | Path | BinaryIO) -> dict:
    """Write a backup of the whole store to ``out`` (a path or a binary file object) and
    return its manifest. A path is written to a temporary file and renamed into place, so a
    failed backup never leaves a half-written zip under the wanted name."""
    if isinstance(out, str | Path):
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                manifest = write_backup(store, fh)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return manifest

    entries: list[dict] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:

        def sink(table: Table, rows: Iterator[dict]) -> None:
            member = f"{table.name}.jsonl"
            digest = hashlib.sha256()
            count = 0
            with zf.open(member, "w", force_zip64=True) as fh:
                buffer: list[str] = []
                for row in rows:
                    buffer.append(json.dumps({k: _json_value(v) for k, v in row.items()}, ensure_ascii=False,
                                             separators=(",", ":")))
                    count += 1
                    if len(buffer) >= _BATCH:
                        chunk = ("\n".join(buffer) + "\n").encode("utf-8")
                        digest.update(chunk)
                        fh.write(chunk)
                        buffer.clear()
                if buffer:
                    chunk = ("\n".join(buffer) + "\n").encode("utf-8")
                    digest.update(chunk)
                    fh.write(chunk)
            entries.append({"name": table.name, "member": member, "rows": count, "sha256": digest.hexdigest()})

        store.dump_tables(sink)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "relmap_version": __version__,
            "schema_version": SCHEMA_VERSION, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": store.engine.dialect.name, "tables": entries,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, indent=1))
    return manifest


def backup_bytes(store: Store) -> bytes:
    """A backup of the whole store as zip bytes (the Data page's download)."""
    buffer = io.BytesIO()
    write_backup(store, buffer)
    return buffer.getvalue()


# --- recognising and checking ---------------------------------------------------------------


def is_backup(data: bytes) -> bool:
    """True when ``data`` is a zip whose ``manifest.json`` says it is a relmap backup
    (recognised by content: the file may have any name)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo(MANIFEST)
            if info.file_size > _MANIFEST_MAX:
                return False
            with zf.open(info) as fh:
                return FORMAT.encode() in fh.read(_MANIFEST_MAX)
    except (KeyError, *ZIP_ERRORS):  # any damaged zip is simply not a backup
        return False


def _read_manifest(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(f"{MANIFEST}: cannot be read as JSON ({exc.__class__.__name__}); the backup is "
                          "damaged: restore from another copy.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST}: does not describe a relmap backup (format {FORMAT!r} expected); "
                          "restore from another copy.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{MANIFEST}: backup format {manifest.get('format_version')!r}, this relmap reads "
                          f"format {FORMAT_VERSION}; restore it with relmap {manifest.get('relmap_version')}.")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise BackupError(f"{MANIFEST}: schema version {manifest.get('schema_version')!r}, this relmap's store is "
                          f"schema {SCHEMA_VERSION}; restore it with the relmap that wrote it "
                          f"({manifest.get('relmap_version')}).")
    entries = manifest.get("tables")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise BackupError(f"{MANIFEST}: has no list of tables; the backup is damaged: restore from another copy.")
    return manifest


def _check_members(name: str, zf: zipfile.ZipFile, manifest: dict) -> list[tuple[Table, dict]]:
    """Each table with its manifest entry, in dependency order, after checking that every table
    is there once, no member is unexplained, and every member's sha256 and row count match."""
    entries = {e.get("name"): e for e in manifest["tables"]}
    for table in metadata.sorted_tables:
        if table.name not in entries:
            raise BackupError(f"{MANIFEST}: table {table.name!r} is missing; the backup is incomplete: "
                              "restore from another copy.")
    unknown = sorted(set(entries) - set(metadata.tables))
    if unknown:
        raise BackupError(f"{MANIFEST}: lists tables this relmap does not have ({', '.join(map(str, unknown))}); "
                          "restore from another copy.")
    members = {info.filename: info for info in zf.infolist() if not info.is_dir()}
    expected = {e.get("member") for e in entries.values()} | {MANIFEST}
    extra = sorted(set(members) - expected)
    if extra:
        raise BackupError(f"{extra[0]}: is not part of a relmap backup (not in {MANIFEST}); the backup was "
                          "altered: restore from another copy.")
    if sum(i.file_size for i in members.values()) > config.MAX_ZIP_EXPANDED_BYTES:
        raise BackupError(f"{Path(name).name} expands beyond the {config.MAX_ZIP_EXPANDED_BYTES // 2**20} MB "
                          "limit; raise RELMAP_MAX_ZIP_EXPANDED_BYTES to restore it.")
    ordered = []
    for table in metadata.sorted_tables:
        entry = entries[table.name]
        member = entry.get("member")
        if member not in members:
            raise BackupError(f"{member}: is missing from the zip (table {table.name}); the backup is incomplete: "
                              "restore from another copy.")
        digest, lines = hashlib.sha256(), 0
        try:
            with zf.open(members[member]) as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
                    lines += chunk.count(b"\n")
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
            raise BackupError(f"{member}: cannot be read ({exc.__class__.__name__}); the backup is damaged: "
                              "restore from another copy.") from None
        if digest.hexdigest() != entry.get("sha256"):
            raise BackupError(f"{member}: its sha256 does not match {MANIFEST} (the file was changed or damaged "
                              "after the backup was made); nothing was restored: restore from another copy.")
        if lines != entry.get("rows"):
            raise BackupError(f"{member}: holds {lines} rows, {MANIFEST} says {entry.get('rows')}; "
                              "restore from another copy.")
        ordered.append((table, entry))
    return ordered


# --- reading rows back --------------------------------------------------------------------


def _decoder(table: Table, member: str):
    """A function turning one JSON row of ``member`` into insert values for ``table``."""
    columns = {c.name: c for c in table.columns}

    def convert(lineno: int, raw: dict) -> dict:
        if not isinstance(raw, dict) or set(raw) != set(columns):
            got = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
            raise BackupError(f"{member} line {lineno}: columns {got} are not the columns of table {table.name} "
                              f"({sorted(columns)}); restore from another copy.")
        row = {}
        for key, value in raw.items():
            col_type = columns[key].type
            try:
                row[key] = None if value is None else _from_json(col_type, value)
            except (TypeError, ValueError):
                raise BackupError(f"{member} line {lineno}: {key} = {str(value)[:40]!r} is not a valid "
                                  f"{col_type.__class__.__name__}; restore from another copy.") from None
        return row

    return convert


def _from_json(col_type, value: object) -> object:
    if isinstance(col_type, Boolean):
        if not isinstance(value, bool):
            raise TypeError
        return value
    if isinstance(col_type, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError
        return value
    if isinstance(col_type, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError
        return float(value)
    if isinstance(col_type, DateTime):
        return datetime.fromisoformat(_text(value))
    if isinstance(col_type, Date):
        return date.fromisoformat(_text(value))
    if isinstance(col_type, String | Text):
        return _text(value)
    raise TypeError


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value


def _batches(zf: zipfile.ZipFile, ordered: list[tuple[Table, dict]]) -> Iterator[tuple[Table, list[dict]]]:
    for table, entry in ordered:
        member = entry["member"]
        convert = _decoder(table, member)
        batch: list[dict] = []
        with zf.open(member) as fh:
            for lineno, line in enumerate(io.TextIOWrapper(fh, encoding="utf-8"), start=1):
                try:
                    raw = json.loads(line)
                except ValueError:
                    raise BackupError(f"{member} line {lineno}: is not JSON; restore from another copy.") from None
                batch.append(convert(lineno, raw))
                if len(batch) >= _BATCH:
                    yield table, batch
                    batch = []
        yield table, batch


# --- restoring --------------------------------------------------------------------------------


def restore_backup(store: Store, name: str, data: bytes) -> FileResult:
    """Restore the backup ``data`` (read from ``name``) into ``store``, which must be empty.

    Returns one ``FileResult`` (kind ``relmap_backup``): ``imported`` with the rows restored,
    or ``rejected`` with one problem naming the member and what to do; a rejected restore
    writes nothing."""
    display = Path(name).name
    result = FileResult(path=name, kind=KIND, status="rejected", layout=f"schema {SCHEMA_VERSION}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if len(zf.infolist()) > config.MAX_ZIP_MEMBERS:
                raise BackupError(f"{display} holds {len(zf.infolist())} files, more than a relmap backup has; "
                                  "restore from another copy.")
            manifest = _read_manifest(zf)
            ordered = _check_members(name, zf, manifest)
            result.rows_read = sum(int(entry["rows"]) for _, entry in ordered)
            restored = store.restore_tables(_batches(zf, ordered))
    except BackupError as exc:
        result.problems = [Problem(0, f"{display}/{exc}" if not str(exc).startswith(display) else str(exc))]
        return result
    except StoreNotEmpty as exc:
        where = make_url(store.url).render_as_string(hide_password=True)
        snapshots = exc.held.get("snapshots", 0)
        result.problems = [Problem(0, (
            f"{display} is a relmap backup: it restores only into an empty store, and the store at {where} "
            f"already holds data ({snapshots} snapshots, {sum(exc.held.values())} rows); nothing was changed. "
            "Restore it into a new store with --db (e.g. --db sqlite:///data/restored.db, or a new PostgreSQL "
            "database), or delete this store first (remove the SQLite file, or drop the database's tables)."))]
        return result
    except (zipfile.BadZipFile, SQLAlchemyError, OSError, EOFError) as exc:
        result.problems = [Problem(0, f"{display}: could not be restored ({exc.__class__.__name__}); nothing "
                                      "was written. Check the backup with another copy, or report it.")]
        return result
    result.status = "imported"
    result.records_imported = restored
    return result
