"""Fourth sweep of real export shapes: address books (Google Contacts, both layouts; Yahoo! Mail,
including LinkedIn's 2010-2016 "Export to Yahoo CSV"), a Sales Navigator search exported by
PhantomBuster, Attio, Freshsales, Outreach, Salesloft, Copper, Zoho leads, Dynamics 365 accounts
and leads, HubSpot's default companies view, Pipedrive's leads inbox, a Salesforce Lightning
formatted report with its "Filtered By" block, and Connections files a person cut down (header
deleted, last names removed).

Every fixture under ``tests/fixtures/realshapes4`` has the header of a real public file or of the
vendor's documented export (invented people and companies). Each file is imported through the
CLI with no ``--kind`` and no ``--map`` and pins kind, layout and exact counts.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from relmap import cli
from relmap.ingest import crm, mapping, parse_bytes
from relmap.model import RejectedFile
from tests.conftest import FIXTURES

SHAPES = FIXTURES / "realshapes4"


def _import(capsys, tmp_path, path, *extra: str) -> dict:
    """``python -m relmap import PATH --json`` into a new SQLite store; the file's JSON entry."""
    capsys.readouterr()
    cli.main(["import", str(path), "--json", "--db", f"sqlite:///{tmp_path / 'relmap.db'}", *extra])
    [entry] = json.loads(capsys.readouterr().out)["files"]
    return entry


def _parse(name: str):
    [parsed] = parse_bytes(name, (SHAPES / name).read_bytes())
    return parsed


def _records(parsed, *columns: str) -> list[tuple]:
    return [tuple(row) for row in parsed.frame[list(columns)].itertuples(index=False)]


# (file, kind, layout, rows read, records imported): each read right with no --kind and no --map.
CLI_SHAPES = [
    ("google_contacts.csv", "crm_contacts", "google-contacts", 3, 3),
    ("google_contacts_legacy.csv", "crm_contacts", "google-contacts", 2, 2),
    ("sales_navigator_search_export.csv", "crm_contacts", "sales-navigator", 2, 2),
    ("evaboot_sales_navigator_leads.csv", "crm_contacts", "sales-navigator", 2, 2),
    ("attio_people.csv", "crm_contacts", "attio", 2, 2),
    ("attio_companies.csv", "crm_accounts", "attio", 2, 2),
    ("dynamics_accounts.csv", "crm_accounts", "dynamics", 2, 3),  # 2 accounts + 1 primary contact
    ("dynamics_leads.csv", "crm_contacts", "dynamics", 2, 2),
    ("freshsales_contacts.csv", "crm_contacts", "freshsales", 2, 2),
    ("freshsales_deals.csv", "crm_opportunities", "freshsales", 2, 2),
    ("freshsales_accounts.csv", "crm_accounts", "freshsales", 2, 2),
    ("outreach_prospects.csv", "crm_contacts", "mapped", 2, 2),
    ("salesloft_people.csv", "crm_contacts", "salesloft", 2, 2),
    ("copper_people.csv", "crm_contacts", "copper", 2, 2),
    ("zoho_leads.csv", "crm_contacts", "zoho", 2, 2),
    ("hubspot_companies_default.csv", "crm_accounts", "hubspot", 2, 2),
    # Zoho's own "Record Id" (HubSpot writes "Record ID"), ids with and without "zcrm_".
    ("zoho_accounts_export.csv", "crm_accounts", "zoho", 2, 2),
    # A Salesforce accounts report whose first column is Last Activity (not a grouping column).
    ("sf_all_accounts.csv", "crm_accounts", "salesforce", 3, 3),
]


@pytest.mark.parametrize(("name", "kind", "layout", "rows", "records"), CLI_SHAPES)
def test_real_shapes_import_through_the_cli_without_a_mapping(capsys, tmp_path, name, kind, layout, rows, records):
    entry = _import(capsys, tmp_path, SHAPES / name)
    assert (entry["kind"], entry["layout"], entry["status"], entry["rows_read"], entry["records_imported"],
            entry["problems"]) == (kind, layout, "imported", rows, records, [])
    assert not mapping.needs_mapping(name, (SHAPES / name).read_bytes())


# --- address books -----------------------------------------------------------------------------------


def test_google_contacts_export_reads_its_labelled_email_and_organization_columns():
    parsed = _parse("google_contacts.csv")
    # "E-mail 1 - Label" (* Work) is a label, not the address; "Organization Title" is the job title.
    assert _records(parsed, "first_name", "last_name", "email", "title", "account_name") == [
        ("Grace", "Hoppfake", "grace@navyfake.example", "Rear Admiral", "Navyfake Labs"),
        ("Alan", "Turfake", "alan@mail.example", "Cryptanalyst", "Bletchfake Park"),
        ("Ada", None, None, None, None)]


def test_google_contacts_legacy_export_given_and_family_name():
    parsed = _parse("google_contacts_legacy.csv")
    assert (parsed.kind, parsed.layout) == ("crm_contacts", "google-contacts")
    assert _records(parsed, "first_name", "last_name", "email", "title", "account_name") == [
        ("Grace", "Hoppfake", "grace@navyfake.example", "Rear Admiral", "Navyfake Labs"),
        ("Alan", "Turfake", "alan@mail.example", "Cryptanalyst", "Bletchfake Park")]


@pytest.mark.parametrize("cell", ["E-mail 1 - Label", "E-mail 2 - Type", "Phone 1 - Type", "Website 1 - Label"])
def test_label_columns_of_an_address_book_stand_for_no_field(cell):
    assert crm._match("crm_contacts", cell) is None


def test_value_columns_of_an_address_book():
    assert [crm._match("crm_contacts", c)[0] for c in ("E-mail 1 - Value", "Organization 1 - Name",
                                                        "Organization 1 - Title", "Organization Title")] == \
        ["email", "account_name", "title", "title"]


def test_linkedin_yahoo_export_of_2010_2016_is_connections(capsys, tmp_path):
    entry = _import(capsys, tmp_path, SHAPES / "linkedin_connections_export_yahoo.csv", "--owner", "Dana Rep")
    assert (entry["kind"], entry["layout"], entry["status"], entry["rows_read"], entry["records_imported"]) == \
        ("linkedin_connections", "2010-2016 yahoo", "imported", 2, 2)
    parsed = _parse("linkedin_connections_export_yahoo.csv")
    # Yahoo's "Title" is the job title (Outlook's "Title" is the honorific and is never read).
    assert _records(parsed, "first_name", "last_name", "email", "company", "position", "connected_on") == [
        ("Gael", "Winfake", "gael@fake.example", "UTN Fake", "Director, Projects", None),
        ("Rosa", "Marfake", "rosa@fake.example", None, None, None)]


def test_a_yahoo_address_book_under_another_name_is_crm_contacts():
    [parsed] = parse_bytes("yahoo_contacts.csv", (SHAPES / "linkedin_connections_export_yahoo.csv").read_bytes())
    assert (parsed.kind, parsed.layout, len(parsed.frame)) == ("crm_contacts", "yahoo", 2)
    assert list(parsed.frame.title) == ["Director, Projects", None]


# --- lead lists and CRMs -------------------------------------------------------------------------------


def test_sales_navigator_export_keeps_linkedins_company_ids_out_of_crm_account_ids():
    parsed = _parse("sales_navigator_search_export.csv")
    assert _records(parsed, "first_name", "last_name", "title", "account_name", "account_external_id") == [
        ("Maren", "Solfake", "VP Engineering", "Brightfake Logistics", None),
        ("Tomas", "Ilfake", "CFO", "Quorrafake, Inc.", None)]


def test_attio_exports_multi_valued_emails_and_domains():
    people = _parse("attio_people.csv")
    assert _records(people, "external_id", "first_name", "email", "account_name", "last_activity") == [
        ("3f1c0001-0000-4000-8000-000000000001", "Ama", "ama@kestfake.example", "Kestfake Labs", date(2024, 11, 4)),
        ("3f1c0001-0000-4000-8000-000000000002", "Leo", "leo@vantfake.example", "Vantfake", None)]
    companies = _parse("attio_companies.csv")
    # "Estimated ARR" is the company's size from enrichment, not what it pays: not the arr field.
    assert _records(companies, "name", "domain", "arr") == [
        ("Kestfake Labs", "kestfake.example", None), ("Vantfake", "vantfake.example", None)]


def test_dynamics_accounts_view_brings_its_primary_contact_with_the_email():
    parsed = _parse("dynamics_accounts.csv")
    assert _records(parsed, "name", "owner") == [("Northfake Traders", "Mara Quinn"), ("Contofake Pharma", "Devi Rao")]
    assert [tuple(r) for r in parsed.contacts[["first_name", "last_name", "email", "account_name"]].itertuples(
        index=False)] == [("Nancy", "Fakeman", "nancy@northfake.example", "Northfake Traders")]


def test_freshsales_deals_won_stage_and_sales_owner():
    parsed = _parse("freshsales_deals.csv")
    assert _records(parsed, "name", "account_name", "amount", "close_date", "is_won", "owner") == [
        ("Kifake rollout", "Kifake Robotics", 45000.0, date(2024, 9, 30), True, "Priya Fakesh"),
        ("Tindfake pilot", "Tindfake Works", 5000.0, date(2025, 1, 31), False, "Priya Fakesh")]


def test_pipedrive_deals_exported_in_german(capsys, tmp_path):
    # Pipedrive names its columns in the user's language: "Deal - Titel", "Deal - Wert", "Deal - Besitzer".
    entry = _import(capsys, tmp_path, SHAPES / "pipedrive_deals_de.csv")
    assert (entry["kind"], entry["layout"], entry["status"], entry["rows_read"], entry["records_imported"]) == \
        ("crm_opportunities", "pipedrive", "imported", 3, 3)
    # The contact persons are read; with no CRM contacts imported yet, the summary says so.
    assert [(p["line"], p["message"]) for p in entry["problems"]] == [
        (line, "a contact in the contact roles matches nobody relmap knows; import the CRM contacts first to link it")
        for line in (2, 3)]
    parsed = _parse("pipedrive_deals_de.csv")
    assert _records(parsed, "external_id", "name", "account_name", "stage", "amount", "close_date", "is_won",
                    "is_closed", "owner") == [
        ("101", "Fjordfake Flottenvertrag", "Fjordfake AS", "Verhandlung", 12500.0, date(2024, 9, 30), True, True,
         "Nia Vertrieb"),
        ("102", "Pellfake Pilot", "Pellfake GmbH", "Angebot gemacht", 4000.0, date(2025, 1, 31), False, False,
         "Tom Verkauf"),
        ("103", "Altfake Erweiterung", "Altfake KG", "Qualifiziert", 8000.0, date(2024, 6, 30), False, True,
         "Tom Verkauf")]  # "Gewichteter Wert" (weighted value) is not the amount
    assert [r["contact"] for roles in parsed.frame.contact_roles for r in roles] == ["Oskar Brennfake", "Greta Lindfake"]


def test_salesforce_lightning_formatted_report_with_filtered_by_block(tmp_path, capsys):
    import openpyxl

    path = tmp_path / "Open Pipeline-2024-12-01-10-00-00.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in ([None, "Open Pipeline"], [], [None, "Filtered By:"], [None, "    Show Me: All opportunities"],
                [None, "    Close Date: Current FY"], [None, "    Stage not equal to Closed Won, Closed Lost"], [],
                [None, "Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Amount", "Close Date"],
                [None, "Jane Fakeworth", "Aster Corp", "Aster renewal", "Negotiation/Review", 10000,
                 datetime(2025, 1, 15)],
                [None, None, "Birch LLC", "Birch pilot", "Prospecting", 2500.5, datetime(2025, 3, 1)],
                [None, "Subtotal", None, None, None, 12500.5],
                [None, "Ken Fakeley", "Cedar GmbH", "Cedar expansion", "Qualification", 7500, datetime(2025, 2, 28)],
                [None, "Total", None, None, None, 20000.5], [],
                [None, "Confidential Information - Do Not Distribute"],
                [None, "Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."]):
        sheet.append(row)
    book.save(path)
    entry = _import(capsys, tmp_path, path)
    assert (entry["kind"], entry["layout"], entry["rows_read"], entry["records_imported"], entry["problems"]) == \
        ("crm_opportunities", "salesforce", 3, 3, [])
    [parsed] = parse_bytes(path.name, path.read_bytes())
    assert _records(parsed, "line", "name", "owner", "amount") == [
        (9, "Aster renewal", "Jane Fakeworth", 10000.0), (10, "Birch pilot", "Jane Fakeworth", 2500.5),
        (12, "Cedar expansion", "Ken Fakeley", 7500.0)]


# --- shapes that need a person's help ------------------------------------------------------------------


def test_pipedrive_leads_inbox_needs_a_mapping_and_imports_with_one(capsys, tmp_path):
    path = SHAPES / "pipedrive_leads.csv"
    # "Title" could be a job title or a deal's name: relmap asks instead of guessing.
    assert mapping.needs_mapping(path.name, path.read_bytes())
    entry = _import(capsys, tmp_path, path)
    assert (entry["kind"], entry["status"]) == ("unknown", "rejected")
    [problem] = entry["problems"]
    assert "pipedrive_leads.csv is not a file relmap knows" in problem["message"]
    assert "--map \"Column=field\"" in problem["message"] and "--kind crm_accounts" in problem["message"]
    entry = _import(capsys, tmp_path, path, "--map", "Title=name", "--map", "Organization=account_name",
                    "--map", "Value=amount")
    assert (entry["kind"], entry["layout"], entry["status"], entry["rows_read"], entry["records_imported"]) == \
        ("crm_opportunities", "mapped", "imported", 2, 2)
    [parsed] = parse_bytes(path.name, path.read_bytes(), mapping={"Title": "name", "Organization": "account_name",
                                                                  "Value": "amount"})
    assert _records(parsed, "name", "account_name", "amount", "owner") == [
        ("Kestfake Labs lead", "Kestfake Labs", 5000.0, "Nia Rep"), ("Vantfake lead", "Vantfake", None, "Nia Rep")]


def test_connections_with_the_header_deleted_are_rejected_with_the_fix(capsys, tmp_path):
    entry = _import(capsys, tmp_path, SHAPES / "connections_headerless.csv", "--owner", "Dana Rep")
    assert (entry["status"], entry["rows_read"]) == ("rejected", 0)
    [problem] = entry["problems"]
    assert problem["message"].startswith("connections_headerless.csv looks like a LinkedIn Connections export whose "
                                         "header line was deleted")
    assert "First Name,Last Name,Email Address,Company,Position,Connected On" in problem["message"]
    assert "Raina" not in problem["message"]  # no names from the file in the message
    # With the header put back, the same rows import.
    fixed = tmp_path / "Connections.csv"
    fixed.write_bytes(b"First Name,Last Name,Email Address,Company,Position,Connected On\n" +
                      (SHAPES / "connections_headerless.csv").read_bytes())
    entry = _import(capsys, tmp_path, fixed, "--owner", "Dana Rep")
    assert (entry["kind"], entry["layout"], entry["rows_read"], entry["records_imported"], entry["problems"]) == \
        ("linkedin_connections", "2018-2020", 4, 4, [])


def test_connections_with_only_the_last_names_cut_name_that_column():
    with pytest.raises(RejectedFile) as err:
        parse_bytes("Connections.csv", (SHAPES / "connections_es_first_names_only.csv").read_bytes())
    assert str(err.value) == ("Connections.csv looks like a LinkedIn Connections export without its Last Name "
                              "column; relmap needs both names, so upload the file as LinkedIn exported it.")


def test_connections_2016_with_address_websites_and_instant_messengers(capsys, tmp_path):
    # A 2016 export whose columns say Company/Position (not Current Company) beside Address,
    # Websites and Instant Messengers, with LinkedIn's "12/22/16, 9:55 AM" dates.
    entry = _import(capsys, tmp_path, SHAPES / "connections_2016_address.csv", "--owner", "Dana Rep")
    assert (entry["kind"], entry["layout"], entry["rows_read"], entry["records_imported"], entry["problems"]) == \
        ("linkedin_connections", "2016-2017", 2, 2, [])
    assert _records(_parse("connections_2016_address.csv"), "first_name", "company", "connected_on") == [
        ("Joe", "Company A Fake", date(2016, 12, 22)), ("Laura", "Company B Fake", date(2016, 11, 21))]


def test_outlook_address_book_title_is_the_honorific_and_job_title_the_title():
    # outlook.live.com's export (and Google Contacts' "Outlook CSV"): "Title" holds Dr./Ms., "Job Title"
    # the job; a street cell spans lines; a contact may be an e-mail alone.
    parsed = _parse("outlook_com_contacts.csv")
    assert (parsed.kind, parsed.layout, parsed.rows_read, parsed.problems) == ("crm_contacts", "outlook", 3, [])
    assert _records(parsed, "line", "first_name", "last_name", "email", "title", "account_name") == [
        (2, "Ingrid", "Larsfake", "ingrid@nordfake.example", "Chief Medical Officer", "Nordfake Health AS"),
        (5, "John", "Cruickfake", None, None, None),
        (6, None, None, "mail@fakemail.example", None, None)]


# --- Pipedrive in French and Portuguese ----------------------------------------------------------------

_UNLINKED_ROLE = "a contact in the contact roles matches nobody relmap knows; import the CRM contacts first to link it"


@pytest.mark.parametrize(("name", "kind", "rows", "unlinked"), [
    ("pipedrive_deals_fr.csv", "crm_opportunities", 3, [2, 3]),
    ("pipedrive_deals_pt.csv", "crm_opportunities", 2, [2, 3]),
    ("pipedrive_people_fr.csv", "crm_contacts", 1, []),
    ("pipedrive_people_pt.csv", "crm_contacts", 2, []),
    ("pipedrive_deals_es.csv", "crm_opportunities", 3, [2, 3]),
    ("pipedrive_people_es.csv", "crm_contacts", 1, []),
])
def test_pipedrive_exports_in_french_portuguese_and_spanish_through_the_cli(capsys, tmp_path, name, kind, rows, unlinked):
    # Pipedrive names record types and fields in the user's language: "Affaire - Titre", "Negócio - Valor",
    # "Personne - Nom", "Pessoa - Nome", "Organização - Nome".
    entry = _import(capsys, tmp_path, SHAPES / name)
    assert (entry["kind"], entry["layout"], entry["status"], entry["rows_read"], entry["records_imported"]) == \
        (kind, "pipedrive", "imported", rows, rows)
    assert [(p["line"], p["message"]) for p in entry["problems"]] == [(line, _UNLINKED_ROLE) for line in unlinked]


def test_pipedrive_deals_in_french_and_portuguese_values():
    french = _parse("pipedrive_deals_fr.csv")
    # ';' file: decimal commas and day-first dates; "Gagnée"/"Perdue" say won and lost.
    assert _records(french, "external_id", "name", "account_name", "stage", "amount", "close_date", "is_won",
                    "is_closed", "owner") == [
        ("201", "Pains pour la cantine", "Boulangeries Fauxnom", "Proposition", 12500.5, date(2026, 11, 5), False,
         False, "Léa Vendeuse"),
        ("202", "Fours professionnels", "Nouvelle Boulangerie Fictive", "Négociation", 8000.0, date(2026, 10, 2), True,
         True, "Léa Vendeuse"),
        ("203", "Livraison hebdo", "Atelier Imaginaire", "Qualifiée", 1200.0, date(2026, 9, 20), False, True,
         "Léa Vendeuse")]
    assert [r["contact"] for roles in french.frame.contact_roles for r in roles] == ["Claire Fauxnom", "Marc Fictif"]
    portuguese = _parse("pipedrive_deals_pt.csv")
    assert _records(portuguese, "name", "account_name", "amount", "close_date", "is_won", "owner") == [
        ("Frota de entregas", "Transportes Fictícios Ltda", 45000.0, date(2025, 3, 31), False, "Rafael Vendas"),
        ("Licença anual", "Padaria Inventada ME", 12000.0, date(2024, 12, 15), True, "Rafael Vendas")]


def test_pipedrive_people_in_french_and_portuguese_whole_names():
    # "Personne - Nom" / "Pessoa - Nome" hold the whole name (alone, "Nom" would be the last name).
    assert _records(_parse("pipedrive_people_fr.csv"), "first_name", "last_name", "email", "title", "account_name",
                    "owner") == [("Claire", "Fauxnom", "claire@boulfaux.example", "Acheteuse", "Boulangeries Fauxnom",
                                  "Léa Vendeuse")]
    assert _records(_parse("pipedrive_people_pt.csv"), "first_name", "last_name", "email", "title", "account_name") == [
        ("Ana", "Falsete", "ana@transfict.example", "Diretora de Operações", "Transportes Fictícios Ltda"),
        ("Bruno", "Fingido", None, "Sócio", "Padaria Inventada ME")]


def test_pipedrive_exports_in_spanish():
    # "Trato - Título", "Trato - Valor", "Organización - Nombre"; "Persona - Nombre" beside "Persona - Apellidos"
    # is the first name; "Ganado"/"Perdido" say won and lost.
    assert _records(_parse("pipedrive_deals_es.csv"), "name", "account_name", "amount", "close_date", "is_won",
                    "is_closed", "owner") == [
        ("Flota de reparto", "Transportes Ficticios SL", 15000.0, date(2025, 3, 31), False, False, "Pablo Ventas"),
        ("Licencia anual", "Panadería Inventada SA", 9500.0, date(2024, 12, 15), True, True, "Pablo Ventas"),
        ("Piloto", "Taller Imaginario", 2000.0, date(2024, 10, 1), False, True, "Pablo Ventas")]
    assert _records(_parse("pipedrive_people_es.csv"), "first_name", "last_name", "email", "account_name", "owner") == [
        ("Lucía", "Falsa", "lucia@transficticios.example", "Transportes Ficticios SL", "Pablo Ventas")]
