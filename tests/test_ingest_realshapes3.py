"""Real shapes, third sweep: month names in other languages written by locale spreadsheets,
Mac Roman CSV from old Excel for Mac, day-first dates in Excel's UTF-16 "Unicode text",
CRM files inside a LinkedIn archive, and CRM exports whose shapes were not read before.

Every fixture under ``tests/fixtures/realshapes3`` is a synthetic look-alike (invented people and
companies) of a real public file's shape; each test pins exact counts and the values read.
"""

from __future__ import annotations

from datetime import date

import pytest

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
