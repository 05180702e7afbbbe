"""The store: the only module that talks SQL.

``Store`` wraps a SQLAlchemy engine on SQLite (default, ``data/relmap.db``) or
PostgreSQL. The schema lives in ``relmap.model`` and is created on first use.

Writes happen inside ``Store.write()``, one transaction per imported file: the file
is stored whole or not at all. Writers are serialised (``BEGIN IMMEDIATE`` on
SQLite, an advisory lock on PostgreSQL) so concurrent imports never interleave or
collide on new people and companies; readers are never blocked.

>>> store = Store("sqlite://")          # in memory
>>> store.is_empty()
True
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Engine,
    Integer,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    union,
)
from sqlalchemy.engine import make_url

from relmap import config
from relmap.model import (
    FRAME_COLUMNS,
    SCHEMA_VERSION,
    champion_marks,
    companies,
    company_aliases,
    crm_accounts,
    crm_contacts,
    crm_opportunities,
    employments,
    identity_reviews,
    meta,
    metadata,
    people,
    person_emails,
    referrals,
    relationships,
    reps,
    snapshots,
)


class _NoRowValues(logging.Filter):
    """Drops SQLAlchemy's DEBUG echo of result rows: they hold names and emails, and logs
    carry counts only. (``hide_parameters`` on the engines hides the bound values.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


logging.getLogger("sqlalchemy.engine.Engine").addFilter(_NoRowValues())

_PG_WRITE_LOCK = 727_001  # advisory lock id that serialises writers on PostgreSQL
_CHUNK = 900  # bound parameters per IN (...) query, under SQLite's limit
_BULK_ROWS = 5000  # SQLite inserts of this many rows rebuild the table's plain indexes after


class StoreError(Exception):
    """The store cannot be opened or used; the message says what to do."""


class StoreNotEmpty(StoreError):
    """A restore needs an empty store; ``held`` maps the tables that have rows to their counts."""

    def __init__(self, held: dict[str, int]):
        self.held = held
        super().__init__(f"the store is not empty ({', '.join(f'{n} {t}' for t, n in held.items())})")


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: SQL errors and echo never carry row values (names, emails) into logs.
        engine = create_engine(url, connect_args={"timeout": 60}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - trivial
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            if parsed.database and parsed.database != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # Writers take the write lock up front, so two imports queue instead of
            # failing with "database is locked" when one upgrades a read lock.
            if conn.get_execution_options().get("relmap_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@dataclass
class Frames:
    """Everything insights read, as pandas frames (columns: ``model.FRAME_COLUMNS``)."""

    reps: pd.DataFrame
    people: pd.DataFrame
    companies: pd.DataFrame
    snapshots: pd.DataFrame
    employments: pd.DataFrame
    relationships: pd.DataFrame
    referrals: pd.DataFrame
    crm_accounts: pd.DataFrame
    crm_contacts: pd.DataFrame
    crm_opportunities: pd.DataFrame
    champion_marks: pd.DataFrame

    @classmethod
    def empty(cls) -> Frames:
        return cls(**{f.name: pd.DataFrame(columns=FRAME_COLUMNS[f.name]) for f in fields(cls)})


_DATE_COLUMNS = {
    "as_of", "observed_on", "connected_on", "last_touch", "referred_on", "renewal_date",
    "last_activity", "close_date", "started_on", "ended_on", "marked_on", "imported_at",
}


class Store:
    """A relmap store at a SQLAlchemy URL (see ``config.database_url``)."""

    def __init__(self, url: str | None = None):
        self.url = config.database_url(url)
        try:
            self.engine = _make_engine(self.url)
            self.is_sqlite = self.engine.dialect.name == "sqlite"
            self._create_schema()
        except StoreError:
            raise
        except Exception as exc:  # connection refused, bad URL, unwritable file...
            raise StoreError(
                f"Cannot open the store at {make_url(self.url).render_as_string(hide_password=True)}: "
                f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}. "
                "Check --db / RELMAP_DATABASE_URL and that the database is reachable."
            ) from exc

    # --- schema ------------------------------------------------------------------

    def _create_schema(self) -> None:
        if self._schema_is_current():
            return  # opening an existing store never waits for a writer
        with self.write() as conn:
            metadata.create_all(conn, checkfirst=True)
            stored = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
            if stored is None:
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(stored) > SCHEMA_VERSION:
                raise StoreError(
                    f"The store was written by a newer relmap (schema {stored}, this one knows "
                    f"{SCHEMA_VERSION}); upgrade relmap or point --db at another store."
                )

    def _schema_is_current(self) -> bool:
        """Every table exists and the stored schema version is this relmap's (read only)."""
        with self.read() as conn:
            if not set(metadata.tables) <= set(inspect(conn).get_table_names()):
                return False
            stored = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
            return stored is not None and int(stored) == SCHEMA_VERSION

    def generation(self) -> int:
        """A counter bumped by changes that keep every snapshot (erasure, merges), so caches
        keyed by snapshot ids can tell the data changed."""
        with self.read() as conn:
            return int(conn.execute(select(meta.c.value).where(meta.c.key == "generation")).scalar() or 0)

    def _bump_generation(self, conn: Connection) -> None:
        current = conn.execute(select(meta.c.value).where(meta.c.key == "generation")).scalar()
        if current is None:
            conn.execute(meta.insert().values(key="generation", value="1"))
        else:
            conn.execute(meta.update().where(meta.c.key == "generation").values(value=str(int(current) + 1)))

    def schema_version(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar())

    # --- transactions --------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction, serialised against other writers; commits on success."""
        with self.engine.connect() as conn:
            conn.execution_options(relmap_write=True)
            with conn.begin():
                if not self.is_sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection (a consistent snapshot on both backends)."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    # --- snapshots -------------------------------------------------------------------

    def snapshot_by_hash(self, conn: Connection, content_hash: str) -> dict | None:
        row = conn.execute(select(snapshots).where(snapshots.c.content_hash == content_hash)).mappings().first()
        return dict(row) if row else None

    def create_snapshot(self, conn: Connection, **values) -> int:
        values.setdefault("imported_at", datetime.now(UTC).replace(tzinfo=None))
        if isinstance(values.get("problems"), list):
            values["problems"] = json.dumps(values["problems"])
        return conn.execute(snapshots.insert().values(**values)).inserted_primary_key[0]

    def update_snapshot(self, conn: Connection, snapshot_id: int, **values) -> None:
        if isinstance(values.get("problems"), list):
            values["problems"] = json.dumps(values["problems"])
        conn.execute(snapshots.update().where(snapshots.c.id == snapshot_id).values(**values))

    def list_snapshots(self) -> pd.DataFrame:
        """Every import, newest first, with its rep's name."""
        query = (
            select(snapshots, reps.c.name.label("rep_name"))
            .select_from(snapshots.outerjoin(reps, snapshots.c.rep_id == reps.c.id))
            .order_by(snapshots.c.imported_at.desc(), snapshots.c.id.desc())
        )
        with self.read() as conn:
            return _frame(conn.execute(query))

    def delete_snapshot(self, snapshot_id: int) -> bool:
        """Delete one snapshot and everything it brought; people left with no trace go too."""
        with self.write() as conn:
            gone = conn.execute(snapshots.delete().where(snapshots.c.id == snapshot_id)).rowcount
            self._delete_orphans(conn)
        return bool(gone)

    def _delete_orphans(self, conn: Connection) -> None:
        referenced = union(
            select(employments.c.person_id),
            select(relationships.c.person_id),
            select(crm_contacts.c.person_id),
            select(referrals.c.referrer_id),
            select(referrals.c.referred_id),
            select(reps.c.person_id).where(reps.c.person_id.is_not(None)),
        )
        conn.execute(people.delete().where(people.c.id.not_in(referenced.scalar_subquery())))

    # --- reps, companies, people --------------------------------------------------------

    def ensure_rep(self, conn: Connection, name: str) -> int:
        """The id of the rep called ``name`` (matched case- and accent-insensitively)."""
        from relmap.identity import fold

        key = " ".join(fold(name).split())
        found = conn.execute(select(reps.c.id).where(reps.c.name_key == key)).scalar()
        if found is not None:
            return found
        return conn.execute(reps.insert().values(name=name.strip(), name_key=key)).inserted_primary_key[0]

    def rep_person(self, conn: Connection, rep_id: int) -> tuple[str, int | None]:
        """The rep's name and the person id of their own profile (None until known)."""
        row = conn.execute(select(reps.c.name, reps.c.person_id).where(reps.c.id == rep_id)).one()
        return row[0], row[1]

    def set_rep_person(self, conn: Connection, rep_id: int, person_id: int) -> None:
        """Record which person is the rep themselves (from their Profile.csv)."""
        conn.execute(reps.update().where(reps.c.id == rep_id).values(person_id=person_id))

    def company_ids(self, conn: Connection, keys: Iterable[str]) -> dict[str, int]:
        """Known company ids for normalised keys, through names and aliases."""
        keys = list(set(keys))
        found: dict[str, int] = {}
        for chunk in _chunks(keys):
            for key, cid in conn.execute(
                select(companies.c.norm_key, companies.c.id).where(companies.c.norm_key.in_(chunk))
            ):
                found[key] = cid
            for key, cid in conn.execute(
                select(company_aliases.c.alias_key, company_aliases.c.company_id).where(
                    company_aliases.c.alias_key.in_(chunk)
                )
            ):
                found.setdefault(key, cid)
        return found

    def company_ids_by_domain(self, conn: Connection, domains: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(list(set(domains))):
            for dom, cid in conn.execute(
                select(companies.c.domain, companies.c.id).where(companies.c.domain.in_(chunk))
            ):
                found.setdefault(dom, cid)
        return found

    def insert_companies(self, conn: Connection, rows: list[dict]) -> dict[str, int]:
        """Insert ``{name, norm_key, domain}`` rows; returns ``norm_key -> id``."""
        if not rows:
            return {}
        if conn.dialect.name == "sqlite":  # see insert_people: serialised writers own the ids after max(id)
            start = conn.execute(select(func.coalesce(func.max(companies.c.id), 0))).scalar()
            ids = list(range(start + 1, start + 1 + len(rows)))
            self._driver_insert(conn, companies, {"id": ids, **{k: [r[k] for r in rows] for k in rows[0]}})
            return {r["norm_key"]: i for r, i in zip(rows, ids)}
        result = conn.execute(
            companies.insert().returning(companies.c.norm_key, companies.c.id, sort_by_parameter_order=True),
            rows,
        )
        return {key: cid for key, cid in result}

    def set_company_domains(self, conn: Connection, domains: dict[int, str]) -> None:
        """Fill ``companies.domain`` where it is still empty."""
        for cid, dom in domains.items():
            conn.execute(
                companies.update().where(companies.c.id == cid, companies.c.domain.is_(None)).values(domain=dom)
            )

    def add_company_alias(self, conn: Connection, alias_key: str, company_id: int) -> None:
        if conn.execute(select(company_aliases.c.company_id).where(company_aliases.c.alias_key == alias_key)).first():
            return
        conn.execute(company_aliases.insert().values(alias_key=alias_key, company_id=company_id))

    def people_by_url(self, conn: Connection, urls: Iterable[str]) -> dict[str, int]:
        """Person ids for normalised profile URLs (one scan instead of many IN queries for big files)."""
        urls = list(set(urls))
        found: dict[str, int] = {}
        # Many URLs against a store holding no more people than that: one scan is cheaper than
        # many IN queries, and reads no more rows than the file brings. Otherwise only the
        # people with these URLs are read (the unique index), however big the store.
        if len(urls) > 5 * _CHUNK and self._max_id(conn, people) <= len(urls):
            wanted = set(urls)
            rows = conn.execute(select(people.c.profile_url, people.c.id).where(people.c.profile_url.is_not(None)))
            return {u: i for u, i in rows if u in wanted}
        for chunk in _chunks(urls):
            found.update(conn.execute(select(people.c.profile_url, people.c.id).where(people.c.profile_url.in_(chunk))).all())
        return found

    @staticmethod
    def _max_id(conn: Connection, table: Table) -> int:
        """The largest id in ``table`` (0 when empty): a cheap upper bound of its row count."""
        return conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()

    def people_by_email(self, conn: Connection, emails: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(list(set(emails))):
            found.update(
                conn.execute(
                    select(person_emails.c.email, person_emails.c.person_id).where(person_emails.c.email.in_(chunk))
                ).all()
            )
        return found

    def people_by_name(self, conn: Connection, name_keys: Iterable[str]) -> pd.DataFrame:
        """People whose name key is in ``name_keys``, one row per company they were seen at
        (columns person_id, name_key, full_name, profile_url, company_id; company_id may be NaN)."""
        frames = []
        for chunk in _chunks(list(set(name_keys))):
            query = (
                select(people.c.id.label("person_id"), people.c.name_key, people.c.full_name,
                       people.c.profile_url, employments.c.company_id)
                .select_from(people.outerjoin(employments, employments.c.person_id == people.c.id))
                .where(people.c.name_key.in_(chunk))
                .distinct()
            )
            frames.append(_frame(conn.execute(query)))
        if not frames:
            return pd.DataFrame(columns=["person_id", "name_key", "full_name", "profile_url", "company_id"])
        return pd.concat(frames, ignore_index=True)

    def rep_has_connections(self, conn: Connection, rep_id: int) -> bool:
        """Whether any export of the rep's already holds a LinkedIn connection with a date."""
        query = select(relationships.c.id).where(*_dated_linkedin_connections(rep_id)).limit(1)
        return conn.execute(query).first() is not None

    def rep_connections_by_name(self, conn: Connection, rep_id: int, name_keys: Iterable[str]) -> pd.DataFrame:
        """The rep's LinkedIn connections (every export of theirs) to people whose name key is in
        ``name_keys``: columns person_id, name_key, profile_url, connected_on (one row per distinct
        person and date)."""
        columns = ["person_id", "name_key", "profile_url", "connected_on"]
        frames = []
        for chunk in _chunks(list(set(name_keys))):
            query = (
                select(people.c.id.label("person_id"), people.c.name_key, people.c.profile_url,
                       relationships.c.connected_on)
                .select_from(people.join(relationships, relationships.c.person_id == people.c.id))
                .where(*_dated_linkedin_connections(rep_id), people.c.name_key.in_(chunk))
                .distinct()
            )
            frames.append(_frame(conn.execute(query), columns))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    def insert_people(self, conn: Connection, rows: list[dict] | dict[str, list]) -> list[int]:
        """Insert ``{full_name, first_name, last_name, name_key, profile_url, email}`` rows (dicts,
        or one list per column); returns their ids in order."""
        columns = rows if isinstance(rows, dict) else {k: [r[k] for r in rows] for k in (rows[0] if rows else {})}
        count = len(next(iter(columns.values()), []))
        if not count:
            return []
        if conn.dialect.name == "sqlite":
            # Writers are serialised (BEGIN IMMEDIATE), so ids after max(id) are ours to give:
            # one executemany on the driver instead of INSERT ... RETURNING per batch.
            start = conn.execute(select(func.coalesce(func.max(people.c.id), 0))).scalar()
            ids = list(range(start + 1, start + 1 + count))
            self._driver_insert(conn, people, {"id": ids, **columns})
            return ids
        dicts = [dict(zip(columns, values)) for values in zip(*columns.values())]
        result = conn.execute(people.insert().returning(people.c.id, sort_by_parameter_order=True), dicts)
        return [r[0] for r in result]

    def fill_people(self, conn: Connection, urls: dict[int, str], emails: dict[int, str]) -> None:
        """Give known people a profile URL / primary email they did not have yet."""
        if urls:
            conn.execute(
                people.update().where(people.c.id == bindparam("pid"), people.c.profile_url.is_(None))
                .values(profile_url=bindparam("value")),
                [{"pid": p, "value": u} for p, u in urls.items()])
        if emails:
            conn.execute(
                people.update().where(people.c.id == bindparam("pid"), people.c.email.is_(None))
                .values(email=bindparam("value")),
                [{"pid": p, "value": e} for p, e in emails.items()])

    def people_names(self, conn: Connection, person_ids: Iterable[int]) -> dict[int, str]:
        """Person id -> full name as stored."""
        out: dict[int, str] = {}
        for chunk in _chunks(sorted({int(p) for p in person_ids})):
            out.update({int(i): n for i, n in conn.execute(
                select(people.c.id, people.c.full_name).where(people.c.id.in_(chunk))).all()})
        return out

    def rename_people(self, conn: Connection, names: dict[int, tuple[str, str | None, str | None, str]]) -> None:
        """Set ``{person id: (full_name, first_name, last_name, name_key)}``."""
        if names:
            conn.execute(people.update().where(people.c.id == bindparam("pid")).values(
                full_name=bindparam("full"), first_name=bindparam("first"), last_name=bindparam("last"),
                name_key=bindparam("key")),
                [{"pid": p, "full": f, "first": a, "last": b, "key": k} for p, (f, a, b, k) in names.items()])

    def add_emails(self, conn: Connection, pairs: dict[str, int]) -> None:
        """Record ``email -> person_id`` for emails not known yet."""
        if not pairs:
            return
        known = self.people_by_email(conn, pairs)
        new = [(e, p) for e, p in pairs.items() if e not in known]
        if new and self.is_sqlite:
            self._driver_insert(conn, person_emails, {"email": [e for e, _ in new], "person_id": [p for _, p in new]})
        elif new:
            conn.execute(person_emails.insert(), [{"email": e, "person_id": p} for e, p in new])

    def insert_rows(self, conn: Connection, table_name: str,
                    rows: list[dict] | pd.DataFrame | dict[str, list | object]) -> int:
        """Bulk insert rows into one of the observation tables; returns the count.

        ``rows`` is a list of dicts, a frame whose columns are the table's (NaN/NaT stored as
        NULL), or ``{column: list of plain Python values, or one value for every row}`` (None
        for NULL; the cheapest form for big files)."""
        table = metadata.tables[table_name]
        sqlite = conn.dialect.name == "sqlite"
        if isinstance(rows, dict):
            count = max((len(v) for v in rows.values() if isinstance(v, list)), default=0)
            columns = {}
            constants = {}
            for name, values in rows.items():
                if not isinstance(values, list):
                    if sqlite and _sql_literal(values) is not None:
                        constants[name] = values
                        continue
                    values = [values] * count
                if sqlite and isinstance(table.c[name].type, Date):
                    values = _iso_dates(values)
                elif sqlite and isinstance(table.c[name].type, Boolean):
                    values = [None if v is None else int(bool(v)) for v in values]
                columns[name] = values
            if sqlite and count:
                self._driver_insert(conn, table, columns, constants)
                return count
        elif isinstance(rows, pd.DataFrame):
            count = len(rows)
            columns = {c: _py_column(rows[c], table.c[c].type, sqlite) for c in rows.columns}
        else:
            count = len(rows)
            if not rows or any(r.keys() != rows[0].keys() for r in rows):
                if rows:
                    conn.execute(table.insert(), rows)
                return count
            columns = {k: [r[k] for r in rows] for k in rows[0]}
            if sqlite:
                for name, values in columns.items():
                    if isinstance(table.c[name].type, Date):
                        columns[name] = [v.isoformat()[:10] if isinstance(v, date) else v for v in values]
        if not count:
            return 0
        if sqlite:
            self._driver_insert(conn, table, columns)
        else:
            conn.execute(table.insert(), [dict(zip(columns, vals)) for vals in zip(*columns.values())])
        return count

    @staticmethod
    def _driver_insert(conn: Connection, table, columns: dict[str, list], constants: dict | None = None) -> None:
        """SQLite bulk insert of column lists through the driver's executemany.

        Scalar column defaults are filled in for columns left out (as SQLAlchemy would).
        A bulk load (``_BULK_ROWS`` rows or more, at least as many as the table holds) drops
        the table's non-unique indexes first and builds them again after: one sort per index
        instead of a B-tree insert per row. All inside the write transaction, so a rollback
        gives them back too; unique constraints are never dropped.
        """
        constants = dict(constants or {})
        count = len(next(iter(columns.values())))
        for c in table.columns:
            if c.name not in columns and c.name not in constants and c.default is not None and c.default.is_scalar:
                constants[c.name] = c.default.arg
        # Values the same on every row (snapshot id, source...) are written into the statement
        # as literals (``_sql_literal``: numbers, dates and quoted text) instead of bound per row.
        names = [*columns, *constants]
        values = ["?"] * len(columns) + [_sql_literal(v) for v in constants.values()]
        sql = (f'INSERT INTO "{table.name}" ({", ".join(chr(34) + c + chr(34) for c in names)}) '
               f'VALUES ({", ".join(values)})')
        rebuild = [ix for ix in table.indexes if not ix.unique] if count >= _BULK_ROWS else []
        if rebuild and "id" in table.c:
            held = conn.exec_driver_sql(f'SELECT max(id) FROM "{table.name}"').scalar() or 0
            if held > count:
                rebuild = []
        for index in rebuild:
            conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.name}"')
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(sql, zip(*columns.values()))
        finally:
            cursor.close()
        for index in rebuild:
            index.create(conn)

    def add_review(self, conn: Connection, entity: str, left_id: int, right_id: int,
                   confidence: float, reason: str, snapshot_id: int | None) -> bool:
        """List a pair for a user to settle. A pair already waiting, or already kept apart by a
        user, is not listed again (either order); returns whether a review was added."""
        if left_id == right_id or self._pair_reviewed(conn, entity, left_id, right_id, ("open", "kept_apart")):
            return False
        conn.execute(identity_reviews.insert().values(
            entity=entity, left_id=left_id, right_id=right_id, confidence=confidence,
            reason=reason, status="open", snapshot_id=snapshot_id))
        return True

    @staticmethod
    def _pair_reviewed(conn: Connection, entity: str, a: int, b: int, statuses: tuple[str, ...]) -> bool:
        """Whether a review of the pair ``a``, ``b`` (either order) has one of ``statuses``."""
        r = identity_reviews.c
        return conn.execute(select(r.id).where(
            r.entity == entity, r.status.in_(statuses),
            ((r.left_id == a) & (r.right_id == b)) | ((r.left_id == b) & (r.right_id == a))).limit(1)).first() is not None

    def kept_apart_pairs(self, conn: Connection, person_ids: Iterable[int]) -> set[frozenset[int]]:
        """Pairs of these people a user kept apart (a split, or a review settled as keep apart)."""
        ids = sorted({int(p) for p in person_ids})
        r = identity_reviews.c
        pairs: set[frozenset[int]] = set()
        for chunk in _chunks(ids):
            query = select(r.left_id, r.right_id).where(
                r.entity == "person", r.status == "kept_apart", r.left_id.in_(chunk) | r.right_id.in_(chunk))
            pairs.update(frozenset((int(a), int(b))) for a, b in conn.execute(query) if a != b)
        return pairs

    def person_sightings(self, conn: Connection, person_ids: Iterable[int]) -> pd.DataFrame:
        """The snapshots that hold records about these people (employments, relationships, CRM
        contacts, referrals): columns person_id, snapshot_id, rep_id, kind, layout, as_of."""
        columns = ["person_id", "snapshot_id", "rep_id", "kind", "layout", "as_of"]
        frames = [pd.DataFrame(columns=columns)]
        for chunk in _chunks(sorted({int(p) for p in person_ids}), _CHUNK // 5):
            seen = union(*(select(col.label("person_id"), table.c.snapshot_id).where(col.in_(chunk))
                           for table, col in ((employments, employments.c.person_id),
                                              (relationships, relationships.c.person_id),
                                              (crm_contacts, crm_contacts.c.person_id),
                                              (referrals, referrals.c.referrer_id),
                                              (referrals, referrals.c.referred_id)))).subquery()
            query = (select(seen.c.person_id, seen.c.snapshot_id, snapshots.c.rep_id, snapshots.c.kind,
                            snapshots.c.layout, snapshots.c.as_of)
                     .select_from(seen.join(snapshots, snapshots.c.id == seen.c.snapshot_id)))
            frames.append(_frame(conn.execute(query), columns))
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    # --- CRM lookups, identity reviews, merge and split -----------------------------------

    def crm_contact_people(self, conn: Connection, external_ids: Iterable[str]) -> pd.DataFrame:
        """People stored as CRM contacts with these external ids: columns external_id, person_id,
        name_key, kind, layout (of the snapshot that stored them), one row per distinct combination."""
        columns = ["external_id", "person_id", "name_key", "kind", "layout"]
        frames = []
        for chunk in _chunks(list(set(external_ids))):
            query = (select(crm_contacts.c.external_id, crm_contacts.c.person_id, people.c.name_key,
                            snapshots.c.kind, snapshots.c.layout)
                     .select_from(crm_contacts.join(people, people.c.id == crm_contacts.c.person_id)
                                  .join(snapshots, snapshots.c.id == crm_contacts.c.snapshot_id))
                     .where(crm_contacts.c.external_id.in_(chunk)).distinct())
            frames.append(_frame(conn.execute(query), columns))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    def crm_account_companies(self, conn: Connection, external_ids: Iterable[str]) -> dict[str, int]:
        """Company ids of CRM accounts by their external id (the latest import wins)."""
        found: dict[str, int] = {}
        for chunk in _chunks(list(set(external_ids))):
            query = (select(crm_accounts.c.external_id, crm_accounts.c.company_id)
                     .where(crm_accounts.c.external_id.in_(chunk), crm_accounts.c.company_id.is_not(None))
                     .order_by(crm_accounts.c.id))
            found.update({ext: cid for ext, cid in conn.execute(query)})
        return found

    def people_at_companies(self, conn: Connection, company_ids: Iterable[int]) -> pd.DataFrame:
        """People ever seen at these companies (columns person_id, first_name, last_name,
        full_name, profile_url, company_id)."""
        frames = [pd.DataFrame(columns=["person_id", "first_name", "last_name", "full_name", "profile_url",
                                        "company_id"])]
        for chunk in _chunks(sorted({int(c) for c in company_ids})):
            query = (
                select(people.c.id.label("person_id"), people.c.first_name, people.c.last_name, people.c.full_name,
                       people.c.profile_url, employments.c.company_id)
                .select_from(people.join(employments, employments.c.person_id == people.c.id))
                .where(employments.c.company_id.in_(chunk))
                .distinct()
            )
            frames.append(_frame(conn.execute(query)))
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def reviews(self, status: str | None = "open") -> pd.DataFrame:
        """Identity reviews (all when ``status`` is None) with both sides' display names."""
        query = select(identity_reviews).order_by(identity_reviews.c.confidence.desc(), identity_reviews.c.id)
        if status:
            query = query.where(identity_reviews.c.status == status)
        with self.read() as conn:
            frame = _frame(conn.execute(query))
            names = dict(conn.execute(select(people.c.id, people.c.full_name)).all())
            firms = dict(conn.execute(select(companies.c.id, companies.c.name)).all())
        for side in ("left", "right"):
            frame[f"{side}_name"] = [
                (names if entity == "person" else firms).get(i)
                for entity, i in zip(frame["entity"], frame[f"{side}_id"])
            ]
        return frame

    def resolve_review(self, review_id: int, decision: str) -> bool:
        """Settle one review: ``merge`` joins the two records (the left one is kept), ``split``
        (or ``keep_apart``) keeps them apart for good. Returns False when there is no such review."""
        if decision not in {"merge", "split", "keep_apart"}:
            raise ValueError(f"decision must be 'merge' or 'split', not {decision!r}")
        with self.read() as conn:
            row = conn.execute(select(identity_reviews).where(identity_reviews.c.id == review_id)).mappings().first()
        if row is None:
            return False
        if decision == "merge":
            merge = self.merge_people if row["entity"] == "person" else self.merge_companies
            merge(row["left_id"], row["right_id"])
        with self.write() as conn:
            conn.execute(identity_reviews.update().where(identity_reviews.c.id == review_id)
                         .values(status="merged" if decision == "merge" else "kept_apart"))
        return True

    def merge_people(self, keep_id: int, drop_id: int) -> bool:
        """Make ``drop_id`` the same person as ``keep_id``: every row that names it is repointed,
        then it is deleted. Returns False when either person does not exist."""
        if keep_id == drop_id:
            return False
        with self.write() as conn:
            return self.merge_people_in(conn, keep_id, drop_id)

    def merge_people_in(self, conn: Connection, keep_id: int, drop_id: int) -> bool:
        """``merge_people`` inside the caller's write transaction (an import that learns two
        known people are one)."""
        if keep_id == drop_id:
            return False
        rows = {r["id"]: r for r in conn.execute(
            select(people).where(people.c.id.in_([keep_id, drop_id]))).mappings()}
        if len(rows) != 2:
            return False
        keep, drop = rows[keep_id], rows[drop_id]
        for table, col in ((employments, "person_id"), (relationships, "person_id"), (crm_contacts, "person_id"),
                           (referrals, "referrer_id"), (referrals, "referred_id"), (reps, "person_id"),
                           (champion_marks, "person_id"), (person_emails, "person_id")):
            conn.execute(table.update().where(table.c[col] == drop_id).values({col: keep_id}))
        for col in ("left_id", "right_id"):
            conn.execute(identity_reviews.update().where(identity_reviews.c.entity == "person",
                                                         identity_reviews.c[col] == drop_id)
                         .values({col: keep_id}))
        self._repoint_contact_roles(conn, drop_id, keep_id)
        conn.execute(identity_reviews.update().where(
            identity_reviews.c.entity == "person", identity_reviews.c.left_id == keep_id,
            identity_reviews.c.right_id == keep_id).values(status="merged"))
        self._settle_repeated_reviews(conn, "person", keep_id)
        conn.execute(people.delete().where(people.c.id == drop_id))
        self._bump_generation(conn)
        fill = {k: drop[k] for k in ("profile_url", "email", "first_name", "last_name") if not keep[k] and drop[k]}
        if fill:
            conn.execute(people.update().where(people.c.id == keep_id).values(**fill))
        return True

    def _settle_repeated_reviews(self, conn: Connection, entity: str, kept_id: int) -> None:
        """After a merge repointed reviews to ``kept_id``: an open review of a pair a user already
        kept apart is settled as kept apart, and a pair waiting twice is listed once."""
        r = identity_reviews.c
        rows = conn.execute(select(r.id, r.left_id, r.right_id, r.status).where(
            r.entity == entity, (r.left_id == kept_id) | (r.right_id == kept_id)).order_by(r.id)).all()
        kept_apart = {frozenset((a, b)) for _, a, b, status in rows if status == "kept_apart"}
        waiting: set[frozenset[int]] = set()
        for review_id, a, b, status in rows:
            pair = frozenset((a, b))
            if status != "open":
                continue
            if len(pair) == 1:  # the merged pair itself
                conn.execute(identity_reviews.update().where(r.id == review_id).values(status="merged"))
            elif pair in kept_apart:
                conn.execute(identity_reviews.update().where(r.id == review_id).values(status="kept_apart"))
            elif pair in waiting:
                conn.execute(identity_reviews.delete().where(r.id == review_id))
            waiting.add(pair)

    def _repoint_contact_roles(self, conn: Connection, drop_id: int, keep_id: int | None,
                               snapshot_ids: list[int] | None = None) -> None:
        """Contact roles naming ``drop_id`` name ``keep_id`` instead (are removed when None), on
        every opportunity or only those of ``snapshot_ids``."""
        query = select(crm_opportunities.c.id, crm_opportunities.c.contact_roles).where(
            crm_opportunities.c.contact_roles.like(f"%{drop_id}%"))
        if snapshot_ids is not None:
            query = query.where(crm_opportunities.c.snapshot_id.in_(snapshot_ids))
        for opp_id, raw in conn.execute(query).all():
            roles = json.loads(raw or "[]")
            if any(r.get("person_id") == drop_id for r in roles):
                if keep_id is None:
                    roles = [r for r in roles if r.get("person_id") != drop_id]
                for r in roles:
                    if r.get("person_id") == drop_id:
                        r["person_id"] = keep_id
                conn.execute(crm_opportunities.update().where(crm_opportunities.c.id == opp_id)
                             .values(contact_roles=json.dumps(roles)))

    def merge_companies(self, keep_id: int, drop_id: int) -> bool:
        """Make company ``drop_id`` an alias of ``keep_id`` and repoint every row that names it."""
        if keep_id == drop_id:
            return False
        with self.write() as conn:
            drop = conn.execute(select(companies).where(companies.c.id == drop_id)).mappings().first()
            if drop is None or conn.execute(select(companies.c.id).where(companies.c.id == keep_id)).first() is None:
                return False
            for table in (employments, referrals, crm_accounts, crm_contacts, crm_opportunities, champion_marks,
                          company_aliases):
                conn.execute(table.update().where(table.c.company_id == drop_id).values(company_id=keep_id))
            for col in ("left_id", "right_id"):
                conn.execute(identity_reviews.update().where(identity_reviews.c.entity == "company",
                                                             identity_reviews.c[col] == drop_id)
                             .values({col: keep_id}))
            self._settle_repeated_reviews(conn, "company", keep_id)
            conn.execute(companies.delete().where(companies.c.id == drop_id))
            self._bump_generation(conn)
            self.add_company_alias(conn, drop["norm_key"], keep_id)
            if drop["domain"]:
                self.set_company_domains(conn, {keep_id: drop["domain"]})
        return True

    def person_records(self, person_id: int) -> pd.DataFrame:
        """What each snapshot says about one person, for a split: one row per snapshot with
        ``snapshot_id, file_name, kind, as_of, rep_name, what`` (employer and title, relationship
        source, CRM role or referral), oldest first."""
        rows: dict[int, list[str]] = {}
        with self.read() as conn:
            emp = conn.execute(select(employments.c.snapshot_id, employments.c.company_text, employments.c.title)
                               .where(employments.c.person_id == person_id)).all()
            for sid, company, title in emp:
                rows.setdefault(sid, []).append(" — ".join(t for t in (title, company) if t) or "no employer")
            for sid, source in conn.execute(select(relationships.c.snapshot_id, relationships.c.source)
                                            .where(relationships.c.person_id == person_id)).all():
                rows.setdefault(sid, []).append(f"{source} relationship")
            for sid, role in conn.execute(select(crm_contacts.c.snapshot_id, crm_contacts.c.role)
                                          .where(crm_contacts.c.person_id == person_id)).all():
                rows.setdefault(sid, []).append(f"CRM contact ({role})" if role else "CRM contact")
            for sid, referrer in conn.execute(select(referrals.c.snapshot_id, referrals.c.referrer_id)
                                              .where((referrals.c.referrer_id == person_id)
                                                     | (referrals.c.referred_id == person_id))).all():
                rows.setdefault(sid, []).append("referrer" if referrer == person_id else "referred")
            snaps = _frame(conn.execute(
                select(snapshots.c.id.label("snapshot_id"), snapshots.c.file_name, snapshots.c.kind,
                       snapshots.c.as_of, reps.c.name.label("rep_name"))
                .select_from(snapshots.outerjoin(reps, reps.c.id == snapshots.c.rep_id))
                .where(snapshots.c.id.in_(list(rows) or [-1]))
                .order_by(snapshots.c.as_of, snapshots.c.id)))
        if snaps.empty:
            return pd.DataFrame(columns=["snapshot_id", "file_name", "kind", "as_of", "rep_name", "what"])
        snaps["what"] = [", ".join(dict.fromkeys(rows[int(s)])) for s in snaps["snapshot_id"]]
        return snaps

    def split_person(self, person_id: int, snapshot_ids: Iterable[int]) -> int | None:
        """Undo a wrong match: what the snapshots ``snapshot_ids`` say about ``person_id``
        (employments, relationships, CRM contacts, referrals, opportunity contact roles) moves to
        a new person with the same name, and the pair is recorded as kept apart. The profile URL
        and emails stay with the original. Returns the new person's id, or None when the person
        does not exist or the chosen snapshots hold none or all of their records."""
        chosen = sorted({int(s) for s in snapshot_ids})
        held = set(self.person_records(person_id)["snapshot_id"].astype(int))
        if not chosen or not held.intersection(chosen) or held <= set(chosen):
            return None
        with self.write() as conn:
            row = conn.execute(select(people).where(people.c.id == person_id)).mappings().first()
            if row is None:
                return None
            new_id = conn.execute(people.insert().values(
                full_name=row["full_name"], first_name=row["first_name"], last_name=row["last_name"],
                name_key=row["name_key"])).inserted_primary_key[0]
            for table, col in ((employments, "person_id"), (relationships, "person_id"),
                               (crm_contacts, "person_id"), (referrals, "referrer_id"), (referrals, "referred_id")):
                conn.execute(table.update().where(table.c[col] == person_id, table.c.snapshot_id.in_(chosen))
                             .values({col: new_id}))
            self._repoint_contact_roles(conn, person_id, new_id, snapshot_ids=chosen)
            conn.execute(identity_reviews.insert().values(
                entity="person", left_id=person_id, right_id=new_id, confidence=1.0,
                reason="split by a user", status="kept_apart", snapshot_id=None))
            self._bump_generation(conn)
        return int(new_id)

    # --- erasure ---------------------------------------------------------------------------

    def find_people(self, query: str) -> list[dict]:
        """People a ``forget`` query names: an email (any of their addresses), a LinkedIn
        profile URL, or a full name (matched like imports match names: case, accents and word
        order ignored). Each match is ``{id, full_name, profile_url, email}``."""
        from relmap import identity

        with self.read() as conn:
            return self._find_people(conn, query, identity)

    def _find_people(self, conn: Connection, query: str, identity) -> list[dict]:
        cols = (people.c.id, people.c.full_name, people.c.profile_url, people.c.email)
        email = identity.normalise_email(query) if "@" in query else None
        url = identity.normalise_profile_url(query)
        if email:
            owned = select(person_emails.c.person_id).where(person_emails.c.email == email)
            where = (func.lower(people.c.email) == email) | people.c.id.in_(owned)
        elif url:
            where = people.c.profile_url == url
        else:
            key = identity.name_key(query)
            if not key:
                return []
            where = people.c.name_key == key
        return [dict(r) for r in conn.execute(select(*cols).where(where).order_by(people.c.id)).mappings()]

    def forget_person(self, query: str) -> int:
        """Erase one person everywhere and return the number of rows removed.

        ``query`` is an email, a profile URL or a full name. Everything that names the
        person goes in one transaction: their ``people`` row, emails, employments,
        relationships, CRM contacts, referrals given or received, champion marks, identity
        reviews, their place in opportunities' contact roles, and their name or email in
        free text (referral and champion notes, CRM owners). On SQLite the file is then
        vacuumed and the WAL truncated, so freed pages do not keep the erased bytes.

        Raises ``LookupError`` when nobody matches, or when a name matches several people
        (the message lists them: forget one by email or profile URL), and ``ValueError``
        when the person is a rep whose exports are still stored.
        """
        from relmap import identity

        query = (query or "").strip()
        if not query:
            raise LookupError("Say who to forget: an email, a LinkedIn profile URL or a full name.")
        with self.write() as conn:
            found = self._find_people(conn, query, identity)
            if not found:
                raise LookupError(f"Nobody in the store matches {query!r}; check the spelling, or use "
                                  "their email or LinkedIn profile URL.")
            by_identifier = "@" in query or identity.normalise_profile_url(query)
            if len(found) > 1 and not by_identifier:
                listed = "; ".join(f"{p['full_name']} ({p['profile_url'] or p['email'] or 'id ' + str(p['id'])})"
                                   for p in found)
                raise LookupError(f"{len(found)} people are called {query!r}: {listed}. Forget one by "
                                  "email or profile URL.")
            ids = [p["id"] for p in found]
            removed = self._erase_people(conn, ids, found)
            self._bump_generation(conn)
        self._compact_after_erasure()
        return removed

    def _erase_people(self, conn: Connection, ids: list[int], found: list[dict]) -> int:
        from relmap import identity

        names = {p["full_name"] for p in found if p["full_name"]}
        emails = {e for (e,) in conn.execute(select(person_emails.c.email).where(person_emails.c.person_id.in_(ids)))}
        emails |= {p["email"].lower() for p in found if p["email"]}
        keys = {identity.name_key(n) for n in names}
        rep_rows = conn.execute(select(reps.c.id, reps.c.name, reps.c.name_key)
                                .where(reps.c.person_id.in_(ids) | reps.c.name_key.in_(
                                    [" ".join(identity.fold(n).split()) for n in names]))).all()
        for rep_id, rep_name, _ in rep_rows:
            if conn.execute(select(func.count()).select_from(snapshots).where(snapshots.c.rep_id == rep_id)).scalar():
                raise ValueError(f"{rep_name} is a rep whose LinkedIn exports are stored; delete their snapshots "
                                 "on the Data page first, then forget them.")
        if self.is_sqlite:  # overwrite deleted content with zeros inside the file as well
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
        removed = 0
        for table, col in ((crm_contacts, "person_id"), (referrals, "referrer_id"), (referrals, "referred_id"),
                           (relationships, "person_id"), (employments, "person_id"),
                           (champion_marks, "person_id"), (person_emails, "person_id")):
            removed += conn.execute(table.delete().where(table.c[col].in_(ids))).rowcount
        removed += conn.execute(identity_reviews.delete().where(
            identity_reviews.c.entity == "person",
            identity_reviews.c.left_id.in_(ids) | identity_reviews.c.right_id.in_(ids))).rowcount
        removed += conn.execute(reps.delete().where(reps.c.id.in_([r[0] for r in rep_rows]))).rowcount
        removed += conn.execute(people.delete().where(people.c.id.in_(ids))).rowcount
        for pid in ids:
            self._repoint_contact_roles(conn, pid, None)
        self._scrub_text(conn, names | emails, keys)
        return removed

    def _scrub_text(self, conn: Connection, needles: set[str], keys: set[str | None]) -> None:
        """Blank the forgotten person's name or email where it survives as free text."""
        from relmap import identity

        needles = {n for n in needles if n}
        for table in (crm_accounts, crm_contacts, crm_opportunities):
            owners = conn.execute(select(table.c.id, table.c.owner).where(table.c.owner.is_not(None))).all()
            gone = [i for i, owner in owners if identity.name_key(owner) in keys or owner.lower() in needles]
            for chunk in _chunks(gone):
                conn.execute(table.update().where(table.c.id.in_(chunk)).values(owner=None))
        lowered = [n.lower() for n in needles]
        for table in (referrals, champion_marks):
            for row_id, note in conn.execute(select(table.c.id, table.c.note).where(table.c.note.is_not(None))).all():
                if any(n in note.lower() for n in lowered):
                    scrubbed = note
                    for n in needles:
                        scrubbed = re.sub(re.escape(n), "[forgotten]", scrubbed, flags=re.IGNORECASE)
                    conn.execute(table.update().where(table.c.id == row_id).values(note=scrubbed))

    def _compact_after_erasure(self) -> None:
        """SQLite: rebuild the file (VACUUM) and truncate the WAL, so no free page or WAL frame
        still holds erased bytes. PostgreSQL keeps dead row versions until its own vacuum
        reuses the space (see docs/SECURITY.md)."""
        if not self.is_sqlite or make_url(self.url).database in (None, "", ":memory:"):
            return
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.execute("VACUUM")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.close()
        finally:
            raw.close()

    # --- backup and restore (relmap.backup writes and reads the zip) ---------------------------

    def dump_tables(self, sink: Callable[[Table, Iterator[dict]], None]) -> None:
        """Hand every table's rows to ``sink(table, rows)``: tables in dependency order
        (``metadata.sorted_tables``), rows as dicts ordered by primary key, all read from one
        consistent snapshot (REPEATABLE READ on PostgreSQL; one WAL read transaction on SQLite)."""
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                for table in metadata.sorted_tables:
                    query = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=2000)
                    result = conn.execute(query)
                    sink(table, (dict(row) for row in result.mappings()))

    def restore_tables(self, batches: Iterable[tuple[Table, list[dict]]]) -> int:
        """Insert ``(table, rows)`` batches, ids included, into this store when it is empty, in
        one transaction; returns the rows inserted. ``meta`` is replaced by the batches' rows.
        On PostgreSQL each id sequence is moved past the restored ids.

        Raises ``StoreNotEmpty`` (nothing written) when any table but ``meta`` holds rows; any
        error while inserting rolls the whole restore back."""
        with self.write() as conn:
            held = {t.name: n for t in metadata.sorted_tables if t is not meta
                    and (n := conn.execute(select(func.count()).select_from(t)).scalar())}
            if held:
                raise StoreNotEmpty(held)
            conn.execute(meta.delete())
            total = 0
            for table, rows in batches:
                if rows:
                    conn.execute(table.insert(), rows)
                    total += len(rows)
            if not self.is_sqlite:
                for table in metadata.sorted_tables:
                    pk = list(table.primary_key.columns)
                    if len(pk) == 1 and isinstance(pk[0].type, Integer):
                        conn.execute(
                            text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                                 f"COALESCE(MAX({pk[0].name}), 1), MAX({pk[0].name}) IS NOT NULL) FROM {table.name}"))
            stored = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
            if stored is None:
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        return total

    # --- reading -------------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self.read() as conn:
            return conn.execute(select(func.count()).select_from(snapshots)).scalar() == 0

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        tables = {"snapshots": snapshots, "reps": reps, "people": people, "companies": companies,
                  "employments": employments, "relationships": relationships, "referrals": referrals,
                  "crm_accounts": crm_accounts, "crm_contacts": crm_contacts,
                  "crm_opportunities": crm_opportunities}
        with self.read() as conn:
            return {name: conn.execute(select(func.count()).select_from(t)).scalar() for name, t in tables.items()}

    def table_counts(self) -> dict[str, int]:
        """Row counts of every table of the schema (bookkeeping included)."""
        with self.read() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in metadata.sorted_tables}

    def rep_names(self) -> list[str]:
        with self.read() as conn:
            return list(conn.execute(select(reps.c.name).order_by(reps.c.name)).scalars())

    def company_names(self) -> list[str]:
        """Companies someone is or was seen at, by name."""
        with self.read() as conn:
            return list(conn.execute(select(companies.c.name).order_by(companies.c.name)).scalars())

    def load_frames(self, as_of: date | None = None) -> Frames:
        """Read the whole store as frames for insights (only snapshots up to ``as_of``)."""
        with self.read() as conn:
            snap_filter = [] if as_of is None else [snapshots.c.as_of <= as_of]
            snap_ids = select(snapshots.c.id).where(*snap_filter)

            def observed(table, *cols):
                return (
                    select(*cols, table.c.snapshot_id, snapshots.c.as_of.label("observed_on"))
                    .select_from(table.join(snapshots, table.c.snapshot_id == snapshots.c.id))
                    .where(*snap_filter)
                )

            queries = {
                "reps": select(reps.c.id.label("rep_id"), reps.c.name.label("rep_name"), reps.c.person_id),
                "people": select(people.c.id.label("person_id"), people.c.full_name, people.c.profile_url, people.c.email),
                "companies": select(companies.c.id.label("company_id"), companies.c.name.label("company_name"),
                                    companies.c.norm_key, companies.c.domain),
                "snapshots": select(snapshots.c.id.label("snapshot_id"), snapshots.c.file_name, snapshots.c.kind,
                                    snapshots.c.layout, snapshots.c.rep_id, snapshots.c.as_of,
                                    snapshots.c.imported_at, snapshots.c.is_demo).where(*snap_filter),
                "employments": select(employments.c.person_id, employments.c.company_id, employments.c.company_text,
                                      employments.c.title, employments.c.snapshot_id, employments.c.observed_on,
                                      employments.c.source, employments.c.started_on, employments.c.ended_on)
                .where(employments.c.snapshot_id.in_(snap_ids)),
                "relationships": select(relationships.c.rep_id, relationships.c.person_id, relationships.c.snapshot_id,
                                        relationships.c.source, relationships.c.connected_on, relationships.c.last_touch,
                                        relationships.c.message_count)
                .where(relationships.c.snapshot_id.in_(snap_ids)),
                "referrals": select(referrals.c.referrer_id, referrals.c.referred_id, referrals.c.company_id,
                                    referrals.c.referred_on, referrals.c.note, referrals.c.snapshot_id)
                .where(referrals.c.snapshot_id.in_(snap_ids)),
                "crm_accounts": observed(crm_accounts, crm_accounts.c.company_id, crm_accounts.c.name,
                                         crm_accounts.c.domain, crm_accounts.c.status, crm_accounts.c.owner,
                                         crm_accounts.c.arr, crm_accounts.c.renewal_date, crm_accounts.c.last_activity),
                "crm_contacts": observed(crm_contacts, crm_contacts.c.person_id, crm_contacts.c.company_id,
                                         crm_contacts.c.email, crm_contacts.c.title, crm_contacts.c.role,
                                         crm_contacts.c.owner, crm_contacts.c.last_activity),
                "crm_opportunities": observed(crm_opportunities, crm_opportunities.c.company_id, crm_opportunities.c.name,
                                              crm_opportunities.c.stage, crm_opportunities.c.amount,
                                              crm_opportunities.c.close_date, crm_opportunities.c.is_closed,
                                              crm_opportunities.c.is_won, crm_opportunities.c.owner,
                                              crm_opportunities.c.contact_roles),
                "champion_marks": select(champion_marks.c.person_id, champion_marks.c.company_id,
                                         champion_marks.c.note, champion_marks.c.marked_on),
            }
            order = {"reps": reps, "people": people, "companies": companies, "snapshots": snapshots,
                     "employments": employments, "relationships": relationships, "referrals": referrals,
                     "crm_accounts": crm_accounts, "crm_contacts": crm_contacts,
                     "crm_opportunities": crm_opportunities, "champion_marks": champion_marks}
            out = {}
            for name, query in queries.items():
                # Rows in id order: insights break ties by row order, so both backends (and a
                # restored backup) give the same report.
                query = query.order_by(order[name].c.id)
                frame = _frame(conn.execute(query), FRAME_COLUMNS[name])
                out[name] = frame[FRAME_COLUMNS[name]]
            return Frames(**out)


def _frame(result, columns: list[str] | None = None) -> pd.DataFrame:
    """A result as a frame, with date columns as datetime64 (NaT when unknown)."""
    rows = result.all()
    frame = pd.DataFrame.from_records(rows, columns=columns or list(result.keys()))
    for col in frame.columns:
        if col in _DATE_COLUMNS:
            frame[col] = pd.to_datetime(frame[col], errors="coerce")
    return frame


def _py_column(series: pd.Series, col_type, sqlite: bool) -> list:
    """A frame column as driver values: None for missing, ints for integer columns, dates as
    ISO text on SQLite (how SQLAlchemy stores them) and ``date`` objects elsewhere."""
    if isinstance(col_type, Date):
        # Converted once per distinct value: a file holds a few thousand distinct dates at most.
        distinct = {}
        for value in series.dropna().unique():
            stamp = pd.Timestamp(value)
            distinct[value] = None if pd.isna(stamp) else (stamp.strftime("%Y-%m-%d") if sqlite else stamp.date())
        return series.map(distinct).astype(object).where(series.notna(), None).tolist()
    if isinstance(col_type, Boolean):
        return series.astype(object).where(series.notna(), None).map(
            lambda v: None if v is None else (int(bool(v)) if sqlite else bool(v))).tolist()
    if isinstance(col_type, Integer) and series.dtype.kind == "f":
        series = series.astype("Int64")
    return series.astype(object).where(series.notna(), None).tolist()


def _sql_literal(value: object) -> str | None:
    """``value`` as an SQLite literal (None, bool, int, finite float, date, text), or None
    when it is another type. Text is quoted with its quotes doubled, SQLite's only escape."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        return repr(value)
    if isinstance(value, date):
        value = value.isoformat()[:10]
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _dated_linkedin_connections(rep_id: int) -> tuple:
    """Conditions on ``relationships`` for the rep's LinkedIn connections that have a date."""
    return (relationships.c.rep_id == rep_id, relationships.c.source == "linkedin",
            relationships.c.connected_on.is_not(None))


def _iso_dates(values: list) -> list:
    """Dates (or datetimes) as ISO ``YYYY-MM-DD`` text, how SQLAlchemy stores a Date on SQLite;
    converted once per distinct value."""
    distinct: dict = {}
    out = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        text = distinct.get(value)
        if text is None:
            text = distinct[value] = value.isoformat()[:10] if isinstance(value, date) else value
        out.append(text)
    return out


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def open_store(url: str | None = None) -> Store:
    """Open (and create on first use) the store at ``url`` or the configured default."""
    return Store(url)
