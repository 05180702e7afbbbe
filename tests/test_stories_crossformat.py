"""Team stories across file formats, each with a known true answer, read through the CLI's ``--json``.

Every story writes the files a team really has (LinkedIn Connections of several vintages and
reps, the whole archive zip, an Excel re-save, Salesforce reports with their footer, HubSpot
exports, referrals) in formats different from each other, imports them with
``python -m relmap import`` and checks ``report`` / ``timeline`` / ``paths`` / ``suggest``
``--json`` against the answer the story was written to have. People are synthetic.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.conftest import IN_CI, PG_URL, _reset_postgres
from tests.filestory import PREAMBLE, FileStory

SF_FOOTER = ('\n\n"Grand Totals ({n} records)"\n\n"Confidential Information - Do Not Distribute"\n'
             '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."\n')
HEADER_2016 = "First Name,Last Name,Email Address,Current Company,Current Position,Tags,Connected On\n"
HEADER_2020 = "First Name,Last Name,Email Address,Company,Position,Connected On\n"
HEADER_2023 = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request) -> str | None:
    """The store the story is imported into: a SQLite file (None) or the PostgreSQL test database."""
    if request.param == "sqlite":
        yield None
        return
    if not PG_URL:
        if IN_CI:
            pytest.fail("RELMAP_TEST_POSTGRES_URL is not set in CI")
        pytest.skip("RELMAP_TEST_POSTGRES_URL not set (CI sets it)")
    _reset_postgres(PG_URL)
    yield PG_URL
    _reset_postgres(PG_URL)


class Story(FileStory):
    """A ``FileStory`` whose files are written byte for byte (any layout, encoding or zip)."""

    def raw(self, name: str, data: bytes | str, owner: str | None = None, as_of: str | None = None,
            encoding: str = "utf-8") -> Path:
        path = self.folder / name
        path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        self.files.append((path, owner, as_of))
        return path

    def load(self, order: list[int] | None = None) -> list[dict]:
        """Import every file through ``python -m relmap import --json``; returns the files' entries."""
        import contextlib
        import json

        from relmap.cli import main

        entries = []
        for path, owner, as_of in self.files if order is None else [self.files[i] for i in order]:
            argv = ["import", str(path), "--db", self.db, "--json"]
            argv += ["--as-of", as_of] if as_of else []
            argv += ["--owner", owner] if owner else []
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                code = main(argv)
            assert code == 0, buf.getvalue()
            entries += json.loads(buf.getvalue())["files"]
        assert all(e["status"] == "imported" for e in entries), entries
        return entries


def moves(report: dict) -> list[tuple]:
    return [(c["person"], c["from_company"], c["to_company"], tuple(c["window"])) for c in report["job_changes"]]


def account(report: dict, name: str) -> dict:
    return next(a for a in report["accounts"] if a["account"] == name)


# --- 1. a 2016 export from one rep, a 2023+ export from another: the champion moved --------------


def test_champion_moved_between_a_2016_export_and_a_2023_export(tmp_path, capsys, db):
    s = Story(tmp_path, db)
    s.raw("ann-Connections-2016.csv", HEADER_2016 +
          'Joe,Smith,joe.smith@gmail.com,ACME Inc.,VP Operations,,"12/22/16, 9:55 AM"\n'
          'Sue,Park,,ACME Inc.,Analyst,,"3/4/15, 10:02 PM"\n', "Ann Lee", "2017-01-15")
    s.raw("sf-accounts.csv", '"Account Name","Type","Website","Account Owner","Annual Revenue"\n'
          '"Acme, Inc","Customer - Direct","www.acme.com","Ann Lee","5000000"\n' + SF_FOOTER.format(n=1),
          None, "2017-01-16")
    s.raw("sf-contacts.csv", '"First Name","Last Name","Email","Title","Account Name","Contact Role","Contact Owner"\n'
          '"Joe","Smith","joe.smith@acme.com","VP Operations","Acme, Inc","Champion","Ann Lee"\n'
          '"Sue","Park","sue.park@acme.com","Analyst","Acme, Inc","User","Ann Lee"\n' + SF_FOOTER.format(n=2),
          None, "2017-01-16")
    s.raw("bob-Connections-2024.csv", PREAMBLE + HEADER_2023 +
          "Joe,Smith,https://www.linkedin.com/in/joesmith,joe.smith@gmail.com,Globex,COO,02 Mar 2021\n"
          "Sue,Park,https://www.linkedin.com/in/suepark,,Acme,Senior Analyst,15 Jan 2022\n", "Bob Ray", "2024-06-10")
    entries = s.load()
    assert [(e["kind"], e["layout"], e["records_imported"]) for e in entries] == [
        ("linkedin_connections", "2016-2017", 2), ("crm_accounts", "salesforce", 1),
        ("crm_contacts", "salesforce", 2), ("linkedin_connections", "2023+", 2)]
    report = s.report(capsys)
    assert moves(report) == [("Joe Smith", "Acme, Inc", "Globex", ("2017-01-16", "2024-06-10"))]
    assert report["job_changes"][0]["confidence"] == 0.6  # two reps, one sighting at Globex, a long window
    # Ann's exports stopped in 2017, seven years before Bob's: she left the team, her network with her.
    [champ] = report["moved_champions"]
    assert (champ["person"], champ["landing"], champ["known_by"]) == ("Joe Smith", "opportunity", ["Bob Ray"])
    acme = account(report, "Acme, Inc")
    assert (acme["status"], acme["threads"], acme["single_threaded"], acme["contacts"]) == \
        ("customer", 1, True, ["Sue Park"])
    assert "champion Joe Smith left for Globex in 2024-06" in acme["reasons"]
    assert report["counts"]["people"] == 2
    globex = s.cli(capsys, "paths", "--company", "Globex")["paths"]
    assert [(p["rep"], p["target"], p["hops"]) for p in globex] == [("Bob Ray", "Joe Smith", 1)]


# --- 2. one rep's exports: 2020-2023 (no URL), then the whole archive zip (URL, new employer) -------


def _archive(name: str, members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, text in members.items():
            zf.writestr(f"{name.removesuffix('.zip')}/{member}", text)
    return buf.getvalue()


ARCHIVE = "Basic_LinkedInDataExport_03-15-2025.zip"


def _archive_story(tmp_path, db=None) -> Story:
    s = Story(tmp_path, db)
    s.raw("accounts.csv", "Account Name,Type,Website,Account Owner\n"
          "Northwind Traders,Customer,northwind.com,Gus Hale\nVandelay Industries,Prospect,vandelay.com,Gus Hale\n",
          None, "2024-09-01")
    s.raw("contacts.csv", "First Name,Last Name,Email,Title,Account Name,Contact Role\n"
          "Kim,Ng,kim.ng@northwind.com,Head of Procurement,Northwind Traders,Champion\n"
          "Hal,Ito,hal.ito@vandelay.com,CFO,Vandelay Industries,\n", None, "2024-09-01")
    s.raw("gus-connections-2024-09.csv", PREAMBLE + HEADER_2020 +
          "Kim,Ng,,Northwind Traders,Head of Procurement,14 Feb 2022\n"
          "Iris,Opp,,Vandelay Industries,Engineer,03 Mar 2023\n", "Gus Hale", "2024-09-02")
    s.raw(ARCHIVE, _archive(ARCHIVE, {
        "Profile.csv": "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
                       "Geo Location,Twitter Handles,Websites,Instant Messengers\n"
                       'Gus,Hale,,,,Account Executive at Initech,,Software,,"Austin, Texas",,,\n',
        "Connections.csv": PREAMBLE + HEADER_2023 +
        "Kim,Ng,https://www.linkedin.com/in/kim-ng-7b1a2/,,Vandelay Industries,VP Procurement,14 Feb 2022\n"
        "Iris,Opp,https://www.linkedin.com/in/iris-opp,,Vandelay Industries,Senior Engineer,03 Mar 2023\n"
        ",,,,,,10 Jan 2025\n",
        # One conversation of two people: both are in every message.
        "messages.csv": "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,"
                        "SUBJECT,CONTENT,FOLDER,ATTACHMENTS\n"
                        "2-abc,,Kim Ng,https://www.linkedin.com/in/kim-ng-7b1a2,Gus Hale,"
                        "https://www.linkedin.com/in/gushale,2025-03-01 10:22:31 UTC,,\"Lunch next week?\",INBOX,\n"
                        "2-abc,,Gus Hale,https://www.linkedin.com/in/gushale,Kim Ng,"
                        "https://www.linkedin.com/in/kim-ng-7b1a2,2025-03-02 09:00:00 UTC,,\"Sure\",INBOX,\n",
        "Positions.csv": "Company Name,Title,Description,Location,Started On,Finished On\n"
                         "Initech,Account Executive,,Austin,Jan 2022,\n"
                         "Northwind Traders,Sales Manager,,Austin,Jun 2018,Dec 2021\n",
        "Skills.csv": "Name\nNegotiation\n",
    }))
    s.raw("referrals.csv", "Referrer,Referred,Date,Note\n"
          "Kim Ng,hal.ito@vandelay.com,2025-03-10,intro over email\n"
          "Kim Ng,https://www.linkedin.com/in/iris-opp/,2025-03-11,\n", None, "2025-03-20")
    return s


@pytest.mark.parametrize("archive_first", [False, True])
def test_archive_zip_shows_the_champion_moved_since_the_older_export(tmp_path, capsys, db, archive_first):
    s = _archive_story(tmp_path, db)
    entries = s.load([0, 1, 3, 2, 4] if archive_first else None)
    zipped = [(e["path"].split("/")[-1], e["kind"], e["records_imported"]) for e in entries if e["path"].startswith(ARCHIVE)]
    assert zipped == [("Profile.csv", "linkedin_profile", 1), ("Connections.csv", "linkedin_connections", 2),
                      ("messages.csv", "linkedin_messages", 1), ("Positions.csv", "linkedin_positions", 2)]
    report = s.report(capsys)
    # Same rep, same name, same "Connected On": the older row without a URL is the same Kim.
    assert moves(report) == [("Kim Ng", "Northwind Traders", "Vandelay Industries", ("2024-09-02", "2025-03-15"))]
    assert report["job_changes"][0]["confidence"] == 0.8
    [champ] = report["moved_champions"]
    assert (champ["person"], champ["landing"], champ["known_by"]) == ("Kim Ng", "opportunity", ["Gus Hale"])
    # Messages with Kim (two, the last on 2025-03-02) + champion: 1 + 0.2 + 1 + 1.
    assert (champ["warm_paths"][0]["sentence"], champ["warm_paths"][0]["strength"]) == \
        ("Gus Hale knows Kim Ng (VP Procurement at Vandelay Industries)", 3.2)
    northwind = account(report, "Northwind Traders")
    assert (northwind["threads"], northwind["single_threaded"], northwind["reasons"][:2]) == \
        (0, True, ["no contact at Northwind Traders", "champion Kim Ng left for Vandelay Industries in 2025-03"])
    assert report["counts"]["people"] == 4 and report["counts"]["reps"] == 1
    paths = s.cli(capsys, "paths", "--company", "Northwind Traders")["paths"]
    assert [(p["kind"], p["sentence"]) for p in paths] == [
        ("former_employee", "Gus Hale used to work at Northwind Traders"),
        ("former_colleague", "Gus Hale knows Kim Ng, who used to work at Northwind Traders")]


def test_referrals_by_email_only_and_by_profile_url_only(tmp_path, capsys, db):
    s = _archive_story(tmp_path, db)
    s.load()
    hal = s.cli(capsys, "paths", "--person", "Hal Ito")["paths"]
    assert [(p["path"], p["kind"], p["company"]) for p in hal] == [
        (["Gus Hale", "Kim Ng", "Hal Ito"], "referral", "Vandelay Industries")]
    events = s.cli(capsys, "timeline", "--company", "vandelay industries inc")["events"]
    assert [(e["date"], e["kind"], e["person"]) for e in events if e["kind"] == "referral"] == []  # no Company column
    people = s.report(capsys)["counts"]["people"]
    assert people == 4  # Hal (by email) and Iris (by URL) are the people already known, not new ones
    iris = s.cli(capsys, "paths", "--person", "Iris Opp")["paths"]
    assert [(p["rep"], p["kind"], p["hops"]) for p in iris][:1] == [("Gus Hale", "direct", 1)]


# --- 3. three snapshots of one rep, the middle one an Excel re-save: a person moved twice ----------


def _three_snapshot_story(tmp_path, db=None) -> Story:
    s = Story(tmp_path, db)
    s.raw("cara-connections-jan.csv", PREAMBLE + HEADER_2023 +
          "Dana,Cruz,https://www.linkedin.com/in/danacruz,,Initech,Engineering Manager,05 Mar 2023\n"
          "José,Núñez,https://www.linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez,,Umbrella Corp,Director of IT,13 Feb 2024\n"
          "Eve,Adams,https://www.linkedin.com/in/eveadams,,Umbrella Corp,Buyer,01 Apr 2024\n", "Cara Diaz", "2025-01-20")
    # Excel in a European locale: Windows-1252, ";", the preamble padded, CRLF, day-first dates.
    excel = ('Notes:;;;;;;\r\n"When exporting your connection data, you may notice that some of the email addresses '
             'are missing.";;;;;;\r\n;;;;;;\r\n'
             "First Name;Last Name;URL;Email Address;Company;Position;Connected On\r\n"
             "Dana;Cruz;https://www.linkedin.com/in/danacruz;;Hooli;Director of Engineering;05/03/2023\r\n"
             "José;Núñez;https://www.linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez;;Umbrella Corp;VP IT;13/02/2024\r\n"
             "Eve;Adams;https://www.linkedin.com/in/eveadams;;Umbrella Corp;Buyer;01/04/2024\r\n"
             "Finn;Olsen;https://www.linkedin.com/in/finnolsen;;Umbrella Corp;CFO;02/06/2025\r\n")
    s.raw("cara-connections-jun.csv", excel, "Cara Diaz", "2025-06-20", encoding="cp1252")
    s.raw("hubspot-companies.csv", "\ufeffRecord ID,Company name,Company Domain Name,Lifecycle Stage,Company owner\r\n"
          "9001,Umbrella,umbrella.com,Customer,Cara Diaz\r\n", None, "2025-12-01")
    s.raw("hubspot-contacts.csv", "\ufeffRecord ID,First Name,Last Name,Email,Job Title,Associated Company,Buying Role,"
          "Contact owner,Last Activity Date\r\n"
          "501,Jose,Nunez,jose.nunez@umbrella.com,VP IT,Umbrella,Champion,Cara Diaz,2025-11-20 14:03\r\n",
          None, "2025-12-01")
    s.raw("hubspot-deals.csv", "\ufeffRecord ID,Deal Name,Deal Stage,Amount,Close Date,Associated Company\r\n"
          "7001,Umbrella renewal,Contract Sent,48000,2026-01-31 00:00,Umbrella\r\n", None, "2025-12-01")
    s.raw("cara-connections-dec.csv", PREAMBLE + HEADER_2023 +
          "Dana,Cruz,https://www.linkedin.com/in/danacruz,,Globex,VP Engineering,05 Mar 2023\n"
          "José,Núñez,https://www.linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez,,Umbrella Corp,VP IT,13 Feb 2024\n"
          "Eve,Adams,https://www.linkedin.com/in/eveadams,,Umbrella Corp,Buyer,01 Apr 2024\n"
          "Finn,Olsen,https://www.linkedin.com/in/finnolsen,,Umbrella Corp,CFO,02 Jun 2025\n", "Cara Diaz", "2025-12-15")
    return s


def test_a_person_who_moved_twice_across_three_snapshots(tmp_path, capsys, db):
    s = _three_snapshot_story(tmp_path, db)
    entries = s.load()
    assert [e["layout"] for e in entries] == ["2023+", "2023+ excel-resave", "hubspot", "hubspot", "hubspot", "2023+"]
    report = s.report(capsys)
    assert moves(report) == [("Dana Cruz", "Initech", "Hooli", ("2025-01-20", "2025-06-20")),
                             ("Dana Cruz", "Hooli", "Globex", ("2025-06-20", "2025-12-15"))]
    assert [c["confidence"] for c in report["job_changes"]] == [0.9, 0.9]
    assert [c["evidence"] for c in report["job_changes"]] == [
        ["cara-connections-jan.csv", "cara-connections-jun.csv"], ["cara-connections-jun.csv", "cara-connections-dec.csv"]]

    def timeline(company: str) -> list[tuple]:
        return [(e["date"], e["kind"], e["detail"]) for e in s.cli(capsys, "timeline", "--company", company)["events"]]

    # Cara connected with Dana in 2023, at Initech: no new connection at Hooli or Globex.
    assert timeline("Hooli") == [
        ("2025-06-20", "arrival", "Dana Cruz arrived at Hooli from Initech (between 2025-01-20 and 2025-06-20)"),
        ("2025-12-15", "departure", "Dana Cruz left Hooli for Globex (between 2025-06-20 and 2025-12-15)")]
    assert timeline("Globex") == [
        ("2025-12-15", "arrival", "Dana Cruz arrived at Globex from Hooli (between 2025-06-20 and 2025-12-15)")]
    assert timeline("Initech") == [
        ("2023-03-05", "new_connection", "Cara Diaz connected with Dana Cruz"),
        ("2025-06-20", "departure", "Dana Cruz left Initech for Hooli (between 2025-01-20 and 2025-06-20)")]
    assert [(p["company"], p["sentence"]) for p in s.cli(capsys, "paths", "--person", "Dana Cruz")["paths"]] == [
        ("Globex", "Cara Diaz knows Dana Cruz (VP Engineering at Globex)")]


def test_excel_resave_accents_and_hubspot_champion_at_one_account(tmp_path, capsys, db):
    s = _three_snapshot_story(tmp_path, db)
    s.load()
    report = s.report(capsys)
    # "José Núñez" in UTF-8, in Windows-1252 and as HubSpot's "Jose Nunez" is one person.
    assert report["counts"]["people"] == 4
    assert [(p["person"], p["from_title"], p["to_title"], tuple(p["window"])) for p in report["promotions"]] == [
        ("José Núñez", "Director of IT", "VP IT", ("2025-01-20", "2025-06-20"))]
    umbrella = account(report, "Umbrella")
    assert (umbrella["status"], umbrella["threads"], umbrella["single_threaded"], umbrella["champions"]) == \
        ("customer", 3, False, ["José Núñez"])
    assert umbrella["reasons"] == ["3 contacts at Umbrella (José Núñez, Finn Olsen, Eve Adams)",
                                   "only Cara Diaz knows anyone there", "close date in 47 days"]
    assert umbrella["risk_score"] == 20
    # The day-first dates of the ";" re-save: 02/06/2025 is 2 June, 13/02/2024 is 13 February.
    events = s.cli(capsys, "timeline", "--company", "Umbrella Corp.")["events"]
    assert [(e["date"], e["kind"], e["person"]) for e in events] == [
        ("2024-02-13", "new_connection", "José Núñez"), ("2024-04-01", "new_connection", "Eve Adams"),
        ("2025-06-02", "new_connection", "Finn Olsen"), ("2025-06-20", "promotion", "José Núñez"),
        ("2025-12-01", "opportunity", None)]
    # The account typed as its domain is the same account; the CFO is the next contact.
    out = s.cli(capsys, "suggest", "--company", "umbrella.com")
    assert (out["company"], out["threads"]) == ("Umbrella", 3)
    assert [(c["person"], c["why"]) for c in out["next_contacts"]] == [
        ("Finn Olsen", ["known to Cara Diaz on LinkedIn", "whitespace: nobody met in finance yet", "not in the CRM yet"]),
        ("Eve Adams", ["known to Cara Diaz on LinkedIn", "not in the CRM yet"])]


# --- 4. namesakes, one company spelled four ways, an accented name, a HubSpot closed-won deal -------


@pytest.mark.parametrize("crm_first", [False, True])
def test_namesakes_spellings_and_a_closed_won_contact(tmp_path, capsys, db, crm_first):
    s = Story(tmp_path, db)
    s.raw("ann-connections.csv", PREAMBLE + HEADER_2020 +
          "Maria,Garcia,,ACME Inc.,CFO,14 Feb 2022\n"
          "Zoë,Müller,,ACME Inc.,Head of Security,03 Mar 2023\n"
          "Tom,Baker,,Acme Corporation,IT Manager,03 Mar 2023\n", "Ann Lee", "2025-03-01")
    s.raw("bob-connections.csv", PREAMBLE + HEADER_2020 + "Maria,Garcia,,Globex,Data Scientist,01 Jun 2021\n",
          "Bob Ray", "2025-03-01")
    s.raw("hs-companies.csv", '"Record ID","Company name","Company Domain Name","Lifecycle Stage","Company owner"\n'
          '"11","Acme, Inc","acme.com","customer","Ann Lee"\n"12","Globex","globex.com","Lead","Bob Ray"\n',
          None, "2025-03-02")
    # The contact's company is only a domain; her name has lost its accents.
    s.raw("hs-contacts.csv", '"Record ID","First Name","Last Name","Email","Job Title","Associated Company",'
          '"Contact owner"\n"21","Zoe","Muller","zoe.muller@acme.com","Head of Security","acme.com","Ann Lee"\n'
          '"22","Maria","Garcia","mgarcia@globex.com","Data Scientist","Globex","Bob Ray"\n', None, "2025-03-02")
    s.raw("hs-deals.csv", '"Record ID","Deal Name","Deal Stage","Amount","Close Date","Associated Company",'
          '"Associated Contact"\n"31","Acme platform","Closed Won","90000","2025-02-28","Acme, Inc","Zoe Muller"\n',
          None, "2025-03-02")
    s.load([2, 3, 4, 0, 1] if crm_first else None)
    report = s.report(capsys)
    assert moves(report) == [] and report["promotions"] == []  # two Maria Garcias: nobody moved
    assert (report["counts"]["people"], report["counts"]["companies"]) == (4, 2)
    acme = account(report, "Acme, Inc")
    # The CRM's "Zoe Muller" is LinkedIn's Zoë Müller, named with her accents whichever came first.
    assert (acme["status"], acme["threads"], sorted(acme["contacts"]), acme["champions"], acme["reps"]) == \
        ("customer", 3, ["Maria Garcia", "Tom Baker", "Zoë Müller"], ["Zoë Müller"], 1)
    assert [a["account"] for a in report["accounts"]] == ["Acme, Inc"]  # Globex is a lead: not scored
    err = s.cli(capsys, "paths", "--person", "Maria Garcia", code=2)["error"]
    assert err.startswith("2 people are called 'Maria Garcia' (Maria Garcia at Acme, Inc; Maria Garcia at Globex)")
    globex = s.cli(capsys, "paths", "--company", "globex.com")["paths"]
    assert [(p["rep"], p["target"], p["sentence"]) for p in globex] == [
        ("Bob Ray", "Maria Garcia", "Bob Ray knows Maria Garcia (Data Scientist at Globex)")]
    for typed in ("ACME Inc.", "acme corporation", "acme.com", "Acme, Inc"):
        assert s.cli(capsys, "suggest", "--company", typed)["company"] == "Acme, Inc"


# --- 5. a 2018 export, a Salesforce opportunity report, a referral whose company is a domain --------


def test_referral_at_a_domain_lands_on_the_account(tmp_path, capsys, db):
    s = Story(tmp_path, db)
    s.raw("ann-connections-2018.csv", HEADER_2020 +
          'Lena,Fox,,Orbis Health,VP Clinical Operations,"1/8/18, 6:14 PM"\n'
          'Omar,Haddad,,Orbis Health Inc,Procurement Lead,"11/30/17, 8:15 AM"\n', "Ann Lee", "2018-02-01")
    s.raw("sf-accounts.csv", '"Account Name","Type","Website","Account Owner"\n'
          '"Orbis Health, Inc.","Customer","https://www.orbishealth.com/","Ann Lee"\n' + SF_FOOTER.format(n=1),
          None, "2025-03-01")
    s.raw("sf-opportunities.csv", '"Opportunity Name","Account Name","Stage","Amount","Close Date","Opportunity Owner"\n'
          '"Orbis expansion","Orbis Health, Inc.","Negotiation/Review","120000","4/30/2025","Ann Lee"\n'
          '"Kestrel pilot","Kestrel Labs","Prospecting","15000","9/30/2025","Bob Ray"\n' + SF_FOOTER.format(n=2),
          None, "2025-03-01")
    s.raw("bob-connections-2025.csv", PREAMBLE + HEADER_2023 +
          "Lena,Fox,https://www.linkedin.com/in/lenafox,,Orbis Health,Chief Operating Officer,12 Sep 2024\n"
          "Pia,Lund,https://www.linkedin.com/in/pialund,,Kestrel Labs,CTO,01 Feb 2025\n", "Bob Ray", "2025-03-01")
    s.raw("referrals.csv", "Referrer,Referred,Date,Note,Company\n"
          "Pia Lund,Quinn Vale,2025-02-20,met at a conference,orbishealth.com\n", None, "2025-03-02")
    # Ann's export of 2025, saved by Excel as "Unicode text": UTF-16, tabs; she dropped Lena since.
    s.raw("ann-connections-2025.txt", "\ufeffFirst Name\tLast Name\tURL\tEmail Address\tCompany\tPosition\t"
          "Connected On\r\nOmar\tHaddad\t\t\tOrbis Health Inc\tProcurement Lead\t30-Nov-17\r\n",
          "Ann Lee", "2025-03-03", encoding="utf-16-le")
    entries = s.load()
    assert [e["layout"] for e in entries] == ["2018", "salesforce", "salesforce", "2023+", "referrals",
                                              "2023+ excel-resave"]
    report = s.report(capsys)
    assert report["counts"]["companies"] == 2  # the referral's "orbishealth.com" is Orbis Health
    assert [(a["account"], a["status"], a["threads"], a["single_threaded"]) for a in report["accounts"]] == [
        ("Kestrel Labs", "opportunity", 1, True), ("Orbis Health, Inc.", "customer", 2, False)]
    assert [(p["person"], p["to_title"], tuple(p["window"])) for p in report["promotions"]] == [
        ("Lena Fox", "Chief Operating Officer", ("2018-02-01", "2025-03-01"))]
    events = s.cli(capsys, "timeline", "--company", "orbishealth.com", "--since", "2025-01-01")
    assert events["company"] == "Orbis Health, Inc."
    assert [(e["date"], e["kind"], e["detail"]) for e in events["events"]] == [
        ("2025-02-20", "referral", "Pia Lund referred Quinn Vale at Orbis Health, Inc."),
        ("2025-03-01", "promotion", "Lena Fox changed title at Orbis Health, Inc.: VP Clinical Operations -> "
                                    "Chief Operating Officer"),
        ("2025-03-01", "opportunity", "opportunity 'Orbis expansion' is at stage Negotiation/Review")]
    quinn = s.cli(capsys, "paths", "--person", "Quinn Vale")["paths"]
    assert [(p["path"], p["company"], p["strength"]) for p in quinn] == [
        (["Bob Ray", "Pia Lund", "Quinn Vale"], "Orbis Health, Inc.", 0.9)]


# --- 6. a Salesforce Data Export zip (ISO-8859-1, API names, contact roles) and a Connections.xlsx ---


def _sf_data_export() -> bytes:
    user = "0055g000001XyZAAA"
    members = {
        "Account.csv": '"Id","IsDeleted","Name","Type","ParentId","Website","OwnerId","AnnualRevenue","Description"\r\n'
                       f'"0015g00000AbCdEAAA","0","Société Générale Démo","Customer","000000000000000AAA","sgdemo.fr",'
                       f'"{user}","",""\r\n'
                       f'"0015g00000AbCdFAAA","0","Hooli","Customer","000000000000000AAA","hooli.com","{user}","",""\r\n',
        "Contact.csv": '"Id","IsDeleted","AccountId","LastName","FirstName","Email","Title","OwnerId","LastActivityDate"\r\n'
                       f'"0035g00000Q1AAA","0","0015g00000AbCdEAAA","Lefèvre","Hélène","helene@sgdemo.fr",'
                       f'"Directrice des achats","{user}","2025-01-14"\r\n'
                       f'"0035g00000Q2AAA","0","0015g00000AbCdFAAA","Bell","Gavin","gavin@hooli.com","CEO","{user}",'
                       '"2025-01-10"\r\n',
        "Opportunity.csv": '"Id","IsDeleted","AccountId","Name","StageName","Amount","CloseDate","IsClosed","IsWon",'
                           f'"OwnerId"\r\n"0065g00000Z1AAA","0","0015g00000AbCdEAAA","SG 2025 renewal","Closed Won",'
                           f'"48000","2025-01-15","1","1","{user}"\r\n',
        "OpportunityContactRole.csv": '"Id","OpportunityId","ContactId","Role","IsPrimary","CreatedDate","IsDeleted"\r\n'
                                      '"00K5g00000R1AAA","0065g00000Z1AAA","0035g00000Q1AAA","Economic Buyer","1",'
                                      '"2024-01-01T10:00:00.000Z","0"\r\n',
        "User.csv": '"Id","Username","LastName","FirstName","Name","Email","IsActive","UserType","CreatedDate",'
                    '"SystemModstamp"\r\n'
                    f'"{user}","dana.rep@ourco.example","Rep","Dana","Dana Rep","dana.rep@ourco.example","1",'
                    '"Standard","2024-01-01T10:00:00.000Z","2024-01-01T10:00:00.000Z"\r\n',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text.encode("latin-1"))
    return buf.getvalue()


def test_economic_buyer_of_a_won_deal_moves_to_another_customer(tmp_path, capsys, db):
    import openpyxl

    s = Story(tmp_path, db)
    s.raw("WE_00D5g000000AbcdEAA_1.zip", _sf_data_export(), None, "2025-01-20")
    s.raw("dana-connections-jan.csv", PREAMBLE + HEADER_2023 +
          "Helene,Lefevre,https://www.linkedin.com/in/helene-lefevre,,Societe Generale Demo,Directrice des achats,"
          "10 Oct 2023\n", "Dana Rep", "2025-01-20")
    book = openpyxl.Workbook()
    for row in (["Notes:"], ["When exporting your connection data, you may notice that some of the email addresses "
                             "are missing."], [], HEADER_2023.strip().split(","),
                ["Hélène", "Lefèvre", "https://www.linkedin.com/in/helene-lefevre", "", "Hooli", "Head of Procurement",
                 "10 Oct 2023"],
                ["Gavin", "Bell", "https://www.linkedin.com/in/gavinbell", "", "Hooli", "CEO", "01 Jan 2020"]):
        book.active.append(row)
    book.save(tmp_path / "Connections.xlsx")
    s.files.append((tmp_path / "Connections.xlsx", "Dana Rep", "2025-07-01"))
    entries = s.load()
    assert [(e["path"].rsplit("/", 1)[-1], e["layout"]) for e in entries] == [
        ("Account.csv", "salesforce-export"), ("Contact.csv", "salesforce-export"),
        ("Opportunity.csv", "salesforce-export"), ("dana-connections-jan.csv", "2023+"),
        ("Connections.xlsx", "2023+ excel-resave")]
    report = s.report(capsys)
    assert moves(report) == [("Hélène Lefèvre", "Société Générale Démo", "Hooli", ("2025-01-20", "2025-07-01"))]
    [champ] = report["moved_champions"]
    assert (champ["landing"], champ["reasons"][0]) == (
        "expansion", "Hélène Lefèvre was a champion at Société Générale Démo: economic_buyer on won opportunity "
                     "'SG 2025 renewal' at Société Générale Démo")
    sgd, hooli = account(report, "Société Générale Démo"), account(report, "Hooli")
    assert (sgd["threads"], sgd["risk_level"], sgd["reasons"][:2]) == (
        0, "high", ["no contact at Société Générale Démo", "champion Hélène Lefèvre left for Hooli in 2025-07"])
    # Our champion arriving at another customer is no "possible displacer" there.
    assert (hooli["threads"], hooli["contacts"]) == (2, ["Hélène Lefèvre", "Gavin Bell"])
    assert not any("displacer" in r for r in hooli["reasons"])
    assert hooli["risk_score"] == 45


# --- 7. a rep who left: their exports stop, the account they co-held is single-threaded ----------------


def test_rep_whose_exports_stopped_no_longer_threads_the_account(tmp_path, capsys, db):
    s = Story(tmp_path, db)
    s.raw("Accounts_2025_01_10.csv", "Account ID,Account Name,Account Owner,Account Type,Website,Created Time,"
          "Last Activity Time\nzcrm_5521000000412001,Northwind,Bob Ray,Customer,https://northwind.com,"
          "2023-04-02 10:15:00,2024-12-18 16:40:00\n", None, "2025-01-10")  # Zoho CRM
    s.raw("contacts.csv", '"First Name","Last Name","Email","Title","Account Name","Contact Role"\n'
          '"Sue","Park","sue.park@northwind.com","Analyst","Northwind","User"\n' + SF_FOOTER.format(n=1),
          None, "2025-01-10")
    s.raw("bob-connections-2025-01.csv", PREAMBLE + HEADER_2020 +
          "Joe,Smith,,Northwind,VP Operations,05 May 2022\n", "Bob Ray", "2025-01-15")
    newer = ""
    for as_of, added in (("2025-01-20", ""), ("2025-07-20", "Ray,Moss,,,Initech,Engineer,02 Jul 2025\n"),
                         ("2026-02-10", "Ida,Lane,,,Hooli,Designer,03 Feb 2026\n")):
        newer += added
        s.raw(f"ann-connections-{as_of}.csv", PREAMBLE + HEADER_2023 + newer +
              "Sue,Park,https://www.linkedin.com/in/suepark,,Northwind,Analyst,01 Apr 2024\n", "Ann Lee", as_of)
    assert [e["layout"] for e in s.load()] == ["zoho", "salesforce", "2020-2023", "2023+", "2023+", "2023+"]
    # In July Bob still counts: two people, two reps.
    july = account(s.report(capsys, "2025-07-31"), "Northwind")
    assert (july["threads"], july["single_threaded"], july["reps"], july["contacts"]) == \
        (2, False, 2, ["Joe Smith", "Sue Park"])
    # By February Bob has not exported for over a year while Ann has: he left, Joe went with him.
    report = s.report(capsys)
    northwind = account(report, "Northwind")
    assert (northwind["threads"], northwind["single_threaded"], northwind["reps"], northwind["contacts"]) == \
        (1, True, 1, ["Sue Park"])
    assert northwind["reasons"][:3] == [
        "1 contact at Northwind (Sue Park)", "only Ann Lee knows anyone there",
        "Bob Ray no longer counts (1 contact here): their last LinkedIn export is from 2025-01-15, "
        "over 365 days before the team's latest, so they are taken to have left the team"]
    assert not any("no longer counts" in r for r in july["reasons"])
    assert [p["sentence"] for p in s.cli(capsys, "paths", "--company", "Northwind")["paths"]] == [
        "Ann Lee knows Sue Park (Analyst at Northwind)"]
    assert s.cli(capsys, "paths", "--person", "Joe Smith")["paths"] == []
    assert moves(report) == []  # Joe did not move: nobody has seen him since


# --- 8. referrals imported before anyone knew the people they name (email only, profile URL only) ----


def test_people_first_named_by_email_or_url_take_their_names_later(tmp_path, capsys, db):
    s = Story(tmp_path, db)
    s.raw("referrals.csv", "Referrer,Referred,Date,Note,Company\n"
          "kim.ng@gmail.com,https://www.linkedin.com/in/pat-quill-9a/,2025-02-20,,Initech\n", None, "2025-02-21")
    s.raw("ann-Connections-2016.csv", HEADER_2016 + 'Kim,Ng,kim.ng@gmail.com,Initech,Head of IT,,"12/22/16, 9:55 AM"\n',
          "Ann Lee", "2017-01-01")
    s.raw("ann-Connections-2025.csv", PREAMBLE + HEADER_2023 +
          "Pat,Quill,https://www.linkedin.com/in/pat-quill-9a,,Initech,CTO,01 Feb 2025\n"
          "Kim,Ng,https://www.linkedin.com/in/kimng,kim.ng@gmail.com,Initech,CIO,22 Dec 2016\n", "Ann Lee", "2025-03-01")
    s.load()
    report = s.report(capsys)
    assert report["counts"]["people"] == 2
    assert [(p["person"], p["from_title"], p["to_title"]) for p in report["promotions"]] == [("Kim Ng", "Head of IT", "CIO")]
    events = s.cli(capsys, "timeline", "--company", "Initech")["events"]
    assert [(e["date"], e["kind"], e["detail"]) for e in events] == [
        ("2016-12-22", "new_connection", "Ann Lee connected with Kim Ng"),
        ("2025-02-01", "new_connection", "Ann Lee connected with Pat Quill"),
        ("2025-02-20", "referral", "Kim Ng referred Pat Quill at Initech"),
        ("2025-03-01", "promotion", "Kim Ng changed title at Initech: Head of IT -> CIO")]
    pat = s.cli(capsys, "paths", "--person", "Pat Quill")["paths"]
    assert [p["sentence"] for p in pat] == ["Ann Lee knows Pat Quill (CTO at Initech)",
                                            "Ann Lee knows Kim Ng, linked by a referral to Pat Quill at Initech"]


# --- 9. a champion who moved twice: the opportunity is where they are now --------------------------


def test_champion_who_moved_twice_is_followed_to_the_last_company(tmp_path, capsys, db):
    s = Story(tmp_path, db)
    s.raw("hubspot-companies.csv", "Record ID,Company name,Company Domain Name,Lifecycle Stage\n"
          "101,Northwind,northwind.com,Customer\n102,Hooli,hooli.com,Customer\n", None, "2025-01-10")
    s.raw("hubspot-contacts.csv", "Record ID,First Name,Last Name,Email,Job Title,Associated Company,Buying Role\n"
          "201,Joe,Smith,joe@northwind.com,VP Operations,Northwind,Champion\n"
          "202,Gil,Amar,gil@hooli.com,Head of IT,Hooli,Decision Maker\n", None, "2025-01-10")
    for as_of, joe, vera in (("2025-01-20", "Northwind", "Initech"), ("2025-06-20", "Hooli", "Hooli"),
                             ("2025-12-15", "Globex", "Globex")):
        s.raw(f"ann-connections-{as_of}.csv", PREAMBLE + HEADER_2023 +
              f"Joe,Smith,https://www.linkedin.com/in/joesmith,,{joe},VP Operations,05 May 2022\n"
              f"Vera,Vance,https://www.linkedin.com/in/veravance,,{vera},CTO,07 Jul 2019\n"
              "Gil,Amar,https://www.linkedin.com/in/gilamar,,Hooli,Head of IT,01 Mar 2021\n", "Ann Lee", as_of)
    s.load()
    report = s.report(capsys)
    assert moves(report) == [("Joe Smith", "Northwind", "Hooli", ("2025-01-20", "2025-06-20")),
                             ("Joe Smith", "Hooli", "Globex", ("2025-06-20", "2025-12-15")),
                             ("Vera Vance", "Initech", "Hooli", ("2025-01-20", "2025-06-20")),
                             ("Vera Vance", "Hooli", "Globex", ("2025-06-20", "2025-12-15"))]
    [champ] = report["moved_champions"]
    assert (champ["from_company"], champ["to_company"], champ["window"], champ["landing"]) == \
        ("Northwind", "Globex", ["2025-01-20", "2025-06-20"], "opportunity")
    assert champ["reasons"][1] == \
        "Joe Smith left Northwind for Hooli between 2025-01-20 and 2025-06-20 (seen in 2025-06); now at Globex"
    assert champ["reasons"][3] == "Globex is not a customer: a new opportunity with a known champion inside"
    assert [p["sentence"] for p in champ["warm_paths"]][:1] == ["Ann Lee knows Joe Smith (VP Operations at Globex)"]
    northwind, hooli = account(report, "Northwind"), account(report, "Hooli")
    assert northwind["reasons"][:2] == ["no contact at Northwind", "champion Joe Smith left for Hooli in 2025-06"]
    # Joe and Vera arrived at Hooli in June and left again: neither is a "possible displacer" there.
    assert hooli["reasons"] == ["1 contact at Hooli (Gil Amar)", "only Ann Lee knows anyone there", "no recorded touch"]
    assert (hooli["threads"], hooli["champions"], hooli["risk_score"]) == (1, ["Gil Amar"], 50)


# --- 10. two HubSpot contact exports: the champion's record moved to another company -----------------


def test_crm_record_id_follows_a_contact_to_a_new_company(tmp_path, capsys, db):
    s = Story(tmp_path, db)
    s.raw("hubspot-companies.csv", "Record ID,Company name,Company Domain Name,Lifecycle Stage\n"
          "101,Umbra,umbra.io,Customer\n102,Kestrel,kestrel.ai,Opportunity\n", None, "2025-01-10")
    contacts = "Record ID,First Name,Last Name,Email,Job Title,Associated Company,Buying Role,Last Activity Date\n"
    s.raw("hubspot-contacts-2025-01.csv", contacts + "201,Nia,Cole,nia@umbra.io,COO,Umbra,Champion,2025-01-05\n",
          None, "2025-01-10")
    # Same Record ID, new account and new work email: the same contact, who moved.
    s.raw("hubspot-contacts-2025-06.csv", contacts + "201,Nia,Cole,nia@kestrel.ai,COO,Kestrel,Champion,2025-06-01\n",
          None, "2025-06-10")
    s.raw("ann-connections.csv", PREAMBLE + HEADER_2023 +
          "Omar,Diaz,https://www.linkedin.com/in/omardiaz,,Initech,Engineer,01 Jan 2024\n", "Ann Lee", "2025-06-10")
    s.raw("referrals.csv", "Referrer,Referred,Date,Note,Company\nOmar Diaz,Lia Park,2025-05-01,,Kestrel\n",
          None, "2025-06-11")
    s.load()
    report = s.report(capsys)
    assert moves(report) == [("Nia Cole", "Umbra", "Kestrel", ("2025-01-10", "2025-06-10"))]
    assert report["job_changes"][0]["evidence"] == ["hubspot-contacts-2025-01.csv", "hubspot-contacts-2025-06.csv"]
    [champ] = report["moved_champions"]
    assert (champ["to_company"], champ["landing"], champ["known_by"]) == ("Kestrel", "opportunity", [])
    assert [(a["account"], a["threads"], a["reasons"][:2]) for a in report["accounts"]] == [
        ("Umbra", 0, ["no contact at Umbra", "champion Nia Cole left for Kestrel in 2025-06"]),
        ("Kestrel", 1, ["1 contact at Kestrel (Nia Cole)"])]
    assert report["counts"]["people"] == 3
    # No rep knows Nia: the way into Kestrel is Omar's referral.
    paths = s.cli(capsys, "paths", "--company", "kestrel.ai")["paths"]
    assert [(p["path"], p["kind"]) for p in paths] == [(["Ann Lee", "Omar Diaz", "Lia Park"], "referral")]
    events = s.cli(capsys, "timeline", "--company", "Umbra")["events"]
    assert [(e["date"], e["kind"], e["detail"]) for e in events] == [
        ("2025-06-10", "departure", "Nia Cole left Umbra for Kestrel (between 2025-01-10 and 2025-06-10)")]
