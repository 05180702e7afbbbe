"""More shapes of real exports (second sweep): the whole LinkedIn "Complete" archive with its
other files, Dutch and French Excel re-saves of Connections.csv, Apollo, Salesforce leads, Zoho
with lookup ids, HubSpot's primary company id, monday.com boards exported by group and referral
program exports.

Every fixture under ``tests/fixtures/realshapes2`` is a synthetic look-alike (invented people and
companies) of a real public file's shape; each test pins exact counts and the values read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest

from relmap.ingest import crm, parse_bytes, sniff
from relmap.model import UnknownKind
from tests.conftest import FIXTURES

SHAPES = FIXTURES / "realshapes2"


def _parse(name: str, data: bytes | None = None):
    [parsed] = parse_bytes(name, (SHAPES / name).read_bytes() if data is None else data)
    return parsed


def _records(parsed, *columns: str) -> list[tuple]:
    return [tuple(row) for row in parsed.frame[list(columns)].itertuples(index=False)]


# --- the LinkedIn "Complete" archive -------------------------------------------------------------

_NOTES = 'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n'
# Each member's header is the real one; the rows are invented.
_COMPLETE_EXPORT = {
    "Connections.csv": _NOTES + "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Amara,Okoye,https://www.linkedin.com/in/amara-okoye-fake,,Brightwell,Engineer,09 Dec 2024\n"
    'Lars,Holm,https://www.linkedin.com/in/lars-holm-fake,lars@nordvik.example,"Nordvik, Inc.",Manager,01 Nov 2024\n'
    ",,,,,,20 Oct 2024\n",
    "Profile.csv": "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
    "Geo Location,Twitter Handles,Websites,Instant Messengers\nDana,Rep,,,,Account Executive at OurCo,,Software,,"
    '"Denver, Colorado",,,\n',
    "Positions.csv": "Company Name,Title,Description,Location,Started On,Finished On\n"
    "OurCo,Account Executive,,Denver,Jan 2022,\nOldCo,SDR,,Denver,Jun 2018,Dec 2021\n",
    "Invitations.csv": "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
    'Dana Rep,Priya Raman,"11/3/24, 4:12 PM",,OUTGOING,https://www.linkedin.com/in/dana-rep-fake,'
    "https://www.linkedin.com/in/priya-raman-fake\n",
    "messages.csv": "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,"
    "CONTENT,FOLDER,ATTACHMENTS,IS MESSAGE DRAFT\n"
    "2-abc,,Lars Holm,https://www.linkedin.com/in/lars-holm-fake,Dana Rep,https://www.linkedin.com/in/dana-rep-fake,"
    "2024-12-01 10:22:31 UTC,,SECRET hello,INBOX,,No\n"
    "2-abc,,Dana Rep,https://www.linkedin.com/in/dana-rep-fake,Lars Holm,https://www.linkedin.com/in/lars-holm-fake,"
    "2024-12-02 10:22:31 UTC,,SECRET hi,INBOX,,No\n",
    # The member's imported address book, recommendations, follows, volunteering, jobs: not the network.
    "Contacts.csv": "Source,FirstName,LastName,Companies,Title,Emails,PhoneNumbers,CreatedAt,Addresses,Sites,"
    "InstantMessageHandles,FullName,Birthday,Location,BookmarkedAt,Profiles\n"
    'GOOGLE_CONTACTS,Sam,Orbit,Orbit Ltd,eng,sam@orbit.example,,"8/1/19, 10:00 AM",,,,Sam Orbit,,,,\n',
    "Recommendations_Received.csv": "First Name,Last Name,Company,Job Title,Text,Creation Date,Status\n"
    'Pat,Reviewer,ACME,Manager,Great.,"07/21/09, 12:11 PM",VISIBLE\n',
    "Recommendations_Given.csv": "First Name,Last Name,Company,Job Title,Text,Creation Date,Status\n"
    'Riley,Peer,Globex,Engineer,Sharp.,"04/10/23, 10:00 AM",VISIBLE\n',
    "Member_Follows.csv": "Date,FullName,Status\n2023-01-01,Famous Person,Active\n",
    "Volunteering.csv": "Company Name,Role,Cause,Started On,Finished On,Description\n"
    "Food Bank,Driver,Hunger relief,Jun 2019,,Weekly deliveries\n",
    "Jobs/Job Applications.csv": "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,"
    'Job Url,Resume Name,Question And Answers\n"1/5/24, 10:00 AM",dana@ourco.example,,Initech,AE,'
    "https://jobs.example/1,cv.pdf,\n",
    "Jobs/Saved Jobs.csv": 'Saved Date,Job Url,Job Title,Company Name\n"1/5/24, 10:00 AM",https://jobs.example/1,AE,'
    "Initech\n",
    "Endorsement_Received_Info.csv": "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,"
    "Endorser Public Url,Endorsement Status\n2021/10/01 10:00:00 UTC,Sales,Ana,Silva,"
    "www.linkedin.com/in/ana-silva-fake,ACCEPTED\n",
    "Company Follows.csv": "Organization,Followed On\nGlobex,Thu Jan 05 10:00:00 UTC 2023\n",
    "Education.csv": "School Name,Start Date,End Date,Notes,Degree Name,Activities\nState University,2010,2014,,BSc,\n",
    "Certifications.csv": "Name,Url,Authority,Started On,Finished On,License Number\n"
    "Cert,https://cert.example,Authority,Jan 2020,,123\n",
    "Email Addresses.csv": "Email Address,Confirmed,Primary,Updated On\ndana@ourco.example,Yes,Yes,1/1/20 10:00 AM\n",
    "Skills.csv": "Name\nNegotiation\n",
    "Verifications/Verifications.csv": "First name,Middle name,Last name,Verification type,Organization name,"
    "Email address,Country,State,City,Year of birth,Issuing authority,Document type,Verification service provider,"
    "Verified date,Expiry date\nDana,,Rep,Identity,OurCo,dana@ourco.example,United States,Colorado,Denver,1985,"
    "Passport Office,Passport,Verify Ltd,12 Jun 2024,12 Jun 2029\n",
    "Receipts_v2.csv": "First Name,Last Name,Billing Country,Postal Code,Transaction Made At,Payment Method Type,"
    "Invoice Number,Description,Tax Amount,Sub Total,Total Amount,Currency Code\nDana,Rep,United States,80202,"
    "2024-01-01 10:00:00 UTC,CARD_VISA,INV-1,Premium,6.00,29.99,35.99,USD\n",
    "Learning.csv": "Content Title,Content Description,Content Type,Content Last Watched Date (if viewed),"
    "Content Completed At (if completed),Content Saved,Notes taken on videos (if taken),\n"
    "Course,,VIDEO,09 Dec 2024,,false,,\n",
    # Header only, as LinkedIn writes them when there is nothing to export.
    "guide_messages.csv": "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,"
    "SUBJECT,CONTENT,FOLDER\n",
    "learning_role_play_messages.csv": "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,"
    "RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n",
    "Publications.csv": "Name,Published On,Description,Publisher,Url\nEssay,14 Jan 2026,Desc,Press,https://x.example\n",
    "Articles/Articles/2024-01-01_post.html": "<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>",
    # A file LinkedIn may add one day that reads like a contacts list: no CRM vendor's header.
    "Future_Feature.csv": "First Name,Last Name,Company,Noted On\nZed,Future,Nowhere Inc,2026-01-01\n",
}


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_complete_archive_reads_only_the_network_files():
    parsed = parse_bytes("Complete_LinkedInDataExport_12-05-2024.zip", _zip(_COMPLETE_EXPORT))
    summary = [(p.path.split("/", 1)[1], p.kind, p.rows_read, len(p.frame), p.rejection) for p in parsed]
    assert summary == [
        ("Profile.csv", "linkedin_profile", 1, 1, None),
        ("Connections.csv", "linkedin_connections", 3, 2, None),
        ("Positions.csv", "linkedin_positions", 2, 2, None),
        ("Invitations.csv", "linkedin_invitations", 1, 1, None),
        ("messages.csv", "linkedin_messages", 2, 1, None),
    ]
    assert parsed[0].owner_hint == "Dana Rep"
    assert [p.as_of_hint for p in parsed] == [date(2024, 12, 5)] * 5
    assert "SECRET" not in parsed[4].frame.to_csv()


def test_complete_archive_beside_a_crm_export_keeps_the_crm_file():
    files = dict(_COMPLETE_EXPORT)
    files["crm/Opportunities.csv"] = (SHAPES / "zoho_deals.csv").read_text()
    parsed = parse_bytes("Complete_LinkedInDataExport_12-05-2024.zip", _zip(files))
    assert [(p.path.rsplit("/", 1)[1], p.kind, p.layout, len(p.frame)) for p in parsed][-1] == \
        ("Opportunities.csv", "crm_opportunities", "zoho", 3)


@pytest.mark.parametrize("member, what", [
    ("Contacts.csv", "imported address book"), ("Recommendations_Received.csv", "recommendations"),
    ("Member_Follows.csv", "followed members"), ("Volunteering.csv", "volunteering"),
    ("Jobs/Job Applications.csv", "job applications"), ("Jobs/Saved Jobs.csv", "saved jobs"),
    ("Verifications/Verifications.csv", "identity verification"), ("Receipts_v2.csv", "receipts"),
])
def test_linkedin_files_relmap_does_not_read_are_named_on_their_own(member, what):
    name = member.rsplit("/", 1)[-1]
    with pytest.raises(UnknownKind) as info:
        parse_bytes(name, _COMPLETE_EXPORT[member].encode())
    assert name in str(info.value) and what in str(info.value) and "Connections" in str(info.value)


def test_a_crm_list_that_only_resembles_member_follows_is_still_read():
    assert sniff.linkedin_unread(["Date", "FullName", "Status", "Email"]) is None
    [parsed] = parse_bytes("leads.csv", b"Date,FullName,Status,Email\n2024-01-02,Ada Fake,Open,ada@fake.example\n")
    assert (parsed.kind, _records(parsed, "first_name", "last_name", "email")) == \
        ("crm_contacts", [("Ada", "Fake", "ada@fake.example")])


# --- Connections.csv re-saved by European spreadsheets ---------------------------------------------


def test_dutch_excel_resave_with_dash_dates_read_day_first():
    # Dutch Excel writes 9-12-2024; no value above 12 proves the order, the separator does.
    parsed = _parse("connections_dutch_excel.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.hidden_rows, parsed.problems) == \
        ("linkedin_connections", "2023+ excel-resave", 4, 1, [])
    assert _records(parsed, "line", "first_name", "company", "connected_on") == [
        (5, "Femke", "Tulpvaart BV", date(2024, 12, 9)), (6, "Joris", "Molen & Co", date(2021, 2, 1)),
        (8, "Sanne", "Dijkstra Logistiek", date(2024, 3, 12))]


def test_french_semicolon_resave_reads_slash_dates_day_first_but_linkedin_stamps_month_first():
    parsed = _parse("connections_fr_excel_ambiguous.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.hidden_rows, parsed.problems) == \
        ("linkedin_connections", "2023+ excel-resave", 3, 0, [])
    assert _records(parsed, "first_name", "company", "email", "connected_on") == [
        ("Élodie", "Société Fictive", None, date(2024, 12, 9)),
        ("Hugo", "Atelier Nord", "hugo@fictive.example", date(2021, 2, 1)),
        ("Inès", "Vélo & Cie", None, date(2018, 1, 8)),  # "1/8/18, 6:14 PM": LinkedIn's own US stamp
    ]


def test_comma_file_keeps_month_first_slash_dates_and_reads_month_first_dashes():
    data = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            b"Ann,Lee,,,Acme,CTO,09/12/2024\nBo,Ng,,,Acme,Dev,12-25-2021\n")
    parsed = _parse("Connections.csv", data)
    assert (list(parsed.frame.connected_on), parsed.problems) == ([date(2024, 9, 12), date(2021, 12, 25)], [])


def test_connected_on_as_an_excel_day_number():
    # A re-save whose date column lost its format keeps Excel's day number.
    data = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            b"Ann,Lee,,,Acme,CTO,45635\nBo,Ng,,,Acme,Dev,09 Dec 2024\nCy,Oh,,,Acme,QA,12345\n")
    parsed = _parse("Connections.csv", data)
    assert (parsed.layout, list(parsed.frame.connected_on)) == ("2023+ excel-resave", [date(2024, 12, 9)] * 2)
    assert [(p.line, "unreadable date '12345'" in p.message) for p in parsed.problems] == [(4, True)]


def test_messages_drafts_and_spam_are_no_touch():
    header = ("CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,"
              "CONTENT,FOLDER,ATTACHMENTS,IS MESSAGE DRAFT\n")
    dana, lars, ann = ("Dana Rep,https://www.linkedin.com/in/dana-rep-fake", "Lars Holm,https://www.linkedin.com/in/lars-holm-fake",
                       "Ann Lee,https://www.linkedin.com/in/ann-lee-fake")
    rows = [f"c1,,{lars},{dana},2024-12-01 10:00:00 UTC,,SECRET hi,INBOX,,false",
            f"c1,,{dana},{lars},2024-12-09 10:00:00 UTC,,SECRET unsent,INBOX,,true",  # a draft
            f"c2,,Spam Guy,https://www.linkedin.com/in/spam-guy-fake,{dana},2024-12-02 10:00:00 UTC,,SECRET,SPAM,,false",
            f"c3,,{dana},{ann},2024-11-02 10:00:00 UTC,,SECRET yo,ARCHIVE,,false",
            f"c3,,{ann},{dana},2024-11-03 10:00:00 UTC,,SECRET yo,ARCHIVE,,false"]
    parsed = _parse("messages.csv", (header + "\n".join(rows) + "\n").encode())
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("linkedin_messages", 5, [])
    assert _records(parsed, "counterpart_name", "last_touch", "message_count") == [
        ("Lars Holm", date(2024, 12, 1), 1), ("Ann Lee", date(2024, 11, 3), 2)]
    assert "SECRET" not in parsed.frame.to_csv()


def test_invitations_resaved_with_semicolons_read_day_first():
    data = ("From;To;Sent At;Message;Direction\r\nDana Rep;Priya Raman;03.11.2024 16:12;;OUTGOING\r\n"
            "Omar Haddad;Dana Rep;02/11/2024 09:00;;INCOMING\r\n").encode("cp1252")
    parsed = _parse("Invitations.csv", data)
    assert (parsed.kind, parsed.problems) == ("linkedin_invitations", [])
    assert _records(parsed, "counterpart_name", "direction", "sent_on") == [
        ("Priya Raman", "outgoing", date(2024, 11, 3)), ("Omar Haddad", "incoming", date(2024, 11, 2))]


# --- Apollo ----------------------------------------------------------------------------------------


def test_apollo_people_export_is_contacts_despite_its_stage_column():
    parsed = _parse("apollo_contacts.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_contacts", "apollo", 2, [])
    assert _records(parsed, "external_id", "first_name", "last_name", "email", "title", "account_name",
                    "account_external_id", "owner", "last_activity") == [
        ("64f0a1b2c3d4e5f600000001", "Maren", "Solvik", "maren.solvik@brightwater.example", "VP Engineering",
         "Brightwater Logistics, Inc.", "54a0a1b2c3d4e5f600000009", "owner.one@ourco.example", date(2024, 11, 4)),
        ("64f0a1b2c3d4e5f600000002", "Tobi", "Adeyemi", None, "Head of Procurement", "Kestrel Foods",
         "54a0a1b2c3d4e5f600000010", "owner.two@ourco.example", None),
    ]


def test_apollo_accounts_export():
    parsed = _parse("apollo_accounts.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_accounts", "apollo", 2, [])
    assert _records(parsed, "external_id", "name", "domain", "status", "owner") == [
        ("54a0a1b2c3d4e5f600000009", "Brightwater Logistics, Inc.", "brightwater.example", "prospect",
         "owner.one@ourco.example"),
        ("54a0a1b2c3d4e5f600000010", "Kestrel Foods", "kestrel.example", "customer", "owner.two@ourco.example"),
    ]


def _resaved(name: str, how: str) -> tuple[str, bytes]:
    """A fixture as Excel saves it again: ``;``-separated Windows-1252 with CRLF, or a workbook."""
    rows = list(csv.reader(io.StringIO((SHAPES / name).read_text(encoding="utf-8"))))
    if how == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return name.replace(".csv", ".xlsx"), buffer.getvalue()
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    return name, text.getvalue().encode("cp1252")


@pytest.mark.parametrize("how", ["cp1252;", "xlsx"])
@pytest.mark.parametrize("name", ["apollo_contacts.csv", "sf_leads_report.csv", "zoho_contacts.csv",
                                  "hubspot_contacts_primary_company.csv", "referral_program_export.csv"])
def test_excel_resaves_read_the_same(name, how):
    original = _parse(name)
    again = _parse(*_resaved(name, how))
    assert (again.kind, again.layout, again.rows_read, len(again.frame)) == \
        (original.kind, original.layout, original.rows_read, len(original.frame))
    columns = [c for c in original.frame.columns if c != "line"]
    assert again.frame[columns].to_dict("records") == original.frame[columns].to_dict("records")


# --- Salesforce, HubSpot, Zoho ----------------------------------------------------------------------


def test_salesforce_leads_report_company_account_column():
    parsed = _parse("sf_leads_report.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_contacts", "salesforce", 2, [])
    assert _records(parsed, "first_name", "last_name", "email", "title", "account_name", "owner") == [
        ("Ola", "Nordmann", "ola@fjordtek.example", "CFO", "Fjordtek AS", "Jane Fakeworth"),
        ("Mia", "Stone", None, None, "Stonecraft Ltd", "Jane Fakeworth"),
    ]


def test_salesforce_opportunities_with_contact_roles_report():
    # One row per deal and contact: the person columns and the role are the deal's contact roles.
    parsed = _parse("sf_opportunities_with_contact_roles.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, len(parsed.frame), parsed.problems) == \
        ("crm_opportunities", "salesforce", 3, 2, [])
    assert _records(parsed, "line", "name", "account_name", "amount", "is_won", "contact_roles") == [
        (2, "Aster renewal", "Aster Corp", 10000.0, True, [{"contact": "Ava Stone", "role": "economic_buyer"},
                                                           {"contact": "Ben Reed", "role": "technical_buyer"}]),
        (4, "Birch pilot", "Birch LLC", 2500.0, False, [{"contact": "Cleo Park", "role": "champion"}]),
    ]
    # The contacts themselves come along, filed under the deal's account (stored before the deals).
    assert [tuple(r) for r in parsed.contacts[["line", "first_name", "last_name", "title", "account_name",
                                               "role"]].itertuples(index=False)] == [
        (2, "Ava", "Stone", "CFO", "Aster Corp", "economic_buyer"),
        (3, "Ben", "Reed", "IT Lead", "Aster Corp", "technical_buyer"),
        (4, "Cleo", "Park", "COO", "Birch LLC", "champion")]
    # Two deals of one name at one account, a year apart, stay two.
    data = (b"Opportunity Name,Account Name,Close Date,Amount,First Name,Last Name,Contact Role\n"
            b"Renewal,Aster Corp,1/15/2024,900,Ava,Stone,Champion\nRenewal,Aster Corp,1/15/2025,900,Ava,Stone,Champion\n")
    [parsed] = parse_bytes("renewals.csv", data)
    assert [d.year for d in parsed.frame.close_date] == [2024, 2025]


def test_contact_roles_report_imports_its_contacts_and_links_the_roles(tmp_path):
    from relmap.importer import import_paths
    from relmap.store import Store

    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    [result] = import_paths(store, [SHAPES / "sf_opportunities_with_contact_roles.csv"])
    assert (result.status, result.records_imported, result.problems) == ("imported", 5, [])


def test_hubspot_primary_associated_company_id():
    parsed = _parse("hubspot_contacts_primary_company.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_contacts", "hubspot", 2, [])
    assert _records(parsed, "external_id", "account_name", "account_external_id", "owner", "last_activity") == [
        ("101", "Kestrel Foods", "5512", "Dana Rep", date(2024, 11, 4)),
        ("102", "Vantor Inc", "5513", "Dana Rep", None),
    ]


def test_hubspot_view_export_with_primary_company():
    data = (b"Record ID,First Name,Last Name,Email,Contact owner,Primary Company,Last Activity Date\n"
            b"1,Ama,Boateng,ama@kestrel.example,Dana Rep,Kestrel Foods,2024-11-04 10:22\n")
    parsed = _parse("hubspot-crm-exports-all-contacts-2024-12-05.csv", data)
    assert (parsed.kind, parsed.layout) == ("crm_contacts", "hubspot")
    assert _records(parsed, "first_name", "account_name", "owner", "last_activity") == [
        ("Ama", "Kestrel Foods", "Dana Rep", date(2024, 11, 4))]


def test_zoho_exports_with_record_id_and_lookup_ids():
    contacts = _parse("zoho_contacts.csv")
    assert (contacts.kind, contacts.layout, contacts.rows_read, contacts.problems) == ("crm_contacts", "zoho", 2, [])
    assert _records(contacts, "external_id", "first_name", "account_name", "account_external_id", "owner",
                    "last_activity") == [
        ("zcrm_4876000000123001", "Hana", "Kito Robotics", "zcrm_4876000000120001", "Priya Fakesh", date(2024, 5, 1)),
        ("zcrm_4876000000123002", "Omar", "Said Trading", "zcrm_4876000000120002", "Priya Fakesh", None),
    ]
    deals = _parse("zoho_deals.csv")
    assert (deals.kind, deals.layout, deals.rows_read, deals.problems) == ("crm_opportunities", "zoho", 3, [])
    assert _records(deals, "name", "account_name", "amount", "close_date", "is_won", "is_closed", "owner") == [
        ("Kito rollout", "Kito Robotics", 45000.0, date(2024, 9, 30), True, True, "Priya Fakesh"),
        ("Said trial", "Said Trading", 5000.0, date(2025, 1, 31), False, False, "Priya Fakesh"),
        ("Lost one", "Said Trading", 1000.0, date(2024, 6, 30), False, True, "Priya Fakesh"),
    ]


def test_suitecrm_exports_assigned_user_and_an_accounts_file_with_an_email_column():
    accounts = _parse("suitecrm_accounts.csv")
    assert (accounts.kind, accounts.rows_read, accounts.problems) == ("crm_accounts", 1, [])
    assert _records(accounts, "external_id", "name", "domain", "status", "owner") == [
        ("8a1c-0001", "Harbor Tools Inc", "harbortools.example", "customer", "Nia Rep")]
    contacts = _parse("suitecrm_contacts.csv")
    assert (contacts.kind, contacts.rows_read, contacts.problems) == ("crm_contacts", 1, [])
    assert _records(contacts, "first_name", "last_name", "email", "account_name", "owner") == [
        ("Ines", "Calder", "ines@harbortools.example", "Harbor Tools Inc", "Nia Rep")]
    opps = _parse("suitecrm_opportunities.csv")
    assert (opps.kind, opps.rows_read, opps.problems) == ("crm_opportunities", 1, [])
    assert _records(opps, "name", "account_name", "stage", "amount", "close_date", "is_won", "owner") == [
        ("Harbor rollout", "Harbor Tools Inc", "Closed Won", 12000.0, date(2025, 3, 31), True, "Nia Rep")]


def test_insightly_contacts_record_owner_and_last_activity():
    parsed = _parse("insightly_contacts.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("crm_contacts", 1, [])
    assert _records(parsed, "external_id", "first_name", "account_name", "owner", "last_activity") == [
        ("1001", "Hana", "Kito Robotics", "Priya Fakesh", date(2024, 5, 1))]


def test_close_lead_export_named_by_lead_name():
    # Close writes "lead_name" (not "display_name") in some exports, with the primary contact split.
    parsed = _parse("close_leads_lead_name.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_accounts", "close", 2, [])
    assert _records(parsed, "external_id", "name", "domain", "status", "last_activity") == [
        ("lead_Ab1", "Bluepeak Analytics", "bluepeak.example", "customer", date(2024, 11, 20)),
        ("lead_Ab2", "Cinder & Vale", "cinderandvale.example", "prospect", None),
    ]


# --- monday.com, Attio-style multi-valued cells -----------------------------------------------------


def _monday_board(path) -> None:
    """A monday.com board exported to Excel: the board's name, then per group its title, the header
    again and its items."""
    import openpyxl

    header = ["Name", "Subitems", "Owner", "Stage", "Deal Value", "Contacts", "Accounts", "Expected Close Date",
              "Item ID (auto generated)"]
    book = openpyxl.Workbook()
    for row in (["Deals"], [], ["Active deals"], header,
                ["Harbor rollout", None, "Nia Rep", "Negotiation", 12000, "Ines Calder", "Harbor Tools Inc",
                 datetime(2025, 3, 31), "1234567890"],
                ["Marlow pilot", None, "Tom Seller", "Proposal", 3000, None, "Marlow & Sons", datetime(2025, 2, 28),
                 "1234567891"],
                [], ["Closed won"], header,
                ["Quillon upsell", None, "Nia Rep", "Won", 5000, None, "Quillon Ltd", datetime(2024, 12, 15),
                 "1234567892"]):
        book.active.append(row)
    book.save(path)


def test_monday_board_exported_by_group(tmp_path):
    path = tmp_path / "Deals_1733400000.xlsx"
    _monday_board(path)
    [parsed] = parse_bytes(path.name, path.read_bytes())
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_opportunities", "monday", 3, [])
    assert _records(parsed, "line", "external_id", "name", "account_name", "amount", "is_won", "owner") == [
        (5, "1234567890", "Harbor rollout", "Harbor Tools Inc", 12000.0, False, "Nia Rep"),
        (6, "1234567891", "Marlow pilot", "Marlow & Sons", 3000.0, False, "Tom Seller"),
        (10, "1234567892", "Quillon upsell", "Quillon Ltd", 5000.0, True, "Nia Rep"),  # "Closed won" is a title
    ]


def test_multi_valued_email_and_domain_cells():
    people = b"Record ID,Name,Email addresses,Company,Job title\n7,Ada Fake,\"ada@fake.example, ada@home.example\",Fake Co,CTO\n"
    [parsed] = parse_bytes("people.csv", people)
    assert (parsed.kind, _records(parsed, "first_name", "email", "account_name")) == \
        ("crm_contacts", [("Ada", "ada@fake.example", "Fake Co")])
    companies = b"Record ID,Name,Domains,Account Type\n8,Fake Co,\"fake.example, fake.io\",Customer\n"
    [parsed] = parse_bytes("companies.csv", companies)
    assert (parsed.kind, _records(parsed, "name", "domain", "status")) == \
        ("crm_accounts", [("Fake Co", "fake.example", "customer")])
    assert [crm.first_email(v) for v in ("Ama <Ama@X.example>", "n/a", None)] == ["ama@x.example", None, None]


# --- referral program exports ---------------------------------------------------------------------


def test_referral_program_export_with_name_and_email_columns():
    parsed = _parse("referral_program_export.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("referrals", 2, [])
    assert _records(parsed, "referrer", "referred", "referred_on") == [
        ("Joe Whitfield", "Richard Alvarez", date(2024, 11, 2)),
        ("ama@kestrel.example", "Leo Park", date(2024, 12, 1)),  # no referrer name: the email stands in
    ]


def test_referees_export_with_company():
    parsed = _parse("referees.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("referrals", 1, [])
    assert _records(parsed, "referrer", "referred", "company", "referred_on") == [
        ("Joe Whitfield", "Ines Calder", "Harbor Tools Inc", date(2025, 3, 4))]


# --- Salesforce Data Export zip ---------------------------------------------------------------------


def _data_export() -> bytes:
    """A Setup > Data Export zip: the three objects of tests/fixtures/crm plus the other objects a
    real export holds (users, leads, contact roles, line items, history, tasks, cases...)."""
    files = {f"{n}.csv": (FIXTURES / "crm" / f"sf_export_{n}.csv").read_text(encoding="latin-1")
             for n in ("Account", "Contact", "Opportunity")}
    files.update({path.name: path.read_text() for path in sorted((SHAPES / "sf_data_export").iterdir())})
    return _zip(files)


def test_salesforce_data_export_reads_its_objects_not_their_children():
    parsed = parse_bytes("WE_00D5g000000AbcdEAA_1.zip", _data_export())
    assert [(p.path.rsplit("/", 1)[1], p.kind, p.layout, p.rows_read, len(p.frame), p.rejection) for p in parsed] == [
        ("Account.csv", "crm_accounts", "salesforce-export", 3, 2, None),
        ("Contact.csv", "crm_contacts", "salesforce-export", 3, 3, None),
        ("Opportunity.csv", "crm_opportunities", "salesforce-export", 2, 2, None),
        ("Lead.csv", "crm_contacts", "salesforce-export", 1, 1, None),
    ]
    by_name = {p.path.rsplit("/", 1)[1]: p.frame for p in parsed}
    # Owners are user ids in the export; User.csv names them.
    assert {o for frame in by_name.values() for o in frame.owner} == {"Dana Rep"}
    # OpportunityContactRole.csv: Joe Smith is the economic buyer of the ACME renewal.
    assert list(by_name["Opportunity.csv"].contact_roles) == [
        [{"contact": "joe.smith@acme.com", "role": "economic_buyer"}], []]
    assert _records(parsed[3], "first_name", "last_name", "email", "account_name") == [
        ("Ola", "Nordmann", "ola@fjordtek.example", "Fjordtek AS")]


@pytest.mark.parametrize("member", ["OpportunityContactRole.csv", "OpportunityLineItem.csv", "Task.csv",
                                    "Asset.csv", "User.csv", "CampaignMember.csv", "Contract.csv"])
def test_salesforce_child_objects_are_no_records_of_their_parents(member):
    header = next(csv.reader(io.StringIO((SHAPES / "sf_data_export" / member).read_text())))
    assert crm.salesforce_object(header) == ""
    with pytest.raises(UnknownKind):
        parse_bytes(member, (SHAPES / "sf_data_export" / member).read_bytes())


def test_list_of_referred_people_with_a_referred_by_column():
    parsed = _parse("referred_people_list.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("referrals", 2, [])
    assert _records(parsed, "referrer", "referred", "company", "referred_on") == [
        ("Joe Whitfield", "Richard Alvarez", "Brightwater Logistics", date(2024, 11, 2)),
        ("ama@kestrel.example", "Leo Park", "Vantor Inc", date(2024, 12, 1))]
    # Outlook's address book has a "Referred By" column too: still contacts.
    outlook = b"First Name,Last Name,E-mail Address,Company,Referred By\nGael,Winter,gael@fake.example,UTN Fake,Joe\n"
    [parsed] = parse_bytes("contacts.csv", outlook)
    assert (parsed.kind, len(parsed.frame)) == ("crm_contacts", 1)
