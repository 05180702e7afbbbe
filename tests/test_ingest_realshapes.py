"""Shapes of real exports relmap had not seen: Pipedrive, Dynamics 365, Close, Copper, HubSpot joined
exports, Salesforce grouped reports, European spreadsheet re-saves.

Every fixture under ``tests/fixtures/realshapes`` is a synthetic look-alike (invented people and
companies) of a real public file's shape; each test pins exact counts and the values read.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from relmap.ingest import crm, linkedin, parse_bytes
from tests.conftest import FIXTURES

SHAPES = FIXTURES / "realshapes"


def _parse(name: str):
    [parsed] = parse_bytes(name, (SHAPES / name).read_bytes())
    return parsed


def _records(parsed, *columns: str) -> list[tuple]:
    return [tuple(row) for row in parsed.frame[list(columns)].itertuples(index=False)]


# --- Pipedrive --------------------------------------------------------------------------------


def test_pipedrive_deals_with_entity_prefixed_headers():
    parsed = _parse("pipedrive_deals.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, len(parsed.frame), parsed.problems) == \
        ("crm_opportunities", "pipedrive", 3, 3, [])
    assert _records(parsed, "external_id", "name", "account_name", "stage", "amount", "is_won", "is_closed") == [
        ("101", "Fjordline fleet renewal", "Fjordline AS", "Negotiation", 12500.0, False, False),
        ("102", "Pellworth pilot", "Pellworth GmbH", "Proposal made", 4000.0, True, True),
        ("103", "Quillon upsell", "Quillon Ltd", "Qualified", 0.0, False, True),
    ]
    assert list(parsed.frame.owner) == ["Nia Rep", "Tom Seller", "Tom Seller"]  # Deal - Owner, not Organization's
    assert list(parsed.frame.close_date) == [date(2024, 6, 30), date(2024, 3, 15), date(2024, 4, 1)]
    assert parsed.frame.contact_roles.iloc[0] == [{"contact": "Oskar Brenna", "role": None}]


def test_pipedrive_deals_without_prefixes():
    parsed = _parse("pipedrive_deals_plain.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_opportunities", "pipedrive", 2, [])
    assert _records(parsed, "name", "account_name", "amount", "is_won", "close_date") == [
        ("Harbor tools expansion", "Harbor Tools Inc", 8250.0, False, date(2024, 9, 30)),
        ("Marlow renewal", "Marlow & Sons", 3100.0, True, date(2024, 5, 31)),
    ]


def test_pipedrive_people_and_organizations():
    people = _parse("pipedrive_people.csv")
    assert (people.kind, people.layout, people.rows_read, people.problems) == ("crm_contacts", "pipedrive", 3, [])
    assert _records(people, "external_id", "first_name", "last_name", "email", "account_name", "owner") == [
        ("201", "Oskar", "Brenna", "oskar.brenna@fjordline.example", "Fjordline AS", "Nia Rep"),
        ("202", "Greta", "Lindqvist", "greta.home@mail.example", "Pellworth GmbH", "Tom Seller"),
        ("203", "Ines", "Calder", "ines@harbortools.example", "Harbor Tools Inc", "Nia Rep"),  # split from Name
    ]
    orgs = _parse("pipedrive_organizations.csv")
    assert (orgs.kind, orgs.rows_read, orgs.problems) == ("crm_accounts", 2, [])
    assert _records(orgs, "external_id", "name", "owner") == [("301", "Fjordline AS", "Nia Rep"),
                                                              ("302", "Pellworth GmbH", "Tom Seller")]


def test_entity_prefixed_headers_detect_the_kind():
    assert crm.detect_kind(["Person - ID", "Person - Name", "Organization - Name"]) == "crm_contacts"
    assert crm.detect_kind(["Organization - ID", "Organization - Name", "Organization - Owner"]) == "crm_accounts"
    assert crm.detect_kind(["(Do Not Modify) Opportunity", "(Do Not Modify) Row Checksum", "Topic"]) == \
        "crm_opportunities"
    # Another entity's owner is not this record's owner.
    assert crm.auto_mapping("crm_opportunities", ["Deal - Title", "Organization - Owner", "Deal - Owner"]) == \
        {0: "name", 2: "owner"}


# --- HubSpot -----------------------------------------------------------------------------------


def test_hubspot_contacts_exported_with_their_company():
    parsed = _parse("hubspot_contacts_joined.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, len(parsed.frame)) == ("crm_contacts", "hubspot", 6, 5)
    assert [(p.line, p.message) for p in parsed.problems] == [(7, "row has no contact name or email; skipped")]
    assert _records(parsed, "external_id", "first_name", "last_name", "email") == [
        ("1415", "Talia", "Ferreira", None),
        ("31833029667", "Billing", None, "billing@quarrytek.example"),
        ("8704", None, None, "jdoe@axis-fake.example"),  # the email typed as a first name, "A" as last name
        ("8663", None, None, "mo@valuefake.example"),  # "[not provided]"
        ("9851", "Bram", "Oakes", "bram@dfwfake.example"),
    ]
    # "Company name" of the associated company fills the empty contact property; Record ID - Company is its id.
    assert _records(parsed, "account_name", "account_external_id")[1:] == [
        ("QuarryTek", "21526623102"), (None, None), (None, None), ("DFW - Fake Services, Inc", "29859614481")]
    assert list(parsed.frame.last_activity) == [None, date(2024, 12, 4), None, None, date(2025, 9, 24)]


def test_hubspot_multi_valued_associations_take_the_first():
    parsed = _parse("hubspot_deals_associations.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("crm_opportunities", 2, [])
    assert _records(parsed, "account_name", "account_external_id", "amount", "is_won") == [
        ("Kestrel Labs", "551", 25000.0, False), ("Vantor Inc", "553", 12000.5, True)]
    assert parsed.frame.contact_roles.iloc[0] == [{"contact": "ama@kestrel.example", "role": None},
                                                  {"contact": "lio@kestrel.example", "role": None}]


def test_first_association_of_a_multi_valued_cell():
    assert [crm.first_association(v)[0] for v in ("Acme (551203);Globex", ";Initech", "  ", None)] == \
        ["Acme", "Initech", None, None]
    # Several ids: the name cell holds as many companies; one id: one company, ";" and all.
    assert crm.first_association("Kestrel Labs;Kestrel Holdings", "551;552") == ("Kestrel Labs", "551")
    assert crm.first_association("Smith; Jones & Co", "553") == ("Smith; Jones & Co", "553")
    assert crm.first_association("Smith; Jones & Co;Kestrel Labs", "553;551") == ("Smith; Jones & Co", "553")
    assert crm.first_association(None, " 551 ; 552") == (None, "551")
    # No id, no record id: kept whole here (the importer decides with what the store knows).
    assert crm.first_association("Smith; Jones & Co") == ("Smith; Jones & Co", None)
    assert crm.first_association("Kestrel Labs;Kestrel Holdings") == ("Kestrel Labs;Kestrel Holdings", None)


# --- Dynamics 365, Close, Copper ----------------------------------------------------------------


def test_dynamics_export_with_do_not_modify_columns():
    opps = _parse("dynamics_opportunities.csv")
    assert (opps.kind, opps.layout, opps.rows_read, opps.problems) == ("crm_opportunities", "dynamics", 3, [])
    assert _records(opps, "name", "account_name", "close_date", "amount", "stage", "is_won", "is_closed") == [
        ("Northwind expansion", "Northwind Traders", date(2025, 3, 31), 45000.0, "3-Propose", False, False),
        ("Contoso renewal", "Contoso Pharmaceuticals", date(2024, 11, 15), 12500.0, "4-Close", True, True),
        ("Litware pilot", "Litware Inc.", date(2024, 10, 1), -1000.0, "2-Develop", False, True),
    ]
    assert opps.frame.external_id.iloc[0] == "3f1c2a10-0000-4000-8000-000000000001"  # not the checksum
    contacts = _parse("dynamics_contacts.csv")
    assert (contacts.kind, contacts.rows_read, contacts.problems) == ("crm_contacts", 2, [])
    assert _records(contacts, "first_name", "last_name", "account_name", "external_id") == [
        ("Nancy", "Fakeman", "Northwind Traders", "8a1c2a10-0000-4000-8000-000000000011"),
        ("Chidi", "Okafor", "Contoso Pharmaceuticals", "8a1c2a10-0000-4000-8000-000000000012"),
    ]


def test_close_leads_export_is_accounts():
    parsed = _parse("close_leads.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_accounts", "close", 2, [])
    assert _records(parsed, "external_id", "name", "domain", "status", "last_activity") == [
        ("lead_Xa1", "Bluepeak Analytics", "bluepeak.example", "customer", date(2024, 11, 20)),
        ("lead_Xa2", "Cinder & Vale", "cinderandvale.example", "prospect", None),
    ]


def test_copper_opportunities_status_and_owned_by():
    parsed = _parse("copper_opportunities.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_opportunities", "copper", 2, [])
    assert _records(parsed, "name", "owner", "is_won", "is_closed", "amount") == [
        ("Larkspur onboarding", "Eli Copperman", False, False, 9900.0),
        ("Tindal refresh", "Eli Copperman", True, True, 4400.0),
    ]


# --- Salesforce grouped reports -----------------------------------------------------------------


def test_salesforce_summary_report_csv_group_rows_and_subtotals():
    parsed = _parse("sf_summary_report.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_opportunities", "salesforce", 3, [])
    assert _records(parsed, "line", "name", "owner", "amount", "close_date") == [
        (7, "Aster renewal", "Jane Fakeworth", 10000.0, date(2025, 1, 15)),
        (8, "Birch pilot", "Jane Fakeworth", 2500.0, date(2025, 3, 1)),
        (12, "Cedar expansion", "Ken Fakeley", 7500.0, date(2025, 2, 28)),
    ]


def _formatted_report(path) -> None:
    """A Salesforce "formatted" xlsx export: a hidden sheet and a cover sheet first, then the report
    with title rows, the group value in each group's first row only, subtotals and the footer."""
    import openpyxl

    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "hiddenSheet"
    hidden.append(["Account Name", "Website"])
    hidden.append(["Decoy Corp", "decoy.example"])
    hidden.sheet_state = "hidden"
    cover = book.create_sheet("Summary")
    cover.append(["Report Name", "Opportunities by Owner"])
    sheet = book.create_sheet("Report")
    for row in (["Opportunities by Owner"], ["Generated By: Jane Fakeworth 12/1/2024 10:00 AM"], ["Fakeco Ltd"], [],
                ["Opportunity Owner", "Opportunity Name", "Account Name", "Stage", "Amount", "Close Date"],
                ["Jane Fakeworth", "Aster renewal", "Aster Corp", "Closed Won", 10000, datetime(2025, 1, 15)],
                [None, "Birch pilot", "Birch LLC", "Prospecting", 1.25, datetime(2025, 3, 1)],
                ["Subtotal", None, None, None, 10001.25, None],
                ["Ken Fakeley", "Cedar expansion", "Cedar GmbH", "Negotiation/Review", 7500, datetime(2025, 2, 28)],
                ["Subtotal", None, None, None, 7500, None], ["Total", None, None, None, 17501.25, None], [],
                ["Confidential Information - Do Not Distribute"],
                ["Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."]):
        sheet.append(row)
    book.save(path)


def test_salesforce_formatted_xlsx_report(tmp_path):
    path = tmp_path / "Opportunities by Owner.xlsx"
    _formatted_report(path)
    [parsed] = parse_bytes(path.name, path.read_bytes())
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("crm_opportunities", 3, [])
    assert _records(parsed, "line", "name", "owner", "amount", "close_date") == [
        (6, "Aster renewal", "Jane Fakeworth", 10000.0, date(2025, 1, 15)),
        (7, "Birch pilot", "Jane Fakeworth", 1.25, date(2025, 3, 1)),  # group value filled down; 1.25 exact
        (9, "Cedar expansion", "Ken Fakeley", 7500.0, date(2025, 2, 28)),
    ]


def test_a_total_named_company_is_still_a_row():
    data = b"Account Name,Type,Website\nTotal Wine Fakes,Customer,twf.example\nTotal,,\n"
    [parsed] = parse_bytes("accounts.csv", data)
    assert (parsed.rows_read, list(parsed.frame.name)) == (1, ["Total Wine Fakes"])


# --- header rows ---------------------------------------------------------------------------------


def test_two_header_rows_and_a_repeated_header():
    parsed = _parse("crm_contacts_two_header_rows.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("crm_contacts", 3, [])
    assert _records(parsed, "line", "first_name", "account_name") == [
        (3, "Rhea", "Olmstead Ltd"), (4, "Tomas", "Quorra SA"), (6, "Wen", "Lumen Co")]


def test_connections_with_the_header_pasted_twice():
    parsed = _parse("connections_repeated_header.csv")
    assert (parsed.kind, parsed.rows_read, len(parsed.frame), parsed.problems) == ("linkedin_connections", 3, 3, [])
    assert list(parsed.frame.line) == [5, 6, 8]


# --- European re-saves, amounts, dates -----------------------------------------------------------


def test_connections_resaved_by_a_european_excel_read_day_first():
    parsed = _parse("connections_excel_dayfirst.csv")
    assert (parsed.layout, parsed.rows_read, parsed.hidden_rows, len(parsed.frame), parsed.problems) == \
        ("2020-2023 excel-resave", 4, 1, 3, [])
    assert list(parsed.frame.connected_on) == [date(2021, 12, 5), date(2021, 11, 25), date(2022, 1, 3)]
    assert list(parsed.frame.company) == ["Société Générale Fake", "Vélo & Cie", "Atelier; Nord"]


def test_month_first_dates_stay_month_first():
    dates, bad, _ = linkedin._dates(linkedin.pd.Series(["12/22/16, 9:55 AM", "1/8/18, 6:14 PM", "05/12/2021"]))
    assert (list(dates), list(bad)) == ([date(2016, 12, 22), date(2018, 1, 8), date(2021, 5, 12)], [False] * 3)


@pytest.mark.parametrize("text, value", [
    ("$1,234.56", 1234.56), ("USD 1,200", 1200.0), ("1.234,56 €", 1234.56), ("(1,200)", -1200.0),
    ("EUR 1.200", 1200.0), ("1 234,56 €", 1234.56), ("CHF 1'234.50", 1234.5), ("-$1,000.00", -1000.0),
    ("$25k", 25000.0), ("$1.2M", 1_200_000.0), ("$ 2.5 mm", 2_500_000.0), ("475,00", 475.0), ("9225.225", 9225.225),
    ("12%", 12.0), ("TBD", None), ("n/a", None),
])
def test_amount_spellings(text, value):
    assert crm.parse_amount(text) == value


@pytest.mark.parametrize("text", [
    "2021-12-01 10:22:33 UTC", "12/1/21", "1-Dec-21", "Dec 1, 2021", "2021/12/01", "2021/12/01 10:00",
    "01-Dec-2021 10:22", "December 1st, 2021", "2021.12.01", "44531", "Wed Dec 01 2021", "1 December 2021",
    "12/01/2021 10:22:33 AM", "2021-12-01T10:22:33.000+0000", "Dec 1, 2021 10:22 AM",
])
def test_crm_date_spellings(text):
    assert crm.parse_dates([text]) == [date(2021, 12, 1)]


@pytest.mark.parametrize("text", ["2021-12-01 10:22:33 UTC", "2021-12-01T10:22:33Z", "2021-12-01T10:22:33.000+00:00",
                                  "12/1/21", "1-Dec-21", "Dec 1, 2021", "2021/12/01"])
def test_linkedin_date_spellings(text):
    assert linkedin.parse_date(text) == date(2021, 12, 1)


def test_required_field_message_names_the_record_in_the_singular():
    with pytest.raises(Exception) as info:
        parse_bytes("deals.csv", b"Stage,Amount\nWon,5\n")
    assert "no column holds the opportunity name" in str(info.value)


# --- workbooks and web pages ----------------------------------------------------------------------


def test_connections_resaved_as_xlsx_are_connections(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Notes:"], ["When exporting your connection data, you may notice that some of the email addresses "
                             "are missing."], [],
                ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
                ["Amara", "Okoye", "https://www.linkedin.com/in/amara-okoye-fake", None, "Brightwell", "Engineer",
                 datetime(2024, 12, 9)],
                ["Lars", "Holm", "https://www.linkedin.com/in/lars-holm-fake", "lars@nordvik.example", "Nordvik, Inc.",
                 "Manager", datetime(2024, 11, 1)],
                [None, None, None, None, None, None, datetime(2024, 10, 20)],
                ["Priya", "Raman", "https://www.linkedin.com/in/priya-raman-fake", None, "Tessel", "Analyst",
                 "15 Oct 2024"]):
        sheet.append(row)
    path = tmp_path / "Connections.xlsx"
    book.save(path)
    [parsed] = parse_bytes(path.name, path.read_bytes())
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.hidden_rows, parsed.problems) == \
        ("linkedin_connections", "2023+ excel-resave", 4, 1, [])
    assert _records(parsed, "line", "first_name", "company", "connected_on") == [
        (5, "Amara", "Brightwell", date(2024, 12, 9)), (6, "Lars", "Nordvik, Inc.", date(2024, 11, 1)),
        (8, "Priya", "Tessel", date(2024, 10, 15))]


def test_salesforce_printable_view_html_xls():
    parsed = _parse("sf_printable_view.xls")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_accounts", "salesforce", 3, [])
    assert _records(parsed, "line", "name", "domain", "status", "owner", "last_activity") == [
        (6, "Aster & Co", "aster.example", "customer", "Jane Fakeworth", date(2024, 11, 28)),
        (7, "Birch LLC", "birch.example", "prospect", "Jane Fakeworth", None),
        (9, "Cedar GmbH", "cedar.example", "customer", "Ken Fakeley", date(2024, 10, 2)),
    ]


def test_old_binary_xls_is_refused_with_what_to_do():
    from relmap.model import RejectedFile

    with pytest.raises(RejectedFile) as info:
        parse_bytes("pipeline.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert "pipeline.xls" in str(info.value) and "save it as .xlsx or CSV" in str(info.value)


_OUTLOOK_HEADER = ('"Title","First Name","Middle Name","Last Name","Suffix","E-mail Address","E-mail 2 Address",'
                   '"Business Street","Business City","Company","Department","Job Title","Business Phone","Notes"')


def _outlook(*people: tuple[str, str, str, str, str]) -> bytes:
    lines = [_OUTLOOK_HEADER] + [f'"","{f}","","{last}","","{mail}","","","","{co}","","{title}","",""'
                                 for f, last, mail, co, title in people]
    return ("\n".join(lines) + "\n").encode()


def test_linkedin_outlook_export_of_2010_2016_is_connections():
    data = _outlook(("Gael", "Winter", "gael@fake.example", "UTN Fake", "Director, Projects"),
                    ("Rosa", "Marlow, MBA", "rosa@fake.example", "", ""))
    [parsed] = parse_bytes("linkedin_connections_export_microsoft_outlook.csv", data)
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == \
        ("linkedin_connections", "2010-2016 outlook", 2, [])
    assert _records(parsed, "first_name", "last_name", "email", "company", "position", "connected_on") == [
        ("Gael", "Winter", "gael@fake.example", "UTN Fake", "Director, Projects", None),
        ("Rosa", "Marlow, MBA", "rosa@fake.example", None, None, None)]
    # The same columns from Outlook itself are an address book: CRM contacts.
    [contacts] = parse_bytes("outlook_contacts.csv", data)
    assert (contacts.kind, len(contacts.frame)) == ("crm_contacts", 2)


# --- reports in other languages --------------------------------------------------------------------


def test_german_salesforce_report_with_localised_headers_and_footer():
    parsed = _parse("sf_opportunities_de.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_opportunities", "salesforce", 3, [])
    assert _records(parsed, "name", "account_name", "amount", "close_date", "is_won", "is_closed", "owner") == [
        ("Nordlicht Erweiterung", "Nordlicht AG", 12500.0, date(2025, 1, 15), True, True, "Jana Fakemann"),
        ("Süd Pilot", "Südwind GmbH", 2400.5, date(2025, 2, 28), False, False, "Jana Fakemann"),
        ("Ost Verlängerung", "Ostsee KG", 900.0, date(2024, 11, 3), False, True, "Udo Fakeberg"),
    ]


def test_french_accounts_report():
    parsed = _parse("sf_accounts_fr.csv")
    assert (parsed.kind, parsed.rows_read, parsed.problems) == ("crm_accounts", 2, [])
    assert _records(parsed, "name", "domain", "status", "owner", "last_activity") == [
        ("Boulangerie Fictive SARL", "boulangerie-fictive.example", "customer", "Léa Fauxnom", date(2024, 12, 2)),
        ("Atelier Imaginaire SAS", "atelier-imaginaire.example", "prospect", "Léa Fauxnom", None),
    ]
