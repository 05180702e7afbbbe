"""``python -m relmap report`` / ``export`` end to end on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import pytest

from relmap.cli import main
from relmap.export import csv_safe, export
from relmap.importer import import_paths
from tests.story import Story, day

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _connections(tmp_path, name: str, rows: list[str]):
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _import_story(store, tmp_path):
    jan = _connections(tmp_path, "ann-jan.csv", [
        "Joe,Smith,https://www.linkedin.com/in/joesmith,,Northwind,VP Operations,05 Jan 2024",
        "Sue,Park,https://www.linkedin.com/in/suepark,,Northwind,Analyst,05 Jan 2024",
    ])
    mar = _connections(tmp_path, "ann-mar.csv", [
        "Joe,Smith,https://www.linkedin.com/in/joesmith,,Globex,COO,05 Jan 2024",
        "Sue,Park,https://www.linkedin.com/in/suepark,,\"Northwind, Inc.\",Analyst,05 Jan 2024",
    ])
    for path, when in ((jan, day("2026-01-10")), (mar, day("2026-03-05"))):
        results = import_paths(store, [path], owner="Ann Lee", as_of=when)
        assert results[0].status == "imported", results[0].as_dict()


def test_report_json_contract(store, tmp_path, capsys):
    _import_story(store, tmp_path)
    assert main(["report", "--db", store.url, "--json", "--as-of", "2026-03-20"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out)  # exactly one JSON object
    assert report["as_of"] == "2026-03-20"
    change = report["job_changes"][0]
    assert {k: change[k] for k in ("person", "from_company", "to_company", "window")} == {
        "person": "Joe Smith", "from_company": "Northwind", "to_company": "Globex",
        "window": ["2026-01-10", "2026-03-05"]}
    assert change["evidence"] == ["ann-jan.csv", "ann-mar.csv"] and 0 < change["confidence"] <= 1
    assert len(report["job_changes"]) == 1  # "Northwind, Inc." is the same company, not a move
    assert report["moved_champions"] == [] and report["accounts"] == []


def test_report_text_and_as_of(store, tmp_path, capsys):
    _import_story(store, tmp_path)
    assert main(["report", "--db", store.url]) == 0
    text = capsys.readouterr().out
    assert "Job changes (1)" in text and "Joe Smith" in text and "Globex" in text
    assert main(["report", "--db", store.url, "--json", "--as-of", "2026-02-01"]) == 0
    assert json.loads(capsys.readouterr().out)["job_changes"] == []


def hostile_story() -> Story:
    s = Story()
    s.account("=cmd|' /C calc'!A0", "customer", "2026-01-10")
    s.connect("Ann <b>Lee</b>", "-2+3 & \"Joe\" <x>", "=cmd|' /C calc'!A0", "@SUM(A1)", "2026-01-10")
    s.connect("Ann <b>Lee</b>", "Tab\tCR\r\x01Bell", "Plain & Sons", "\tEngineer", "2026-01-10")
    return s


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_exports_are_well_formed_with_hostile_names(tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    n = export(hostile_story().frames(), fmt, out)
    root = ET.parse(out).getroot()  # raises on malformed XML
    text = out.read_text(encoding="utf-8")
    assert n == 4 and "<b>" not in text and "\x01" not in text
    labels = [el.text for el in root.iter() if el.tag.endswith("data") and el.get("key") == "label"] + \
        [el.get("label") for el in root.iter() if el.tag.endswith("node") and el.get("label")]
    assert "Ann <b>Lee</b>" in labels and '-2+3 & "Joe" <x>' in labels


def test_csv_exports_neutralise_formulas(tmp_path):
    out = tmp_path / "edges.csv"
    export(hostile_story().frames(), "csv", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    targets = {r["target"] for r in rows}
    assert "'=cmd|' /C calc'!A0" in targets and "'-2+3 & \"Joe\" <x>" in targets
    for r in rows:
        for v in r.values():
            assert not v.startswith(("=", "+", "-", "@", "\t", "\r"))
    acc = tmp_path / "accounts.csv"
    export(hostile_story().frames(), "csv", acc, table="accounts")
    row = next(csv.DictReader(acc.open(encoding="utf-8", newline="")))
    assert row["account"] == "'=cmd|' /C calc'!A0" and row["risk_level"] in {"high", "medium", "low"}
    assert csv_safe("\rx") == "'\rx" and csv_safe("a=b") == "a=b"


def test_export_cli(sqlite_store, tmp_path, capsys):
    _import_story(sqlite_store, tmp_path)
    out = tmp_path / "g.graphml"
    assert main(["export", "--db", sqlite_store.url, "--format", "graphml", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    ET.parse(out)
    assert main(["export", "--db", sqlite_store.url, "--format", "csv", "--out", str(tmp_path / "nope" / "x.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_report_over_imported_crm_and_connections(store, tmp_path, capsys):
    """A CRM champion (Salesforce report) later shows up at another company in a rep's Connections."""
    from pathlib import Path

    crm = Path(__file__).parent / "fixtures" / "crm"
    for name in ("sf_accounts_report.csv", "sf_contacts_report.csv"):
        res = import_paths(store, [crm / name], as_of=day("2026-03-01"))
        assert res[0].status == "imported", res[0].as_dict()
    later = _connections(tmp_path, "ann-apr.csv", [
        "Joe,Smith,,joe.smith@acme.com,Hooli,COO,05 Jan 2024",
        "Ana,Müller,,ana.mueller@acme.com,ACME Inc.,CFO,05 Jan 2024",
    ])
    assert import_paths(store, [later], owner="Ann Lee", as_of=day("2026-04-01"))[0].status == "imported"
    assert main(["report", "--db", store.url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    joe = [m for m in report["moved_champions"] if m["person"] == "Joe Smith"]
    assert joe and joe[0]["from_company"] == "ACME Inc." and joe[0]["to_company"] == "Hooli"
    assert joe[0]["warm_paths"][0]["sentence"] == "Ann Lee knows Joe Smith (COO at Hooli)"
    acme = next(a for a in report["accounts"] if a["account"] == "ACME Inc.")
    assert acme["status"] == "customer" and "Ana Müller" in acme["champions"]
    assert any(r.startswith("champion Joe Smith left for Hooli in 2026-04") for r in acme["reasons"])
