"""Stories written as real export files and read back through the CLI (``--json``).

The judge of relmap's answers is the command line on files nobody has seen, so these
stories go the whole way: CSV bytes -> ``python -m relmap import`` -> ``report`` /
``timeline`` / ``paths`` / ``suggest`` ``--json``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from relmap.cli import main

PREAMBLE = ('Notes:\n"When exporting your connection data, you may notice that some of the email addresses '
            'are missing. You will only see email addresses for connections who have allowed their connections '
            'to see or download their email address using this setting."\n\n')


def _csv(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def _connected(text: str) -> str:
    """``2024-01-05`` -> ``05 Jan 2024`` (the export's spelling)."""
    from datetime import date

    return date.fromisoformat(text).strftime("%d %b %Y")


class FileStory:
    """Files of a small team in ``folder``, imported in the order written, read through the CLI.

    >>> # s = FileStory(tmp_path); s.connections("Ann Lee", "2026-01-10", [("Joe Smith", "Northwind", "VP", ...)])
    """

    def __init__(self, folder: Path, db: str | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.db = db or f"sqlite:///{self.folder / 'relmap.db'}"
        self.files: list[tuple[Path, str | None, str]] = []

    def _write(self, name: str, text: str, owner: str | None, as_of: str) -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        self.files.append((path, owner, as_of))
        return path

    def connections(self, rep: str, as_of: str, rows: list[tuple], url: bool = True, name: str | None = None) -> Path:
        """A Connections.csv of ``rep`` dated ``as_of``. Rows: ``(name, company, position, connected_on[,
        slug[, email]])``; ``url=False`` writes the 2020-2023 layout (no URL column)."""
        header = ["First Name", "Last Name"] + (["URL"] if url else []) + \
            ["Email Address", "Company", "Position", "Connected On"]
        out = []
        for row in rows:
            full, company, position, connected = row[:4]
            slug = row[4] if len(row) > 4 else None
            email = row[5] if len(row) > 5 else None
            first, _, last = full.partition(" ")
            cells = [first, last]
            if url:
                cells.append(f"https://www.linkedin.com/in/{slug}" if slug else "")
            cells += [email, company, position, _connected(connected)]
            out.append(cells)
        fname = name or f"{rep.split()[0].lower()}-connections-{as_of}.csv"
        return self._write(fname, PREAMBLE + _csv(header, out), rep, as_of)

    def crm_accounts(self, as_of: str, rows: list[tuple], name: str | None = None) -> Path:
        """Rows: ``(account, type, website, owner, arr, renewal, last_activity)``."""
        header = ["Account Name", "Type", "Website", "Account Owner", "ARR", "Renewal Date", "Last Activity"]
        return self._write(name or f"crm-accounts-{as_of}.csv", _csv(header, [list(r) for r in rows]), None, as_of)

    def crm_contacts(self, as_of: str, rows: list[tuple], name: str | None = None) -> Path:
        """Rows: ``(contact id, name, email, title, account, role, owner, last_activity)``."""
        header = ["Contact ID", "First Name", "Last Name", "Email", "Title", "Account Name", "Contact Role",
                  "Contact Owner", "Last Activity"]
        out = []
        for cid, full, email, title, account, role, owner, last in rows:
            first, _, lastname = full.partition(" ")
            out.append([cid, first, lastname, email, title, account, role, owner, last])
        return self._write(name or f"crm-contacts-{as_of}.csv", _csv(header, out), None, as_of)

    def crm_opportunities(self, as_of: str, rows: list[tuple], name: str | None = None) -> Path:
        """Rows: ``(opportunity, account, stage, amount, close_date)``."""
        header = ["Opportunity Name", "Account Name", "Stage", "Amount", "Close Date"]
        return self._write(name or f"crm-opportunities-{as_of}.csv", _csv(header, [list(r) for r in rows]),
                           None, as_of)

    def referrals(self, as_of: str, rows: list[tuple], name: str | None = None) -> Path:
        """Rows: ``(referrer, referred, date, note, company)``."""
        header = ["Referrer", "Referred", "Date", "Note", "Company"]
        return self._write(name or f"referrals-{as_of}.csv", _csv(header, [list(r) for r in rows]), None, as_of)

    def load(self, order: list[int] | None = None) -> None:
        """Import every file (in ``order`` of writing when given) through ``python -m relmap import``."""
        files = self.files if order is None else [self.files[i] for i in order]
        for path, owner, as_of in files:
            argv = ["import", str(path), "--db", self.db, "--as-of", as_of, "--json"]
            if owner:
                argv += ["--owner", owner]
            assert main(argv) == 0, f"import of {path.name} failed"

    def cli(self, capsys, *argv: str, code: int = 0):
        """Run ``python -m relmap ARGV --db ... --json`` and return the one JSON object printed."""
        capsys.readouterr()
        got = main([*argv, "--db", self.db, "--json"])
        out = capsys.readouterr().out
        assert got == code, out
        return json.loads(out)

    def report(self, capsys, as_of: str | None = None) -> dict:
        return self.cli(capsys, "report", *(["--as-of", as_of] if as_of else []))
