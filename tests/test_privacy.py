"""Privacy: logs carry counts, never names or emails; message subjects and bodies are never
stored (grepped in the SQLite file and in every text column on PostgreSQL)."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from sqlalchemy import String, Text, select

from relmap import cli
from relmap.importer import import_bytes, import_paths
from relmap.model import metadata
from relmap.store import Store

FIX = Path(__file__).parent / "fixtures"
CONNECTIONS = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
               b"Zelda,Quimbyfox,https://www.linkedin.com/in/zelda-quimbyfox,zelda.q@hyrule.example,Hyrule,CEO,"
               b"01 Jan 2024\n"
               b"Orson,Vantablack,https://www.linkedin.com/in/orson-v,,Hyrule,CTO,02 Jan 2024\n")
CONNECTION_SECRETS = ["Zelda", "Quimbyfox", "zelda.q@hyrule.example", "Orson", "Vantablack", "zelda-quimbyfox"]
SUBJECT = "Project Nightingale pricing"
BODY = "PLEASE-NEVER-STORE-THIS-BODY the discount is 37 percent"
MESSAGES = (
    '"CONVERSATION ID","CONVERSATION TITLE","FROM","SENDER PROFILE URL","TO","RECIPIENT PROFILE URLS","DATE",'
    '"SUBJECT","CONTENT","FOLDER","ATTACHMENTS"\n'
    f'"c1","Nightingale thread","Sam Rep","https://www.linkedin.com/in/sam-rep","Zelda Quimbyfox",'
    f'"https://www.linkedin.com/in/zelda-quimbyfox","2024-05-01 10:22:31 UTC","{SUBJECT}","{BODY}\nsecond line '
    'SECRET-LINE-TWO","INBOX",""\n'
    f'"c1","Nightingale thread","Zelda Quimbyfox","https://www.linkedin.com/in/zelda-quimbyfox","Sam Rep",'
    f'"https://www.linkedin.com/in/sam-rep","2024-05-02 08:00:00 UTC","Re: {SUBJECT}","ANOTHER-SECRET-REPLY","INBOX",""\n'
    '"c2","","Sam Rep","https://www.linkedin.com/in/sam-rep","Orson Vantablack","https://www.linkedin.com/in/orson-v",'
    '"2024-05-03 08:00:00 UTC","","THIRD-SECRET-BODY","SENT",""\n'
).encode()
MESSAGE_SECRETS = [SUBJECT, "Nightingale", "PLEASE-NEVER-STORE", "SECRET-LINE-TWO", "ANOTHER-SECRET-REPLY",
                   "THIRD-SECRET-BODY", "discount is 37"]


def _import_everything(store: Store) -> None:
    results = import_bytes(store, "Connections.csv", CONNECTIONS, owner="Sam Rep", as_of=date(2024, 6, 1))
    results += import_bytes(store, "messages.csv", MESSAGES, owner="Sam Rep", as_of=date(2024, 6, 1))
    results += import_paths(store, [FIX / "crm" / "sf_accounts_report.csv", FIX / "crm" / "sf_contacts_report.csv",
                                    FIX / "crm" / "referrals.csv", FIX / "linkedin" / "messages.csv"],
                            owner="Rita Rep")
    assert {r.status for r in results} == {"imported"}, [(r.path, r.problems) for r in results]


def _file_secrets() -> list[str]:
    """Names and emails in the fixture files imported above (CRM contacts, referrals, messages)."""
    return CONNECTION_SECRETS + ["Joe Smith", "joe.smith@acme.com", "Müller", "ana.mueller@acme.com",
                                 "richard.friend@wayneenterprises.com", "Grace", "Li Wei", "Jörg"]


def test_logs_carry_no_names_or_emails(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, including SQLAlchemy's (which sets itself to WARNING)
    for name in [*logging.root.manager.loggerDict, "sqlalchemy", "sqlalchemy.engine"]:
        caplog.set_level(logging.DEBUG, logger=name)
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")  # created under DEBUG: SQL echo would be on
    _import_everything(store)
    # a failing write is logged too: its message must not carry the rows' values either
    bad = CONNECTIONS.replace(b"Hyrule,CEO", b"Hyrule,CEO2")
    from relmap import importer

    def boom(ctx, parsed):
        importer.write_connections(ctx, parsed)
        row = parsed.frame.iloc[0]  # values from the file, so no name sits in this source line
        ctx.conn.exec_driver_sql("INSERT INTO people (id, full_name, name_key) VALUES (1, ?, ?)",
                                 (row["first_name"], row["last_name"]))  # a duplicate key: IntegrityError
        return 0

    importer.WRITERS["linkedin_connections"], saved = boom, importer.WRITERS["linkedin_connections"]
    try:
        [failed] = import_bytes(store, "Connections2.csv", bad, owner="Sam Rep")
    finally:
        importer.WRITERS["linkedin_connections"] = saved
    assert failed.status == "rejected" and "IntegrityError" in failed.problems[0].message
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    text += "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert any("rows read" in r.getMessage() for r in caplog.records)  # counts are logged
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)  # SQL echo was on
    leaked = [s for s in _file_secrets() + MESSAGE_SECRETS if s.lower() in text.lower()]
    assert not leaked, f"logs mention {leaked}"
    for secret in ["Zelda Quimbyfox"]:
        assert secret not in failed.problems[0].message


def test_cli_verbose_logs_no_names(tmp_path, capsys):
    path = tmp_path / "Connections.csv"
    path.write_bytes(CONNECTIONS)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        root.handlers = []  # let basicConfig install its stderr handler, as in a real run
        assert cli.main(["-v", "import", str(path), "--owner", "Sam Rep", "--db",
                         f"sqlite:///{tmp_path / 'v.db'}"]) == 0
    finally:
        for h in root.handlers:
            root.removeHandler(h)
        root.handlers, root.level = handlers, level
    err = capsys.readouterr().err
    assert "rows read" in err
    assert not [s for s in CONNECTION_SECRETS if s in err], err


def _all_text(store: Store) -> str:
    """Every text column of every table, dumped."""
    parts = []
    with store.read() as conn:
        for table in metadata.sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, String | Text)]
            if cols:
                parts += [str(v) for row in conn.execute(select(*cols)) for v in row if v is not None]
    return "\n".join(parts)


def test_message_subjects_and_bodies_are_never_stored(store):
    _import_everything(store)
    dump = _all_text(store)
    assert "Zelda Quimbyfox" in dump  # the counterpart is stored: the dump sees the data
    assert not [s for s in MESSAGE_SECRETS + ["SECRET-BODY-1", "SECRET-BODY-2", "Renewal"] if s in dump]
    if store.is_sqlite:
        path = Path(store.engine.url.database)
        raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
        assert b"Quimbyfox" in raw
        leaked = [s for s in MESSAGE_SECRETS + ["SECRET-BODY-1", "SECRET-BODY-2"] if s.encode() in raw]
        assert not leaked, f"database file holds {leaked}"
