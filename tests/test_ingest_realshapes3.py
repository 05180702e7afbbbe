"""Real shapes, third sweep: month names in other languages written by locale spreadsheets,
Mac Roman CSV from old Excel for Mac, day-first dates in Excel's UTF-16 "Unicode text",
CRM files inside a LinkedIn archive, and CRM exports whose shapes were not read before.

Every fixture under ``tests/fixtures/realshapes3`` is a synthetic look-alike (invented people and
companies) of a real public file's shape; each test pins exact counts and the values read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from relmap.importer import import_bytes, import_paths
from relmap.ingest import crm, linkedin, parse_bytes, sniff
from tests.conftest import FIXTURES

SHAPES = FIXTURES / "realshapes3"


def _parse(name: str, data: bytes | None = None):
    [parsed] = parse_bytes(name, (SHAPES / name).read_bytes() if data is None else data)
    return parsed


def _records(parsed, *columns: str) -> list[tuple]:
    return [tuple(row) for row in parsed.frame[list(columns)].itertuples(index=False)]


# --- 1. month names in other languages ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("connections_de_excel.csv", [("Jürgen", date(2021, 12, 1)), ("Grete", date(2021, 3, 3)),
                                  ("Ole", date(2022, 10, 15)), ("Uwe", date(2020, 1, 1))]),
    ("connections_fr_excel.csv", [("Élodie", date(2021, 12, 1)), ("Hugo", date(2022, 1, 1)),
                                  ("Inès", date(2023, 2, 15)), ("Théo", date(2019, 8, 1))]),
    ("connections_nl_excel.csv", [("Femke", date(2021, 3, 1)), ("Joris", date(2021, 5, 1)),
                                  ("Sanne", date(2022, 10, 12))]),
    ("connections_es_excel.csv", [("Lucía", date(2021, 1, 1)), ("Mateo", date(2021, 12, 1)),
                                  ("Carmen", date(2022, 8, 15)), ("Pablo", date(2020, 5, 1))]),
])
def test_connections_resaved_with_month_names_in_another_language(name, expected):
    parsed = _parse(name)
    hidden = 1 if name == "connections_de_excel.csv" else 0
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.hidden_rows, parsed.problems) == \
        ("linkedin_connections", "2023+ excel-resave", len(expected) + hidden, hidden, [])
    assert _records(parsed, "first_name", "connected_on") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("01-Dez-21", date(2021, 12, 1)), ("3. März 2021", date(2021, 3, 3)), ("1. Mär. 2021", date(2021, 3, 1)),
    ("01-déc.-21", date(2021, 12, 1)), ("1 janv. 2022", date(2022, 1, 1)), ("15 AOÛT 2021", date(2021, 8, 15)),
    ("01-mrt-21", date(2021, 3, 1)), ("1 mei 2021", date(2021, 5, 1)), ("01-ene-21", date(2021, 1, 1)),
    ("1-dic-21", date(2021, 12, 1)), ("1 de diciembre de 2021", date(2021, 12, 1)),
    ("3-gen-22", date(2022, 1, 3)), ("10-giu-21", date(2021, 6, 10)), ("7-ott-20", date(2020, 10, 7)),
    ("5-out-21", date(2021, 10, 5)), ("7-fev-22", date(2022, 2, 7)), ("1 de março de 2021", date(2021, 3, 1)),
    ("12-maj-21", date(2021, 5, 12)), ("Dez 2021", date(2021, 12, 1)),
])
def test_named_months_in_other_languages(text, expected):
    assert linkedin.parse_date(text) == expected
    assert crm.parse_dates([text]) == [expected]


@pytest.mark.parametrize("text", ["31-Feb-21", "1 Mon 2021", "mar. 3", "Q3 2021", "01-Xyz-21"])
def test_words_that_are_no_month_stay_unreadable(text):
    assert linkedin.parse_date(text) is None
    assert crm.parse_dates([text]) == [text]


def test_german_opportunities_report_with_a_named_month_close_date():
    parsed = _parse("sf_opportunities_de.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("crm_opportunities", 3, [])
    assert _records(parsed, "name", "amount", "close_date", "is_won") == [
        ("Lizenz 2021", 12500.0, date(2021, 3, 3), True), ("Erweiterung", 4000.0, date(2021, 12, 15), False),
        ("Pilot", 900.0, date(2021, 12, 1), False)]


def test_french_accounts_with_a_named_month_last_activity():
    parsed = _parse("accounts_fr.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("crm_accounts", 3, [])
    assert _records(parsed, "name", "owner", "last_activity") == [
        ("Société Fictive", "Claire Dupont", date(2022, 1, 1)), ("Atelier Nord", "Claire Dupont", date(2021, 12, 1)),
        ("Vélo & Cie", "Marc Petit", date(2023, 2, 15))]


# --- 2. Mac Roman: Excel for Mac's "CSV (Macintosh)" ------------------------------------------------


def test_connections_resaved_as_csv_macintosh_read_as_mac_roman():
    data = (SHAPES / "connections_mac_roman.csv").read_bytes()
    assert b"\r" in data and b"\n" not in data  # CR-only line ends, as Excel for Mac writes them
    assert sniff.decode("connections_mac_roman.csv", data)[1] == "mac_roman"
    parsed = _parse("connections_mac_roman.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.hidden_rows, parsed.problems) == \
        ("linkedin_connections", "2023+ excel-resave", 5, 1, [])
    assert _records(parsed, "first_name", "last_name", "company", "position", "connected_on", "line") == [
        ("René", "Müller", "Café Noir SARL", "Directeur – Ventes", date(2024, 12, 9), 5),
        ("Zoë", "O’Brien", "Ärzte Fiktiv AG", "Leiterin Einkauf", date(2023, 3, 14), 6),
        ("François", "Lefèvre", "Crédit Fictif", "Ingénieur d’affaires", date(2021, 11, 2), 7),
        ("Jörg", "Schröder", "Müller & Söhne GmbH", "Geschäftsführer", date(2022, 1, 5), 8)]


def test_salesforce_contacts_report_saved_as_csv_macintosh():
    parsed = _parse("sf_contacts_mac_roman.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_contacts", "salesforce", 3, [])
    assert _records(parsed, "first_name", "last_name", "title", "account_name", "role") == [
        ("Inès", "Benoît", "Responsable Achats", "Société Fictive", "champion"),
        ("Björn", "Ångström", "CFO", "Öresund Logistik Fake", "economic_buyer"),
        ("José", "García", "Jefe de Compras", "Telefónica Fake", "decision_maker")]


@pytest.mark.parametrize("path", [
    "crm/locale_opportunities.csv", "crm/sf_export_Account.csv", "crm/sf_export_Contact.csv",
    "linkedin/connections_excel_cp1252_semicolon.csv", "realshapes/connections_excel_dayfirst.csv",
    "realshapes/sf_opportunities_de.csv", "realshapes2/connections_fr_excel_ambiguous.csv",
    "realshapes3/accounts_fr.csv", "realshapes3/connections_de_excel.csv", "realshapes3/connections_es_excel.csv",
    "realshapes3/connections_fr_excel.csv", "realshapes3/sf_opportunities_de.csv",
])
def test_windows_1252_files_stay_windows_1252(path):
    data = (FIXTURES / path).read_bytes()
    assert sniff.decode(path, data)[1] == "cp1252"


@pytest.mark.parametrize(("text", "mac"), [
    # one word is enough when its two readings differ this much
    ("René", True), ("Müller", True), ("García", True), ("Zoë", True), ("François", True), ("O’Brien", True),
    ("“Best” Consulting", True), ("Mu\u00f1oz", True),
    # punctuation and names as Windows-1252 writes them
    ("Acme’s", False), ("“Best” Consulting – Acme™ … 5 €", False), ("Société Générale", False), ("Jürgen Weiß", False),
    ("L’Oréal Fictif", False), ("Œuvre Sœur", False),
])
def test_mac_roman_told_from_windows_1252_by_content(text, mac):
    encoding = "mac_roman" if mac else "cp1252"
    assert sniff.decode("x.csv", f"Name,Company\r{text},Acme\r".encode(encoding)) == \
        (f"Name,Company\r{text},Acme\r", encoding)


def test_utf8_stays_utf8_even_when_it_reads_like_mojibake():
    # "CafŽ" and "MŸller" are valid UTF-8 here: what the bytes say is kept, never "repaired".
    text = "First Name,Last Name,Company,Connected On\nRenŽ,MŸller,CafŽ,09 Dec 2024\n"
    assert sniff.decode("x.csv", text.encode("utf-8")) == (text, "utf-8")


def test_stray_utf8_in_a_latin1_export_is_no_mac_roman_evidence():
    # Salesforce's ISO-8859-1 Data Export with a few UTF-8 cells pasted in: still Windows-1252.
    data = "Société Générale".encode() + b",M\xfcller,caf\xe9\n"
    assert sniff.decode("Account.csv", data)[1] == "cp1252"


# --- 3. Excel's UTF-16 "Unicode text" from a day-first locale -------------------------------------------


def test_unicode_text_from_a_day_first_locale_reads_every_date_day_first(store):
    # Tab-separated in every locale, so only the dates can tell: 13/02/2021 can only be day first,
    # and then the ambiguous 03/04/2021 and 09/12/2024 are read day first too (as on the ";" path).
    path = SHAPES / "connections_unicode_text_dayfirst.txt"
    assert path.read_bytes()[:2] == b"\xff\xfe"
    parsed = _parse(path.name)
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.hidden_rows, parsed.problems) == \
        ("linkedin_connections", "2023+ excel-resave", 5, 1, [])
    assert _records(parsed, "first_name", "company", "connected_on", "line") == [
        ("Łukasz", "Fikcja Sp. z o.o.", date(2021, 4, 3), 5), ("Siobhán", "Emerald Fake Ltd", date(2021, 2, 13), 6),
        ("Zoë", "Thames Fictive plc", date(2024, 12, 9), 7), ("Amir", "Thames Fictive plc", date(2022, 5, 5), 9)]
    [result] = import_paths(store, [path], owner="Rita Rep")
    assert (result.status, result.rows_read, result.hidden_rows, result.records_imported, result.problems) == \
        ("imported", 5, 1, 4, [])
    since = store.load_frames().relationships.sort_values("connected_on").connected_on.dt.date.tolist()
    assert since == [date(2021, 2, 13), date(2021, 4, 3), date(2022, 5, 5), date(2024, 12, 9)]


def test_unicode_text_whose_dates_all_read_both_ways_says_so_in_the_import_summary(store):
    # 05/05/2022, 03/04/2021, 09/12/2024: no date proves the order and the tab says nothing of the
    # locale, so they are read month first (LinkedIn's and US Excel's order) and the summary says so.
    path = SHAPES / "connections_unicode_text_ambiguous.txt"
    [result] = import_paths(store, [path], owner="Rita Rep")
    assert result.as_dict() == {
        "path": str(path), "kind": "linkedin_connections", "layout": "2023+ excel-resave", "status": "imported",
        "rows_read": 3, "hidden_rows": 0, "records_imported": 3, "snapshot_id": result.snapshot_id,
        "problems": [{"line": 6, "message": (
            "Connected On: no date in this file shows whether '03/04/2021' is day or month first (every one "
            "reads both ways, and the file's separator does not tell), so all were read month first (03/04/2021 = "
            "04 March 2021), as US settings write them; rows kept. If they are day first, format the column as "
            "yyyy-mm-dd in the spreadsheet, save and import the file again.")}]}
    since = store.load_frames().relationships.sort_values("connected_on").connected_on.dt.date.tolist()
    assert since == [date(2021, 3, 4), date(2022, 5, 5), date(2024, 9, 12)]


def test_a_semicolon_file_whose_dates_all_read_both_ways_is_read_day_first_without_a_note():
    # The ";" tells a European Excel wrote it: day first, as before, and nothing to note.
    data = ("First Name;Last Name;Company;Position;Connected On\r\n"
            "Ann;Lee;Acme;CTO;03/04/2021\r\nBo;Ng;Acme;CFO;09/12/2024\r\n").encode("cp1252")
    parsed = _parse("Connections.csv", data)
    assert (list(parsed.frame.connected_on), parsed.problems) == ([date(2021, 4, 3), date(2024, 12, 9)], [])


# --- 4. Files in a LinkedIn archive that are no LinkedIn kind relmap reads ---------------------------------

ARCHIVE_OTHERS = SHAPES / "linkedin_archive"
#: The rest of a real Basic/Complete export (headers as LinkedIn writes them), with what each is.
LINKEDIN_OTHER = {
    "learning_coach_messages.csv": "learning coach conversations (learning_coach_messages.csv)",
    "Learning.csv": "courses (Learning.csv)", "Rich_Media.csv": "uploaded media (Rich_Media.csv)",
    "Ad_Targeting.csv": "ad targeting (Ad_Targeting.csv)",
    "Endorsement_Received_Info.csv": "endorsements (Endorsement_Received_Info.csv)",
    "Recommendations_Received.csv": "recommendations", "Company Follows.csv": "followed companies (Company Follows.csv)",
    "SearchQueries.csv": "searches (SearchQueries.csv)", "Inferences_about_you.csv": "inferences (Inferences_about_you.csv)",
    "Email Addresses.csv": "email addresses (Email Addresses.csv)", "PhoneNumbers.csv": "phone numbers (PhoneNumbers.csv)",
    "Registration.csv": "registration (Registration.csv)", "Skills.csv": "skills (Skills.csv)",
    "Education.csv": "education (Education.csv)", "Languages.csv": "languages (Languages.csv)",
}
ARCHIVE = "Complete_LinkedInDataExport_03-15-2025.zip"


def _linkedin_archive() -> bytes:
    import io
    import zipfile

    li = FIXTURES / "linkedin"
    members = {"Connections.csv": (li / "connections_2024.csv").read_bytes(),
               "Profile.csv": (li / "Profile.csv").read_bytes(), "messages.csv": (li / "messages.csv").read_bytes()}
    members |= {name: (ARCHIVE_OTHERS / name).read_bytes() for name in LINKEDIN_OTHER}
    members |= {"Articles/Articles/closing-the-quarter.html": b"<html><head><title>Closing</title></head></html>",
                "Rich_Media/profile_photo.jpg": b"\xff\xd8\xff\xe0" + bytes(64),
                "__MACOSX/._Connections.csv": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
                # files the rep put in beside LinkedIn's own
                "Salesforce/sf_contacts_report.csv": (FIXTURES / "crm" / "sf_contacts_report.csv").read_bytes(),
                "Salesforce/contacts_from_sales_team.csv": (ARCHIVE_OTHERS / "crm/contacts_from_sales_team.csv")
                .read_bytes(),
                "offsite_budget.csv": (ARCHIVE_OTHERS / "crm/offsite_budget.csv").read_bytes()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_linkedin_archive_with_every_other_file_imports_exact_counts_and_lists_what_it_skipped(store):
    skipped = []
    results = import_bytes(store, ARCHIVE, _linkedin_archive(), skipped=skipped)  # owner from Profile.csv
    assert [(r.path.removeprefix(ARCHIVE + "/"), r.kind, r.status, r.rows_read, r.records_imported)
            for r in results] == [
        ("Profile.csv", "linkedin_profile", "imported", 1, 1),
        ("Connections.csv", "linkedin_connections", "imported", 8, 4),
        ("messages.csv", "linkedin_messages", "imported", 5, 3),
        ("Salesforce/sf_contacts_report.csv", "crm_contacts", "imported", 6, 5),  # a CRM vendor's header
    ]
    entries = {s.path.removeprefix(ARCHIVE + "/"): s for s in skipped}
    assert len(skipped) == len(entries) == 19  # __MACOSX/._Connections.csv (Finder's metadata) is not listed
    assert {m: (s.kind, s.reason) for m, s in entries.items() if m in LINKEDIN_OTHER} == {
        m: ("linkedin_other", f"a file of the LinkedIn export that relmap does not read: {what}.")
        for m, what in LINKEDIN_OTHER.items()}
    assert {m: (s.kind, s.reason) for m, s in entries.items() if m not in LINKEDIN_OTHER and s.kind == "linkedin_other"
            } == {"Articles/Articles/closing-the-quarter.html": ("linkedin_other", "a html file of the LinkedIn "
                                                                                   "export, not a table."),
                  "Rich_Media/profile_photo.jpg": ("linkedin_other", "a jpg file of the LinkedIn export, not a table.")}
    # the rep's own files are not dropped unsaid: each says what it is and what to do
    budget = entries["offsite_budget.csv"]
    assert budget.kind == "unknown" and budget.reason.startswith(
        "offsite_budget.csv is not a file relmap knows (its header is: Item, Cost, Paid By); upload a LinkedIn")
    team = entries["Salesforce/contacts_from_sales_team.csv"]
    assert (team.kind, team.reason) == ("crm_contacts", (
        "reads as CRM contacts by its column names alone (no CRM's own columns mark it), and in a LinkedIn export "
        "such a table is more likely one of LinkedIn's own files; to import it as CRM contacts, upload it on its "
        "own."))
    assert store.counts() == {"snapshots": 4, "reps": 1, "people": 11, "companies": 4, "employments": 9,
                              "relationships": 7, "referrals": 0, "crm_accounts": 0, "crm_contacts": 5,
                              "crm_opportunities": 0}
    frames = store.load_frames()
    names = set(frames.people.full_name)
    # nobody from the learning coach, the endorsements, the recommendations or the address files
    assert not names & {"LinkedIn Learning Coach", "Ana Endorser", "Ben Endorser", "Dee Recommender", "Ada Byron",
                        "Carl Gauss"}
    assert sorted(frames.relationships.source.value_counts().items()) == [("linkedin", 4), ("message", 3)]


def test_learning_coach_messages_never_store_their_bodies(sqlite_store):
    from tests.test_privacy import _all_text

    import_bytes(sqlite_store, ARCHIVE, _linkedin_archive())
    dump = _all_text(sqlite_store)
    assert "Jörg Müller" in dump  # the dump sees the data
    assert "COACH-SECRET" not in dump and "LinkedIn Learning Coach" not in dump
    path = Path(sqlite_store.engine.url.database)
    raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    assert b"COACH-SECRET" not in raw
    # on its own it is refused, saying what it is
    [result] = import_bytes(sqlite_store, "learning_coach_messages.csv",
                            (ARCHIVE_OTHERS / "learning_coach_messages.csv").read_bytes(), owner="Rita Rep")
    assert result.status == "rejected"
    assert result.problems[0].message.startswith(
        "learning_coach_messages.csv is the LinkedIn export's learning coach conversations "
        "(learning_coach_messages.csv) file: chats with LinkedIn's assistant, not with people")


def test_cli_json_lists_skipped_archive_members_beside_files(tmp_path):
    import json
    import subprocess
    import sys

    archive = tmp_path / ARCHIVE
    archive.write_bytes(_linkedin_archive())
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    root = FIXTURES.parent.parent

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "relmap", "import", *args, "--db", db], capture_output=True,
                              text=True, cwd=root, timeout=120, env={**__import__("os").environ, "PYTHONPATH": str(root)})

    out = cli(str(archive), "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert list(summary) == ["files", "skipped"]
    assert [f["status"] for f in summary["files"]] == ["imported"] * 4
    assert all(set(f) == {"path", "kind", "layout", "status", "rows_read", "hidden_rows", "records_imported",
                          "problems", "snapshot_id"} for f in summary["files"])
    assert [(s["path"].removeprefix(str(archive) + "/").removeprefix(ARCHIVE + "/"), s["kind"])
            for s in summary["skipped"] if s["kind"] != "linkedin_other"] == [
        ("offsite_budget.csv", "unknown"), ("Salesforce/contacts_from_sales_team.csv", "crm_contacts")]
    assert sum(s["kind"] == "linkedin_other" for s in summary["skipped"]) == 17
    assert all(set(s) == {"path", "kind", "reason"} and s["reason"] for s in summary["skipped"])
    # a plain file: the object is exactly as before, "files" alone
    plain = cli(str(FIXTURES / "linkedin" / "connections_2021.csv"), "--owner", "Rita Rep", "--json")
    assert list(json.loads(plain.stdout)) == ["files"]
    # without --json: the rep's own files one line each, LinkedIn's other files on one line
    text = cli(str(archive)).stdout.splitlines()
    assert [line.split("  (")[0] for line in text if line.startswith("skipped")] == [
        f"skipped   {ARCHIVE}/offsite_budget.csv", f"skipped   {ARCHIVE}/Salesforce/contacts_from_sales_team.csv",
        "skipped   17 other file(s) of the LinkedIn export that relmap does not read: learning_coach_messages.csv, "
        "Learning.csv, Rich_Media.csv, Ad_Targeting.csv, Endorsement_Received_Info.csv, Recommendations_Received.csv, "
        "Company Follows.csv, SearchQueries.csv, Inferences_about_you.csv, Email Addresses.csv, PhoneNumbers.csv, "
        "Registration.csv, ..."]


def test_upload_page_lists_the_skipped_archive_members(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RELMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'ui.db'}")
    at = AppTest.from_string("from relmap.ui.upload import page\npage()\n", default_timeout=120).run()
    at.file_uploader[0].upload(ARCHIVE, _linkedin_archive(), "application/zip")
    at.run()
    at.button(key="upload-go").click().run()
    assert not at.exception
    summary, problems, skipped = (d.value for d in at.dataframe)
    assert list(summary["status"]) == ["imported"] * 4
    assert [e.label for e in at.expander] == [
        "Skipped in the archive: 19 file(s), 17 of them LinkedIn export files relmap has no use for"]
    assert list(skipped.columns) == ["path", "kind", "reason"] and len(skipped) == 19
    assert list(skipped[skipped.kind != "linkedin_other"].path) == [
        f"{ARCHIVE}/offsite_budget.csv", f"{ARCHIVE}/Salesforce/contacts_from_sales_team.csv"]


@pytest.mark.parametrize(("name", "header", "what"), [
    ("Endorsement_Given_Info.csv", "Endorsement Date,Skill Name,Endorsee First Name,Endorsee Last Name,Endorsee Public "
     "Url,Endorsement Status", "endorsements given (Endorsement_Given_Info.csv)"),
    ("Certifications.csv", "Name,Url,Authority,Started On,Finished On,License Number",
     "certifications (Certifications.csv)"),
    ("Projects.csv", "Title,Description,Url,Started On,Finished On", "projects (Projects.csv)"),
    ("Publications.csv", "Name,Published On,Description,Publisher,Url", "publications (Publications.csv)"),
    ("Events.csv", "Event Name,Event Time,Status,External Url", "events (Events.csv)"),
    ("SavedJobAlerts.csv", "ALERT_PARAMETERS,QUERY_CONTEXT,SAVED_SEARCH_ID", "saved job alerts (SavedJobAlerts.csv)"),
    ("Security Challenges.csv", "Challenge Date,IP Address,User Agent,Country,Challenge Type",
     "security challenges (Security Challenges.csv)"),
    ("Ads Clicked.csv", "Ad clicked Date,Ad Title/Id", "ads clicked (Ads Clicked.csv)"),
    ("Shares_123.csv", "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility", "posts (Shares.csv)"),
    ("Comments_123.csv", "Date,Link,Message", "comments (Comments.csv)"),
    ("Reactions_123.csv", "Date,Type,Link", "reactions (Reactions.csv)"),
    ("Profile Summary.csv", "Profile Summary", "profile summary (Profile Summary.csv)"),
    ("Whatsapp Phone Numbers.csv", "Number,Extension,Is_WhatsApp_Number", "WhatsApp numbers (Whatsapp Phone Numbers.csv)"),
    ("guide_messages.csv", "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,"
     "SUBJECT,CONTENT,FOLDER", "guide conversations (guide_messages.csv)"),
])
def test_other_linkedin_export_files_are_known_and_never_read(name, header, what):
    import io
    import zipfile

    row = ",".join(["x"] * len(header.split(",")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Connections.csv", (FIXTURES / "linkedin" / "connections_2024.csv").read_bytes())
        zf.writestr(name, f"{header}\n{row}\n")
    skipped = []
    [parsed] = parse_bytes("Basic_LinkedInDataExport_03-15-2025.zip", buf.getvalue(), skipped=skipped)
    assert parsed.kind == "linkedin_connections"
    assert [s.as_dict() for s in skipped] == [{
        "path": f"Basic_LinkedInDataExport_03-15-2025.zip/{name}", "kind": "linkedin_other",
        "reason": f"a file of the LinkedIn export that relmap does not read: {what}."}]
