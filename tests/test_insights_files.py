"""Insights rules on stories written as real export files and read back through the CLI's ``--json``."""

from __future__ import annotations

import pytest

from tests.filestory import FileStory

JAN, MAR = "2026-01-10", "2026-03-05"


def moves(report: dict) -> list[tuple]:
    return [(c["person"], c["from_company"], c["to_company"], tuple(c["window"])) for c in report["job_changes"]]


def test_successive_exports_of_one_rep(tmp_path, capsys):
    s = FileStory(tmp_path)
    s.connections("Ann Lee", JAN, [("Joe Smith", "Northwind", "VP Ops", "2024-01-05", "joesmith")])
    s.connections("Ann Lee", MAR, [("Joe Smith", "Globex", "COO", "2024-01-05", "joesmith")])
    s.load()
    report = s.report(capsys)
    assert moves(report) == [("Joe Smith", "Northwind", "Globex", (JAN, MAR))]
    assert report["job_changes"][0]["evidence"] == [f"ann-connections-{JAN}.csv", f"ann-connections-{MAR}.csv"]


def test_exports_of_two_reps_on_different_dates(tmp_path, capsys):
    s = FileStory(tmp_path)
    s.connections("Ann Lee", JAN, [("Joe Smith", "Northwind", "VP Ops", "2024-01-05", "joesmith")])
    s.connections("Bob Ray", MAR, [("Joe Smith", "Globex", "COO", "2025-01-05", "joesmith")])
    s.load()
    report = s.report(capsys)
    assert moves(report) == [("Joe Smith", "Northwind", "Globex", (JAN, MAR))]
    assert report["job_changes"][0]["confidence"] < 0.8  # two reps: less sure than one rep's own exports


@pytest.mark.parametrize("linkedin_first", [False, True])
def test_rename_known_by_crm_domain_is_not_a_move(tmp_path, capsys, linkedin_first):
    s = FileStory(tmp_path)
    s.crm_accounts(JAN, [("Globex Corp", "Customer", "globex.com", "Ann Lee", "100000", "", "")])
    s.connections("Ann Lee", JAN, [("Joe Smith", "Globex Corp", "VP Ops", "2024-01-05", "joesmith")])
    s.crm_accounts(MAR, [("Globex International", "Customer", "globex.com", "Ann Lee", "100000", "", "")])
    s.connections("Ann Lee", MAR, [("Joe Smith", "Globex International", "VP Ops", "2024-01-05", "joesmith")])
    s.load([1, 3, 0, 2] if linkedin_first else None)
    report = s.report(capsys)
    assert moves(report) == []
    assert [a["threads"] for a in report["accounts"]] == [1]


def test_namesakes_with_different_profile_urls(tmp_path, capsys):
    s = FileStory(tmp_path)
    s.connections("Ann Lee", JAN, [("John Smith", "Acme", "Engineer", "2024-01-05", "john-smith-1")])
    s.connections("Bob Ray", MAR, [("John Smith", "Globex", "Engineer", "2025-01-05", "john-smith-2")])
    s.load()
    assert moves(s.report(capsys)) == []


def test_namesakes_seen_at_the_same_time_without_urls(tmp_path, capsys):
    s = FileStory(tmp_path)
    for when in (JAN, MAR):
        s.connections("Ann Lee", when, [("John Smith", "Acme", "Engineer", "2024-01-05")], url=False)
        s.connections("Bob Ray", when, [("John Smith", "Globex", "Engineer", "2025-01-05")], url=False)
    s.load()
    assert moves(s.report(capsys)) == []


def test_dropped_connection_is_neither_a_move_nor_a_thread(tmp_path, capsys):
    s = FileStory(tmp_path)
    s.crm_accounts(JAN, [("Northwind", "Customer", "northwind.com", "Ann Lee", "100000", "", "")])
    s.connections("Ann Lee", JAN, [("Joe Smith", "Northwind", "VP Ops", "2024-01-05", "joesmith"),
                                   ("Sue Park", "Northwind", "Analyst", "2024-01-05", "suepark")])
    s.connections("Ann Lee", MAR, [("Sue Park", "Northwind", "Analyst", "2024-01-05", "suepark")])
    s.load()
    report = s.report(capsys)
    assert moves(report) == []
    acct = report["accounts"][0]
    assert acct["threads"] == 1 and acct["single_threaded"] is True
    assert acct["reasons"][0] == "1 contact at Northwind (Sue Park)"
    assert [p["target"] for p in s.cli(capsys, "paths", "--company", "Northwind")["paths"]] == ["Sue Park"]


def test_crm_contact_whose_email_domain_changed_before_the_account(tmp_path, capsys):
    s = FileStory(tmp_path)
    s.crm_accounts(JAN, [("Northwind", "Customer", "northwind.com", "Ann Lee", "100000", "", ""),
                         ("Globex", "Prospect", "globex.com", "Ann Lee", "", "", "")])
    s.crm_contacts(JAN, [("003A", "Joe Smith", "joe.smith@northwind.com", "VP Ops", "Northwind", "Champion",
                          "Ann Lee", "2026-01-02")])
    s.crm_contacts(MAR, [("003A", "Joe Smith", "joe.smith@globex.com", "VP Ops", "Northwind", "Champion",
                          "Ann Lee", "2026-03-02")])
    s.load()
    report = s.report(capsys)
    assert moves(report) == [("Joe Smith", "Northwind", "Globex", (JAN, MAR))]
    assert [(m["person"], m["landing"]) for m in report["moved_champions"]] == [("Joe Smith", "opportunity")]


def _account_story(tmp_path) -> FileStory:
    s = FileStory(tmp_path)
    s.crm_accounts(JAN, [("Northwind", "Customer", "northwind.com", "Ann Lee", "100000", "2026-05-01", "2026-03-01")])
    s.crm_contacts(JAN, [("003A", "Joe Smith", "joe.smith@northwind.com", "VP Ops", "Northwind", "Champion",
                          "Ann Lee", "2026-01-02")])
    s.crm_opportunities(JAN, [("Northwind upsell", "Northwind", "Discovery", "20000", "2026-06-30")])
    s.connections("Ann Lee", JAN, [("Joe Smith", "Northwind", "VP Ops", "2024-01-05", "joesmith"),
                                   ("Sue Park", "Northwind", "Analyst", "2024-01-05", "suepark")])
    s.crm_opportunities(MAR, [("Northwind upsell", "Northwind", "Proposal", "20000", "2026-06-30")])
    s.connections("Ann Lee", MAR, [("Joe Smith", "Globex", "COO", "2024-01-05", "joesmith"),
                                   ("Sue Park", "Northwind", "Senior Analyst", "2024-01-05", "suepark"),
                                   ("Vic Vee", "Northwind", "VP Engineering", "2026-02-05", "vic")])
    s.connections("Bob Ray", MAR, [("Rich Roe", "Globex", "CTO", "2025-06-01", "richroe")])
    s.referrals(MAR, [("Sue Park", "Tia Tan", "2026-02-20", "met at a conference", "Northwind")])
    s.load()
    return s


def test_report_reason_points_explain_the_score(tmp_path, capsys):
    report = _account_story(tmp_path).report(capsys)
    acct = next(a for a in report["accounts"] if a["account"] == "Northwind")
    assert [r["reason"] for r in acct["reason_points"]] == acct["reasons"]
    assert acct["risk_score"] == min(100, sum(r["points"] for r in acct["reason_points"]))
    points = {r["reason"]: r["points"] for r in acct["reason_points"]}
    assert points["champion Joe Smith left for Globex in 2026-03"] == 25
    assert points["only Ann Lee knows anyone there"] == 10
    assert report["promotions"] == [{
        "person_id": report["promotions"][0]["person_id"], "person": "Sue Park", "company": "Northwind",
        "from_title": "Analyst", "to_title": "Senior Analyst", "window": [JAN, MAR],
        "evidence": [f"ann-connections-{JAN}.csv", f"ann-connections-{MAR}.csv"]}]


def test_timeline_cli_json(tmp_path, capsys):
    s = _account_story(tmp_path)
    out = s.cli(capsys, "timeline", "--company", "northwind, inc.")
    assert list(out) == ["company", "events"] and out["company"] == "Northwind"
    events = out["events"]
    assert all(list(e) == ["date", "kind", "person", "detail"] for e in events)
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    by_kind = {(e["kind"], e["person"]): e for e in events}
    assert by_kind[("departure", "Joe Smith")]["detail"] == \
        f"Joe Smith left Northwind for Globex (between {JAN} and {MAR})"
    assert by_kind[("departure", "Joe Smith")]["date"] == MAR
    assert by_kind[("promotion", "Sue Park")]["detail"] == \
        "Sue Park changed title at Northwind: Analyst -> Senior Analyst"
    assert by_kind[("new_connection", "Vic Vee")]["date"] == "2026-02-05"
    assert by_kind[("referral", "Tia Tan")]["detail"] == "Sue Park referred Tia Tan at Northwind"
    opp = [e for e in events if e["kind"] == "opportunity"]
    assert [(e["date"], e["person"], e["detail"]) for e in opp] == [
        (JAN, None, "opportunity 'Northwind upsell' is at stage Discovery"),
        (MAR, None, "opportunity 'Northwind upsell' moved from Discovery to Proposal")]
    since = s.cli(capsys, "timeline", "--company", "Northwind", "--since", "2026-02-01")["events"]
    assert since == [e for e in events if e["date"] >= "2026-02-01"] and since


def test_timeline_unknown_company_exits_2_with_close_names(tmp_path, capsys):
    s = _account_story(tmp_path)
    capsys.readouterr()
    from relmap.cli import main

    assert main(["timeline", "--company", "Northwnd", "--db", s.db]) == 2
    err = capsys.readouterr().err
    assert "no company called 'Northwnd'" in err and "'Northwind'" in err


def test_paths_cli_json(tmp_path, capsys):
    s = _account_story(tmp_path)
    out = s.cli(capsys, "paths", "--company", "Globex")
    assert out["target"] == {"company": "Globex", "person": None} and out["rep"] is None
    sentences = [p["sentence"] for p in out["paths"]]
    assert sentences[:1] == ["Ann Lee knows Joe Smith (COO at Globex)"]
    assert "Bob Ray knows Rich Roe (CTO at Globex)" in sentences
    assert all({"rep", "target", "company", "via", "hops", "strength", "kind", "path", "sentence"} <= set(p)
               for p in out["paths"])
    mine = s.cli(capsys, "paths", "--company", "Globex", "--rep", "Bob Ray")
    assert mine["rep"] == "Bob Ray" and [p["rep"] for p in mine["paths"]] == ["Bob Ray"]
    person = s.cli(capsys, "paths", "--person", "Joe Smith")
    assert person["target"] == {"company": None, "person": "Joe Smith"}
    assert person["paths"][0]["path"] == ["Ann Lee", "Joe Smith"] and person["paths"][0]["hops"] == 1
    assert "error" in s.cli(capsys, "paths", "--company", "Globex", "--rep", "Nobody Here", code=2)


def test_suggest_cli_json(tmp_path, capsys):
    s = _account_story(tmp_path)
    out = s.cli(capsys, "suggest", "--company", "Northwind")
    assert out["company"] == "Northwind" and out["status"] == "customer"
    assert out["threads"] == 2 and out["single_threaded"] is False
    first = out["next_contacts"][0]
    assert first["person"] == "Vic Vee" and first["title"] == "VP Engineering"
    # Vic is an executive Ann knows: a thread, so there is no exec gap for him to fill.
    assert first["why"] == ["known to Ann Lee on LinkedIn", "whitespace: nobody met in engineering yet",
                            "not in the CRM yet"]
    prospect = s.cli(capsys, "suggest", "--company", "Globex")
    assert prospect["status"] is None and [c["person"] for c in prospect["next_contacts"]][:1] in (["Joe Smith"],
                                                                                                 ["Rich Roe"])


def test_suggest_fills_the_exec_gap_with_an_executive_nobody_knows_now(tmp_path, capsys):
    """The exec gap is the risk score's 'no exec contact': only an executive who is no thread fills it."""
    s = FileStory(tmp_path)
    s.crm_accounts(JAN, [("Northwind", "Customer", "northwind.com", "Ann Lee", "100000", "2026-05-01", "2026-03-01")])
    # Bob knew the CIO in January; his March export dropped her: she is at Northwind, but no thread.
    s.connections("Bob Ray", JAN, [("Cy Cole", "Northwind", "CIO", "2023-02-01", "cycole"),
                                   ("Sue Park", "Northwind", "Analyst", "2024-01-05", "suepark")])
    s.connections("Bob Ray", MAR, [("Sue Park", "Northwind", "Analyst", "2024-01-05", "suepark")])
    s.load()
    acct = next(a for a in s.report(capsys)["accounts"] if a["account"] == "Northwind")
    assert "no exec contact" in acct["reasons"]
    out = s.cli(capsys, "suggest", "--company", "Northwind")
    assert [(c["person"], c["why"]) for c in out["next_contacts"]] == [
        ("Cy Cole", ["fills the exec gap: no executive contact yet", "whitespace: nobody met in IT yet",
                     "not in the CRM yet"]),
        ("Sue Park", ["known to Bob Ray on LinkedIn", "not in the CRM yet"])]
