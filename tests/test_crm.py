"""CRM exports: Salesforce reports and Data Export, HubSpot, Zoho, XLSX, a `;` locale and mapped layouts."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest

from relmap import cli
from relmap.importer import import_bytes, import_paths
from relmap.ingest import parse_bytes
from relmap.ingest.crm import propose_mapping
from relmap.model import PARSED_COLUMNS, RejectedFile
from tests.conftest import FIXTURES

CRM = FIXTURES / "crm"


def _parse(name: str, **kw):
    [parsed] = parse_bytes(name, (CRM / name).read_bytes(), **kw)
    return parsed


# file, kind, layout, rows read, rows kept, lines with a problem
PARSE_CASES = [
    ("sf_accounts_report.csv", "crm_accounts", "salesforce", 5, 5, []),
    ("sf_contacts_report.csv", "crm_contacts", "salesforce", 6, 5, [6, 7]),
    ("sf_opportunities_report.csv", "crm_opportunities", "salesforce", 3, 3, []),
    ("sf_export_Account.csv", "crm_accounts", "salesforce-export", 3, 2, [4]),
    ("sf_export_Contact.csv", "crm_contacts", "salesforce-export", 3, 3, []),
    ("sf_export_Opportunity.csv", "crm_opportunities", "salesforce-export", 2, 2, []),
    ("hubspot_companies.csv", "crm_accounts", "hubspot", 3, 3, []),
    ("hubspot_contacts.csv", "crm_contacts", "hubspot", 4, 4, []),
    ("hubspot_deals.csv", "crm_opportunities", "hubspot", 4, 3, [5]),
    ("zoho_accounts.csv", "crm_accounts", "zoho", 2, 2, []),
    ("locale_opportunities.csv", "crm_opportunities", "salesforce", 3, 3, [4]),
]


@pytest.mark.parametrize("name,kind,layout,rows_read,kept,problem_lines", PARSE_CASES)
def test_fixture_parses_with_exact_counts(name, kind, layout, rows_read, kept, problem_lines):
    parsed = _parse(name)
    assert (parsed.kind, parsed.layout, parsed.rows_read, len(parsed.frame)) == (kind, layout, rows_read, kept)
    assert [p.line for p in parsed.problems] == problem_lines
    assert list(parsed.frame.columns) == PARSED_COLUMNS[kind]


def test_salesforce_report_footer_and_values():
    accounts = _parse("sf_accounts_report.csv").frame
    assert list(accounts.name) == ["ACME Inc.", "Globex Corporation", "Initech, LLC", "Umbrella plc", "Hooli"]
    assert list(accounts.status) == ["customer", "prospect", "customer", "churned", "prospect"]
    assert list(accounts.domain) == ["acme.com", "globex.io", "initech.com", "umbrella.co.uk", "hooli.xyz"]
    contacts = _parse("sf_contacts_report.csv").frame
    assert list(contacts.role) == ["champion", "economic_buyer", "decision_maker", "user", "influencer"]
    assert contacts.last_activity.iloc[0] == date(2026, 3, 14)
    opps = _parse("sf_opportunities_report.csv").frame
    assert list(opps.amount) == [48000.0, 12500.0, 30000.0]
    assert list(opps.is_won) == [True, False, False] and list(opps.is_closed) == [True, False, True]
    assert opps.contact_roles.iloc[0] == [{"contact": "Joe Smith", "role": "champion"},
                                          {"contact": "ana.mueller@acme.com", "role": "economic_buyer"}]


def test_salesforce_data_export_quirks():
    contacts = _parse("sf_export_Contact.csv").frame
    assert list(contacts.account_external_id.fillna("-")) == ["0015g00000AbCdEAAA", "0015g00000AbCdFAAA", "-"]
    assert contacts.first_name.iloc[1] == "Hélène"  # ISO-8859-1 decoded
    opps = _parse("sf_export_Opportunity.csv").frame
    assert list(opps.is_won) == [True, False] and list(opps.is_closed) == [True, False]


def test_hubspot_duplicate_headers_and_deactivated_owner():
    contacts = _parse("hubspot_contacts.csv").frame
    # "Contact owner" first (cleaned of "(Deactivated User)"), else "Lead Owner" or its twin "Lead owner".
    assert list(contacts.owner) == ["sam@vendor.com", "old.rep@vendor.com", "sam@vendor.com", "sam@vendor.com"]
    assert contacts.email.iloc[2] == "tony@stark.com" and contacts.first_name.isna().iloc[2]
    assert list(contacts.account_name) == ["Acme, Inc", "Wayne Enterprises", "Stark Industries", "Stark Industries"]
    companies = _parse("hubspot_companies.csv").frame
    assert list(companies.status) == ["customer", "opportunity", "prospect"]
    assert companies.arr.iloc[0] == 96000.0


def test_locale_decimal_commas_and_day_first_dates():
    opps = _parse("locale_opportunities.csv").frame
    assert list(opps.amount) == [475.0, 1234567.89, 12000.0]  # "Amount" wins over "Amount (converted)"
    assert list(opps.close_date) == [date(2026, 3, 5), date(2026, 12, 25), None]
    assert list(opps.account_name) == ["Müller & Söhne GmbH", "Müller & Söhne GmbH", "Schmidt AG"]


def test_salesforce_and_hubspot_contacts_import_without_mapping(store):
    results = import_paths(store, [CRM / "sf_accounts_report.csv", CRM / "sf_contacts_report.csv",
                                   CRM / "hubspot_contacts.csv"])
    assert [(r.kind, r.status, r.records_imported) for r in results] == [
        ("crm_accounts", "imported", 5), ("crm_contacts", "imported", 5), ("crm_contacts", "imported", 4)]
    frames = store.load_frames()
    # Joe Smith (SF) and Joseph Smith (HubSpot) share an email: one person.
    assert len(frames.people) == 8
    assert len(frames.crm_contacts) == 9
    # "ACME Inc." (SF) and "Acme, Inc" (HubSpot) are one company; the CRM domain filled it in.
    acme = frames.companies[frames.companies.norm_key == "acme"]
    assert list(acme.company_name) == ["ACME Inc."] and list(acme.domain) == ["acme.com"]
    joe = frames.people.loc[frames.people.email == "joe.smith@acme.com", "person_id"].item()
    assert set(frames.crm_contacts.loc[frames.crm_contacts.person_id == joe, "company_id"]) == {acme.company_id.item()}
    crm_jobs = frames.employments[frames.employments.source == "crm"]
    assert len(crm_jobs) == 9


def test_data_export_joins_accounts_by_id(sqlite_store):
    results = import_paths(sqlite_store, [CRM / f"sf_export_{n}.csv" for n in ("Account", "Contact", "Opportunity")])
    assert [r.records_imported for r in results] == [2, 3, 2]
    frames = sqlite_store.load_frames()
    names = dict(zip(frames.companies.company_id, frames.companies.company_name))
    assert [names.get(c) for c in frames.crm_opportunities.company_id] == ["ACME Corporation", "Société Générale Démo"]
    by_person = dict(zip(frames.people.person_id, frames.people.full_name))
    contacts = {by_person[p]: names.get(c) for p, c in zip(frames.crm_contacts.person_id, frames.crm_contacts.company_id)}
    assert contacts == {"Joe Smith": "ACME Corporation", "Hélène Lefèvre": "Société Générale Démo",
                        "Olly Orphan": None}


def test_opportunity_contact_roles_link_known_contacts(sqlite_store):
    results = import_paths(sqlite_store, [CRM / "sf_accounts_report.csv", CRM / "sf_contacts_report.csv",
                                          CRM / "sf_opportunities_report.csv"])
    opp = results[2]
    assert opp.records_imported == 3
    assert [p.line for p in opp.problems] == [3]  # "Nobody Known" matches no one
    frames = sqlite_store.load_frames()
    ids = dict(zip(frames.people.full_name, frames.people.person_id))
    roles = json.loads(frames.crm_opportunities.contact_roles.iloc[0])
    assert roles == [{"person_id": ids["Joe Smith"], "role": "champion"},
                     {"person_id": ids["Ana Müller"], "role": "economic_buyer"}]


def test_unknown_layout_is_rejected_naming_the_field_and_map(sqlite_store):
    data = (CRM / "unknown_contacts.csv").read_bytes()
    [result] = import_bytes(sqlite_store, "unknown_contacts.csv", data)
    assert result.status == "rejected"
    message = result.problems[0].message
    assert message.startswith("unknown_contacts.csv") and "full name" in message and "--map" in message
    assert sqlite_store.is_empty()


def test_unknown_layout_imports_after_mapping(store):
    data = (CRM / "unknown_contacts.csv").read_bytes()
    mapping = {"Contact Person": "full_name", "Mail Address": "email", "Relationship": "role"}
    [result] = import_bytes(store, "unknown_contacts.csv", data, mapping=mapping)
    assert (result.kind, result.status, result.rows_read, result.records_imported) == ("crm_contacts", "imported", 3, 2)
    assert [p.line for p in result.problems] == [4]
    frames = store.load_frames()
    assert sorted(frames.people.full_name) == ["Maria Garcia", "Tom Baker"]
    assert sorted(frames.crm_contacts.role) == ["champion", "economic_buyer"]
    assert list(frames.companies.company_name) == ["Cyberdyne Systems"]


def test_unknown_layout_imports_with_cli_map(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    path = str(CRM / "unknown_contacts.csv")
    assert cli.main(["import", path, "--db", db, "--json"]) == 2
    rejected = json.loads(capsys.readouterr().out)["files"][0]
    assert rejected["status"] == "rejected" and "--map" in rejected["problems"][0]["message"]
    code = cli.main(["import", path, "--db", db, "--json", "--map", "Contact Person=full_name",
                     "--map", "Mail Address=email"])
    out = json.loads(capsys.readouterr().out)["files"][0]
    assert code == 0
    assert (out["kind"], out["status"], out["records_imported"]) == ("crm_contacts", "imported", 2)


def test_bad_mapping_names_the_column(sqlite_store):
    data = (CRM / "unknown_contacts.csv").read_bytes()
    with pytest.raises(RejectedFile, match="Contact Persn"):
        parse_bytes("unknown_contacts.csv", data, mapping={"Contact Persn": "full_name", "Company": "account_name"})
    with pytest.raises(RejectedFile, match="'nickname' is not a field"):
        parse_bytes("unknown_contacts.csv", data, mapping={"Contact Person": "nickname"})


def test_propose_mapping_for_the_upload_page():
    kind, proposal, preview = propose_mapping("hubspot_deals.csv", (CRM / "hubspot_deals.csv").read_bytes())
    assert kind == "crm_opportunities"
    assert proposal == {"Record ID": "external_id", "Deal Name": "name", "Deal Stage": "stage", "Amount": "amount",
                        "Close Date": "close_date", "Deal owner": "owner", "Associated Company": "account_name"}
    assert preview.shape == (4, 7) and preview["Deal Name"].iloc[0] == "Acme upsell"
    kind, proposal, preview = propose_mapping("unknown.csv", (CRM / "unknown_contacts.csv").read_bytes())
    assert kind == "crm_contacts" and "Contact Person" not in proposal and len(preview) == 3


def test_xlsx_export_with_title_rows(sqlite_store):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Accounts by owner"])
    sheet.append([])
    sheet.append(["Account Name", "Account Type", "Website", "Account Owner", "ARR", "Renewal Date"])
    sheet.append(["Acme, Inc", "Customer", "acme.com", "Sam Rep", 120000, datetime(2026, 9, 30)])
    sheet.append(["Vandelay Industries", "Prospect", "vandelay.com", "Sam Rep", None, None])
    sheet.append(["Self-employed", "Prospect", None, "Sam Rep", None, "2026-13-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    [result] = import_bytes(sqlite_store, "accounts.xlsx", buffer.getvalue())
    assert (result.kind, result.status, result.rows_read, result.records_imported) == ("crm_accounts", "imported", 3, 3)
    assert [p.line for p in result.problems] == [6]
    frames = sqlite_store.load_frames()
    acme = frames.crm_accounts[frames.crm_accounts.name == "Acme, Inc"].iloc[0]
    assert (acme.status, acme.arr, acme.renewal_date.date()) == ("customer", 120000.0, date(2026, 9, 30))
    # "Self-employed" is stored as the CRM wrote it, but it is no company.
    assert frames.crm_accounts.company_id.isna().sum() == 1
    assert sorted(frames.companies.company_name) == ["Acme, Inc", "Vandelay Industries"]


def test_salesforce_data_export_zip_imports_accounts_first(sqlite_store):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("Opportunity", "Contact", "Account"):  # zip order must not matter
            archive.writestr(f"WE_00D5g_1/{name}.csv", (CRM / f"sf_export_{name}.csv").read_bytes())
        archive.writestr("WE_00D5g_1/Attachment.csv", b"Id,ParentId,Name,Body\n1,2,x,y\n")
    results = import_bytes(sqlite_store, "WE_00D5g000001_1.zip", buffer.getvalue())
    assert [(r.kind, r.status, r.records_imported) for r in results] == [
        ("crm_accounts", "imported", 2), ("crm_contacts", "imported", 3), ("crm_opportunities", "imported", 2)]
    frames = sqlite_store.load_frames()
    assert frames.crm_opportunities.company_id.notna().all()
    assert frames.crm_contacts.company_id.notna().sum() == 2


def test_company_cell_holding_a_domain_matches_the_account(sqlite_store):
    import_paths(sqlite_store, [CRM / "sf_accounts_report.csv"])
    contacts = (b"First Name,Last Name,Email,Account Name\n"
                b"Wil,Wheaton,,globex.io\n"
                b"null,--,,Initech\n"
                b"N/A,Ng,,www.initech.com\n")
    [result] = import_bytes(sqlite_store, "contacts.csv", contacts)
    assert (result.rows_read, result.records_imported, [p.line for p in result.problems]) == (3, 2, [3])
    frames = sqlite_store.load_frames()
    names = dict(zip(frames.companies.company_id, frames.companies.company_name))
    assert sorted(names[c] for c in frames.crm_contacts.company_id) == ["Globex Corporation", "Initech, LLC"]
    assert len(frames.companies) == 5


def test_needs_mapping_only_for_files_the_aliases_do_not_read():
    from relmap.ingest import mapping

    waiting = {p.name for p in sorted(CRM.iterdir()) if mapping.needs_mapping(p.name, p.read_bytes())}
    assert waiting == {"unknown_contacts.csv"}
    assert not mapping.needs_mapping("junk.csv", b"\x00\x01 not a csv at all")
    assert not mapping.needs_mapping("empty.csv", b"Foo,Bar\n")
    intro = b"Introduced By,Person,When,Context\nAda Byron,Bob Smith,2024-02-01,dinner\n"
    proposal = mapping.propose("intro.csv", intro)
    assert proposal.kind == "referrals"
    assert proposal.mapping == {"Introduced By": "referrer", "Person": "referred", "When": "referred_on",
                                "Context": "note"}  # "Person" is close to the alias "referred person"
    parsed = mapping.read_with_mapping("intro.csv", intro, "referrals", proposal.mapping)
    assert parsed.frame[["referrer", "referred", "note"]].values.tolist() == [["Ada Byron", "Bob Smith", "dinner"]]
    with pytest.raises(RejectedFile, match="referred"):
        mapping.read_with_mapping("intro.csv", intro, "referrals", {**proposal.mapping, "Person": "ignore"})
