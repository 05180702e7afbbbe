"""The vocabulary of relmap: the stored schema and the frames that flow between steps.

Two contracts live here, so every module can agree on them without importing each other:

1. ``metadata`` -- the SQLAlchemy Core schema of the store (SQLite or PostgreSQL).
   Everything an import brings in hangs off a ``snapshots`` row, so deleting a
   snapshot removes exactly what it brought (``ON DELETE CASCADE``).
2. ``PARSED_COLUMNS`` -- the columns each parser (``relmap.ingest``) returns for a
   file kind, and ``FRAME_COLUMNS`` -- the columns of the frames that
   ``relmap.store.load_frames`` hands to ``relmap.insights``.

Dates are ``datetime.date`` in the store and ``datetime64`` (day precision) in frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

SCHEMA_VERSION = 1

metadata = MetaData()

# --- bookkeeping -----------------------------------------------------------------

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

reps = Table(
    "reps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False, unique=True),
    # The rep as a person too (their own profile), once known.
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL")),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_name", String(500), nullable=False),
    # sha256 of the file's bytes: identical bytes are imported once.
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("layout", String(60)),
    Column("rep_id", Integer, ForeignKey("reps.id", ondelete="SET NULL")),
    Column("as_of", Date, nullable=False),
    Column("imported_at", DateTime, nullable=False),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("hidden_rows", Integer, nullable=False, default=0),
    Column("records_imported", Integer, nullable=False, default=0),
    Column("problems", Text, nullable=False, default="[]"),  # JSON list of {line, message}
    Column("is_demo", Boolean, nullable=False, default=False),
)

# --- people and companies ----------------------------------------------------------

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("full_name", String(300), nullable=False),
    Column("first_name", String(200)),
    Column("last_name", String(200)),
    # identity.name_key(): lowercase, accents folded, words sorted.
    Column("name_key", String(300), nullable=False, index=True),
    # identity.normalise_profile_url(): "linkedin.com/in/<slug>".
    Column("profile_url", String(500), unique=True),
    Column("email", String(320), index=True),
)

person_emails = Table(
    "person_emails",
    metadata,
    Column("email", String(320), primary_key=True),  # lowercase
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
)

companies = Table(
    "companies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),  # original spelling, for display
    Column("norm_key", String(300), nullable=False, unique=True),  # identity.company_key()
    Column("domain", String(255), index=True),
)

company_aliases = Table(
    "company_aliases",
    metadata,
    Column("alias_key", String(300), primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
)

# --- observations (each belongs to the snapshot that brought it) -------------------

employments = Table(
    "employments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    # NULL when the file names no employer (empty, "Self-employed", "Stealth"...).
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="SET NULL")),
    Column("company_text", String(300)),  # as written in the file
    Column("title", String(500)),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("observed_on", Date, nullable=False),
    # linkedin | crm | positions | profile | referral
    Column("source", String(20), nullable=False),
    Column("started_on", Date),
    Column("ended_on", Date),
    Index("ix_employments_person", "person_id"),
    Index("ix_employments_company", "company_id"),
    Index("ix_employments_snapshot", "snapshot_id"),
)

relationships = Table(
    "relationships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rep_id", Integer, ForeignKey("reps.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    # linkedin | invitation | message | crm
    Column("source", String(20), nullable=False),
    Column("connected_on", Date),
    Column("last_touch", Date),
    Column("message_count", Integer, nullable=False, default=0),
    Index("ix_relationships_rep", "rep_id"),
    Index("ix_relationships_person", "person_id"),
    Index("ix_relationships_snapshot", "snapshot_id"),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("referrer_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("referred_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="SET NULL")),
    Column("referred_on", Date),
    Column("note", Text),
)

crm_accounts = Table(
    "crm_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("external_id", String(100)),
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="SET NULL"), index=True),
    Column("name", String(300), nullable=False),
    Column("domain", String(255)),
    # customer | opportunity | prospect | churned
    Column("status", String(20), nullable=False, default="prospect"),
    Column("owner", String(300)),
    Column("arr", Float),
    Column("renewal_date", Date),
    Column("last_activity", Date),
)

crm_contacts = Table(
    "crm_contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("external_id", String(100)),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="SET NULL"), index=True),
    Column("email", String(320)),
    Column("title", String(500)),
    # champion | economic_buyer | decision_maker | user | influencer | other (free text kept)
    Column("role", String(100)),
    Column("owner", String(300)),
    Column("last_activity", Date),
)

crm_opportunities = Table(
    "crm_opportunities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("external_id", String(100)),
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="SET NULL"), index=True),
    Column("name", String(300)),
    Column("stage", String(100)),
    Column("amount", Float),
    Column("close_date", Date),
    Column("is_closed", Boolean, nullable=False, default=False),
    Column("is_won", Boolean, nullable=False, default=False),
    Column("owner", String(300)),
    # JSON list of {"person_id": int, "role": str}
    Column("contact_roles", Text, nullable=False, default="[]"),
)

# --- user decisions ------------------------------------------------------------------

identity_reviews = Table(
    "identity_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(10), nullable=False),  # person | company
    Column("left_id", Integer, nullable=False),
    Column("right_id", Integer, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", String(12), nullable=False, default="open"),  # open | merged | kept_apart
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE")),
)

champion_marks = Table(
    "champion_marks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="SET NULL")),
    Column("note", Text),
    Column("marked_on", Date, nullable=False),
)

# --- what parsers return -------------------------------------------------------------

#: File kinds relmap knows, in the order sniffing tries them.
KINDS = (
    "linkedin_connections",
    "linkedin_invitations",
    "linkedin_messages",
    "linkedin_positions",
    "linkedin_profile",
    "crm_accounts",
    "crm_contacts",
    "crm_opportunities",
    "referrals",
)

#: Columns of ``ParsedFile.frame`` for each kind. ``line`` is the 1-based line number
#: of the row in the original file (for problems). Text columns hold ``str`` or None;
#: date columns hold ``datetime.date`` or None; numbers are float or None.
PARSED_COLUMNS: dict[str, list[str]] = {
    "linkedin_connections": [
        "line", "first_name", "last_name", "profile_url", "email", "company", "position",
        "connected_on",
    ],
    # One row per invitation; the message text is never kept.
    "linkedin_invitations": [
        "line", "counterpart_name", "counterpart_profile_url", "direction", "sent_on",
    ],
    # One row per counterpart of the exporting member, aggregated: bodies and subjects
    # are never kept.
    "linkedin_messages": [
        "line", "counterpart_name", "counterpart_profile_url", "last_touch", "message_count",
    ],
    "linkedin_positions": ["line", "company", "title", "started_on", "finished_on"],
    "linkedin_profile": ["line", "first_name", "last_name", "headline", "profile_url"],
    "crm_accounts": [
        "line", "external_id", "name", "domain", "status", "owner", "arr", "renewal_date",
        "last_activity",
    ],
    "crm_contacts": [
        "line", "external_id", "first_name", "last_name", "email", "title", "account_name",
        "account_external_id", "role", "owner", "last_activity",
    ],
    "crm_opportunities": [
        "line", "external_id", "name", "account_name", "account_external_id", "stage",
        "amount", "close_date", "is_closed", "is_won", "contact_roles", "owner",
    ],
    # referrer / referred: a name, an email or a profile URL as written.
    "referrals": ["line", "referrer", "referred", "company", "referred_on", "note"],
}


@dataclass
class Problem:
    """A row-level problem: the row was skipped (or a value dropped) and why."""

    line: int
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


class RejectedFile(Exception):
    """A file-level problem: nothing from this file is stored.

    The message is one sentence naming the file, what is wrong and what to do.
    """


class MappingNeeded(RejectedFile):
    """A CRM or referrals table whose required field no column is recognised as holding:
    a column mapping (``--map``, or the Upload page's mapping step) can read it."""


class UnknownKind(RejectedFile):
    """The file is not a kind relmap reads (no known header). A plain upload is rejected;
    an archive skips such members (a LinkedIn export holds dozens relmap has no use for)."""


class LinkedInOther(UnknownKind):
    """A file of the LinkedIn export that relmap does not read (Learning.csv, Skills.csv, the
    learning coach's conversations...); ``what`` says what it holds."""

    def __init__(self, message: str, what: str):
        super().__init__(message)
        self.what = what


@dataclass
class SkippedFile:
    """An archive member that was neither imported nor rejected, and why: listed in the import
    summary (``--json``: the ``skipped`` list) so that nothing in a zip is dropped unsaid.
    ``kind`` is ``linkedin_other`` (a LinkedIn export file relmap has no use for), the kind it
    reads as (a CRM table only column names suggest, a header with no rows) or ``unknown``."""

    path: str
    kind: str
    reason: str

    def as_dict(self) -> dict:
        return {"path": self.path, "kind": self.kind, "reason": self.reason}


@dataclass
class ParsedFile:
    """What a parser made of one file (or one member of an archive)."""

    path: str
    kind: str
    layout: str
    frame: pd.DataFrame
    content_hash: str
    rows_read: int = 0
    hidden_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    owner_hint: str | None = None  # e.g. the member's name from Profile.csv
    as_of_hint: date | None = None  # e.g. the export date in an archive's name
    rejection: str | None = None  # a failed archive member: why nothing of it is stored
    #: crm_accounts only: the primary contact each account row names (Close's lead export), as a
    #: ``PARSED_COLUMNS["crm_contacts"]`` frame; stored as CRM contacts of the same snapshot.
    contacts: pd.DataFrame | None = None


@dataclass
class FileResult:
    """One entry of the import summary (the ``--json`` contract of ``import``)."""

    path: str
    kind: str
    status: str  # imported | unchanged | rejected
    rows_read: int = 0
    hidden_rows: int = 0
    records_imported: int = 0
    problems: list[Problem] = field(default_factory=list)
    snapshot_id: int | None = None
    layout: str | None = None

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "layout": self.layout,
            "status": self.status,
            "rows_read": self.rows_read,
            "hidden_rows": self.hidden_rows,
            "records_imported": self.records_imported,
            "problems": [p.as_dict() for p in self.problems],
            "snapshot_id": self.snapshot_id,
        }


# --- what insights read ----------------------------------------------------------------

#: Columns of the frames in ``relmap.store.Frames`` (what ``load_frames`` returns).
#: Dates are datetime64[ns]-compatible (NaT when unknown).
FRAME_COLUMNS: dict[str, list[str]] = {
    "reps": ["rep_id", "rep_name", "person_id"],
    "people": ["person_id", "full_name", "profile_url", "email"],
    "companies": ["company_id", "company_name", "norm_key", "domain"],
    "snapshots": [
        "snapshot_id", "file_name", "kind", "layout", "rep_id", "as_of", "imported_at",
        "is_demo",
    ],
    # observed_on = the snapshot's as-of date (or CRM export date).
    "employments": [
        "person_id", "company_id", "company_text", "title", "snapshot_id", "observed_on",
        "source", "started_on", "ended_on",
    ],
    "relationships": [
        "rep_id", "person_id", "snapshot_id", "source", "connected_on", "last_touch",
        "message_count",
    ],
    "referrals": [
        "referrer_id", "referred_id", "company_id", "referred_on", "note", "snapshot_id",
    ],
    "crm_accounts": [
        "company_id", "name", "domain", "status", "owner", "arr", "renewal_date",
        "last_activity", "snapshot_id", "observed_on",
    ],
    "crm_contacts": [
        "person_id", "company_id", "email", "title", "role", "owner", "last_activity",
        "snapshot_id", "observed_on",
    ],
    "crm_opportunities": [
        "company_id", "name", "stage", "amount", "close_date", "is_closed", "is_won",
        "owner", "contact_roles", "snapshot_id", "observed_on",
    ],
    "champion_marks": ["person_id", "company_id", "note", "marked_on"],
}
