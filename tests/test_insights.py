"""Insights rules, each on a small story built in code."""

from __future__ import annotations

from relmap.insights import build_report
from relmap.insights.champions import champions, moved_champions
from relmap.insights.context import prepare, seniority
from relmap.insights.moves import job_change_records, job_changes, promotions
from relmap.insights.paths import warm_paths
from relmap.insights.threading import account_risk
from relmap.insights.timeline import account_timeline
from tests.story import Story, day

JAN, MAR, AS_OF = "2026-01-10", "2026-03-05", "2026-03-20"


def joe_story() -> Story:
    """Joe, champion at customer Northwind, moves to Globex (not a customer)."""
    s = Story()
    s.account("Northwind", "customer", JAN, arr=120000, renewal="2026-05-04", last_activity="2026-03-01")
    s.contact("Joe Smith", "Northwind", JAN, role="Champion", title="VP Operations")
    s.connect("Ann Lee", "Joe Smith", "Northwind", "VP Operations", JAN)
    s.connect("Ann Lee", "Sue Park", "Northwind", "Analyst", JAN)
    s.connect("Ann Lee", "Joe Smith", "Globex", "COO", MAR, messages=12, last_touch="2026-03-01")
    s.connect("Ann Lee", "Sue Park", "Northwind", "Analyst", MAR)
    s.connect("Bob Ray", "Rich Roe", "Globex", "CTO", MAR)
    return s


def test_champion_moves_from_customer_to_non_customer():
    ctx = prepare(joe_story().frames(), day(AS_OF))
    recs = job_change_records(ctx)
    assert [(r["person"], r["from_company"], r["to_company"]) for r in recs] == [("Joe Smith", "Northwind", "Globex")]
    assert recs[0]["window"] == [JAN, MAR]
    assert sorted(recs[0]["evidence"][:2]) == [f"ann-connections-{JAN}.csv", f"crm-contacts-{JAN}.csv"]
    assert recs[0]["evidence"][2:] == [f"ann-connections-{MAR}.csv"]
    assert recs[0]["confidence"] >= 0.8  # one rep's successive exports

    mc = moved_champions(ctx)
    assert len(mc) == 1 and mc.iloc[0]["landing"] == "opportunity"
    report = build_report(joe_story().frames(), day(AS_OF))
    moved = report["moved_champions"][0]
    assert moved["person"] == "Joe Smith" and moved["to_company"] == "Globex"
    assert "Joe Smith was a champion at Northwind: CRM role champion at Northwind" in moved["reasons"]
    assert "Globex is not a customer: a new opportunity with a known champion inside" in moved["reasons"]
    assert "risk: Northwind (customer) lost its champion; re-thread the account" in moved["reasons"]
    assert "known by Ann Lee" in moved["reasons"]
    # The best path into Globex is Ann's own relationship with Joe.
    assert moved["warm_paths"][0]["sentence"] == "Ann Lee knows Joe Smith (COO at Globex)"
    assert any(p["sentence"] == "Bob Ray knows Rich Roe (CTO at Globex)" for p in moved["warm_paths"])

    acct = next(a for a in report["accounts"] if a["account"] == "Northwind")
    assert acct["threads"] == 1 and acct["single_threaded"] is True
    assert acct["reasons"][:2] == ["1 contact at Northwind (Sue Park)", "only Ann Lee knows anyone there"]
    assert "champion Joe Smith left for Globex in 2026-03" in acct["reasons"]
    assert "no exec contact" in acct["reasons"] and "renewal in 45 days" in acct["reasons"]
    assert acct["risk_level"] == "high" and acct["risk_score"] >= 60
    assert acct["champions"] == []


def test_champion_kinds_and_why():
    s = joe_story()
    s.account("Initech", "customer", JAN)
    s.opportunity("Initech", "Initech renewal", "Closed Won", JAN, won=True, roles={"Kim Li": "Decision Maker"})
    s.connect("Bob Ray", "Kim Li", "Initech", "Head of IT", JAN)
    s.referral("Pat Doe", "Kim Li", "Initech", "2025-10-01")
    s.mark("Sue Park", "Northwind", "2026-02-01", note="loves us")
    ctx = prepare(s.frames(), day(AS_OF))
    ch = champions(ctx)
    why = {ctx.pname(p): w for p, w in zip(ch["person_id"], ch["why"])}
    assert why["Kim Li"] == ["Decision Maker on won opportunity 'Initech renewal' at Initech"]
    assert why["Pat Doe"] == ["referred Kim Li and Initech became a customer"]
    assert why["Sue Park"] == ["marked as champion on 2026-02-01 (loves us)"]
    kinds = dict(zip(ch["person_id"].map(ctx.person_name), ch["kind"]))
    assert kinds["Pat Doe"] == "inferred" and kinds["Kim Li"] == "explicit"


def test_frequent_recent_messages_make_an_inferred_champion():
    s = Story()
    s.account("Acme", "customer", JAN)
    s.connect("Ann Lee", "Max Mo", "Acme", "Engineer", MAR, messages=15, last_touch="2026-03-01")
    s.connect("Ann Lee", "Old Friend", "Acme", "Engineer", MAR, messages=15, last_touch="2025-06-01")
    ctx = prepare(s.frames(), day(AS_OF))
    ch = champions(ctx)
    assert ch["person_id"].map(ctx.person_name).tolist() == ["Max Mo"]
    assert ch.iloc[0]["why"] == ["15 messages with Ann Lee, the last on 2026-03-01"]


def test_new_vp_arrives_at_customer_from_elsewhere():
    s = Story()
    s.account("Northwind", "customer", JAN)
    s.connect("Ann Lee", "Joe Smith", "Northwind", "Director of IT", JAN)
    s.connect("Ann Lee", "Joe Smith", "Northwind", "Director of IT", MAR)
    s.connect("Bob Ray", "Vera Vance", "Hooli", "VP Engineering", JAN)
    s.connect("Bob Ray", "Vera Vance", "Northwind", "VP Engineering", MAR)
    report = build_report(s.frames(), day(AS_OF))
    acct = report["accounts"][0]
    assert "new VP Engineering Vera Vance arrived from Hooli in 2026-03 (possible displacer)" in acct["reasons"]
    assert acct["threads"] == 2
    nxt = acct["next_contacts"][0]
    assert nxt["person"] == "Vera Vance"
    assert nxt["why"][0] == "arrived from Hooli in 2026-03"
    assert "not in the CRM yet" in nxt["why"]
    ctx = prepare(s.frames(), day(AS_OF))
    kinds = [e["kind"] for e in account_timeline(ctx, s.company("Northwind"))]
    assert "arrival" in kinds


def test_company_rename_is_not_a_move():
    s = Story()
    s.company("Acme Inc", key="acme")
    s.company("ACME, Inc.", key="acme")  # another spelling, same normalised name
    s.company("Globex Corp", domain="globex.com")
    s.company("Globex International", domain="globex.com")  # a rename the CRM domain reveals
    s.connect("Ann Lee", "Joe Smith", "Acme Inc", "Engineer", JAN)
    s.connect("Ann Lee", "Joe Smith", "ACME, Inc.", "Engineer", MAR)
    s.connect("Ann Lee", "Kay Ng", "Globex Corp", "Engineer", JAN)
    s.connect("Ann Lee", "Kay Ng", "Globex International", "Engineer", MAR)
    ctx = prepare(s.frames(), day(AS_OF))
    assert job_changes(ctx).empty
    assert promotions(ctx).empty


def test_promotion_is_recorded_separately():
    s = Story()
    s.connect("Ann Lee", "Joe Smith", "Acme", "Engineer", JAN)
    s.connect("Ann Lee", "Joe Smith", "Acme", "Engineering Manager", MAR)
    ctx = prepare(s.frames(), day(AS_OF))
    assert job_changes(ctx).empty
    pr = promotions(ctx)
    assert pr[["old_title", "new_title", "seniority"]].values.tolist() == [["Engineer", "Engineering Manager", "manager"]]


def test_crm_spelling_of_a_title_is_not_a_promotion():
    s = Story()
    s.contact("Joe Smith", "Acme", JAN, title="VP Operations")
    s.connect("Ann Lee", "Joe Smith", "Acme", "VP Ops", JAN)
    s.connect("Ann Lee", "Joe Smith", "Acme", "VP Ops", MAR)
    s.contact("Joe Smith", "Acme", MAR, title="VP Operations")
    assert promotions(prepare(s.frames(), day(AS_OF))).empty


def test_two_reps_same_contact_single_threaded_by_person_not_by_rep():
    s = Story()
    s.account("Umbrella", "opportunity", JAN)
    s.connect("Ann Lee", "Joe Smith", "Umbrella", "CFO", MAR)
    s.connect("Bob Ray", "Joe Smith", "Umbrella", "CFO", MAR)
    report = build_report(s.frames(), day(AS_OF))
    acct = report["accounts"][0]
    assert acct["threads"] == 1 and acct["single_threaded"] is True and acct["reps"] == 2
    assert "2 reps know Joe Smith (Ann Lee, Bob Ray) but it is still one person" in acct["reasons"]
    assert not any(r.startswith("only ") for r in acct["reasons"])
    assert "no exec contact" not in acct["reasons"]


def test_same_name_at_two_companies_is_two_people():
    s = Story()
    s.account("Acme", "customer", JAN)
    s.connect("Ann Lee", "John Smith", "Acme", "Engineer", JAN)
    s.connect("Ann Lee", "John Smith", "Acme", "Engineer", MAR)
    s.connect("Bob Ray", "John Smith#2", "Globex", "Engineer", JAN)
    s.connect("Bob Ray", "John Smith#2", "Globex", "Engineer", MAR)
    report = build_report(s.frames(), day(AS_OF))
    assert report["job_changes"] == []
    acct = report["accounts"][0]
    assert acct["account"] == "Acme" and acct["threads"] == 1
    assert acct["reasons"][0] == "1 contact at Acme (John Smith)"


def test_risk_falls_with_more_threads_and_an_exec():
    s = Story()
    for a in ("Thin", "Thick"):
        s.account(a, "customer", JAN, last_activity="2026-03-10")
    s.connect("Ann Lee", "P1", "Thin", "Engineer", MAR)
    for i, title in enumerate(["CEO", "Engineering Manager", "Engineer"]):
        s.connect("Ann Lee" if i % 2 else "Bob Ray", f"T{i}", "Thick", title, MAR)
    s.contact("T0", "Thick", MAR, role="Economic Buyer", title="CEO")
    report = build_report(s.frames(), day(AS_OF))
    by = {a["account"]: a for a in report["accounts"]}
    assert by["Thin"]["risk_score"] > by["Thick"]["risk_score"]
    assert by["Thick"]["single_threaded"] is False and by["Thick"]["champions"] == ["T0"]
    assert "no champion known" in by["Thin"]["reasons"] and "no champion known" not in by["Thick"]["reasons"]
    assert by["Thick"]["risk_level"] == "low"


def test_stale_touch_and_close_date_reasons():
    s = Story()
    s.account("Dusty", "prospect", JAN, last_activity="2025-09-01")
    s.opportunity("Dusty", "Dusty pilot", "Proposal", JAN, close_date="2026-04-19")
    s.connect("Ann Lee", "P1", "Dusty", "Engineer", JAN)
    report = build_report(s.frames(), day(AS_OF))
    acct = report["accounts"][0]
    assert acct["status"] == "opportunity"
    assert "no touch in 200 days" in acct["reasons"] and "close date in 30 days" in acct["reasons"]


def test_job_change_from_crm_to_linkedin_and_stale_window():
    s = Story()
    s.contact("Joe Smith", "Northwind", "2025-06-01", title="Buyer")
    s.connect("Ann Lee", "Joe Smith", "Globex", "Buyer", MAR)
    ctx = prepare(s.frames(), day(AS_OF))
    recs = job_change_records(ctx)
    assert recs[0]["window"] == ["2025-06-01", MAR]
    assert recs[0]["evidence"] == ["crm-contacts-2025-06-01.csv", f"ann-connections-{MAR}.csv"]
    assert recs[0]["confidence"] < 0.8  # different sources, long window


def test_as_of_hides_later_snapshots():
    report = build_report(joe_story().frames(), day("2026-02-01"))
    assert report["as_of"] == "2026-02-01" and report["job_changes"] == []


def test_warm_paths_through_former_colleague_referral_and_rep_history():
    s = Story()
    s.rep("Ann Lee", person="Ann Lee")
    s.position("Ann Lee", "Initech", "2018-01-01", "2022-01-01")
    s.connect("Bob Ray", "Old Hand", "Target Co", "Engineer", JAN)
    s.connect("Bob Ray", "Old Hand", "Elsewhere", "Engineer", MAR)
    s.connect("Cy Vo", "Referrer", "Other", "Engineer", MAR)
    s.referral("Referrer", "Tina Top", "Target Co", "2026-02-01")
    s.connect("Dee Ox", "Tina Top", "Initech", "CEO", JAN)
    s.connect("Dee Ox", "Tina Top", "Target Co", "CEO", MAR)
    ctx = prepare(s.frames(), day(AS_OF))
    paths = warm_paths(ctx, company_id=s.company("Target Co"), limit=10)
    sentences = [p["sentence"] for p in paths]
    assert sentences[0] == "Dee Ox knows Tina Top (CEO at Target Co)"
    assert "Bob Ray knows Old Hand, who used to work at Target Co" in sentences
    assert "Cy Vo knows Referrer, linked by a referral to Tina Top at Target Co" in sentences
    assert "Ann Lee and Tina Top (now at Target Co) both worked at Initech" in sentences
    assert all(p["hops"] == 2 for p in paths[1:])
    assert warm_paths(ctx, company_id=s.company("Initech"), limit=10)[0]["sentence"] == "Ann Lee used to work at Initech"
    only_bob = warm_paths(ctx, company_id=s.company("Target Co"), rep_id=s.rep("Bob Ray"))
    assert [p["rep"] for p in only_bob] == ["Bob Ray"]


def test_whitespace_for_customers():
    s = Story()
    s.account("Acme", "customer", JAN)
    s.contact("Fin One", "Acme", MAR, title="Finance Manager")
    s.connect("Ann Lee", "Sec Two", "Acme", "Security Engineer", MAR)
    s.connect("Ann Lee", "Fin Three", "Acme", "Financial Analyst", MAR)
    report = build_report(s.frames(), day(AS_OF))
    nxt = {n["person"]: n["why"] for n in report["accounts"][0]["next_contacts"]}
    assert "whitespace: nobody met in security yet" in nxt["Sec Two"]
    assert not any(w.startswith("whitespace") for w in nxt["Fin Three"])


def test_timeline_orders_events():
    s = joe_story()
    s.opportunity("Northwind", "Upsell", "Discovery", JAN)
    s.opportunity("Northwind", "Upsell", "Proposal", MAR)
    s.connect("Ann Lee", "Sue Park", "Northwind", "Senior Analyst", "2026-03-15")
    ctx = prepare(s.frames(), day(AS_OF))
    events = account_timeline(ctx, s.company("Northwind"))
    kinds = [e["kind"] for e in events]
    assert kinds == ["opportunity", "departure", "opportunity", "promotion"]
    assert events[1]["sentence"] == f"Joe Smith left Northwind for Globex (between {JAN} and {MAR})"
    assert events[2]["sentence"] == "opportunity 'Upsell' moved from Discovery to Proposal"
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)


def test_seniority_from_titles():
    import pandas as pd

    got = seniority(pd.Series(["Chief Revenue Officer", "SVP, Sales", "Head of Data", "Director, IT",
                               "Team Lead", "Account Executive", "Data Scientist"])).tolist()
    assert got == ["executive", "executive", "executive", "manager", "manager", "practitioner", "practitioner"]


def test_account_risk_on_empty_store():
    from relmap.store import Frames

    report = build_report(Frames.empty(), day(AS_OF))
    assert report == {**report, "job_changes": [], "moved_champions": [], "accounts": []}
    assert account_risk(prepare(Frames.empty(), day(AS_OF))).empty


def test_rows_for_uses_an_index_and_keeps_every_match():
    import pandas as pd

    from relmap.insights.paths import rows_for

    ctx = prepare(joe_story().frames(), day(AS_OF))
    frame = pd.DataFrame({"person_id": [5, 3, 5, 9, 3], "x": range(5)})
    got = rows_for(ctx, "t", frame, "person_id", [3, 5, 5, 42])  # many ids for the frame: one pass, no index
    assert got["x"].tolist() == [0, 1, 2, 4] and ("index", "t") not in ctx.cache
    assert rows_for(ctx, "t", frame, "person_id", [42]).empty
    # A few ids in a big frame build the sorted index once; every later query uses it, with the same rows.
    big = pd.DataFrame({"person_id": [(i * 7919) % 5003 for i in range(20_000)], "x": range(20_000)})
    once = rows_for(ctx, "big", big, "person_id", [3, 5, 5, 42], index=False)  # a one-off batch: no index
    assert ("index", "big") not in ctx.cache and len(once) == 12
    few = rows_for(ctx, "big", big, "person_id", [3, 5, 5, 42])
    assert ("index", "big") in ctx.cache
    assert few["x"].tolist() == once["x"].tolist() == big.index[big["person_id"].isin([3, 5, 42])].tolist()
    many = list(range(0, 5003, 2))
    assert rows_for(ctx, "big", big, "person_id", many)["x"].tolist() == \
        big.index[big["person_id"].isin(many)].tolist()


def test_stale_crm_export_does_not_hide_a_move():
    s = Story()
    s.account("Northwind", "customer", JAN)
    s.contact("Joe Smith", "Northwind", JAN, role="Champion", title="VP Operations")
    s.connect("Ann Lee", "Joe Smith", "Northwind", "VP Operations", JAN)
    s.connect("Ann Lee", "Joe Smith", "Globex", "COO", MAR)
    s.contact("Joe Smith", "Northwind", "2026-03-15", role="Champion", title="VP Operations")  # not updated yet
    ctx = prepare(s.frames(), day(AS_OF))
    recs = job_change_records(ctx)
    assert [(r["from_company"], r["to_company"], r["window"]) for r in recs] == [("Northwind", "Globex", [JAN, MAR])]
    assert ctx.cname(ctx.current.at[s.person("Joe Smith"), "company_id"]) == "Globex"
    assert len(moved_champions(ctx)) == 1


def test_crm_reporting_a_new_company_is_a_move():
    s = Story()
    s.connect("Ann Lee", "Joe Smith", "Northwind", "Buyer", JAN)
    s.contact("Joe Smith", "Northwind", JAN, title="Buyer")
    s.contact("Joe Smith", "Globex", MAR, title="Buyer")  # the CRM learnt the new email domain
    recs = job_change_records(prepare(s.frames(), day(AS_OF)))
    assert [(r["from_company"], r["to_company"]) for r in recs] == [("Northwind", "Globex")]


def test_champion_whose_crm_record_moved_with_them_still_counts():
    s = Story()
    s.account("Northwind", "customer", JAN)
    s.connect("Ann Lee", "Joe Smith", "Northwind", "VP Operations", JAN)
    s.connect("Ann Lee", "Joe Smith", "Globex", "COO", MAR)
    s.contact("Joe Smith", "Globex", MAR, role="Champion", title="COO")
    report = build_report(s.frames(), day(AS_OF))
    moved = report["moved_champions"]
    assert [(m["from_company"], m["to_company"]) for m in moved] == [("Northwind", "Globex")]
    assert moved[0]["reasons"][0] == "Joe Smith is a champion (CRM role champion at Globex) and came from Northwind"
    acct = next(a for a in report["accounts"] if a["account"] == "Northwind")
    assert "champion Joe Smith left for Globex in 2026-03" in acct["reasons"]
