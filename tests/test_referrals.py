"""Referrals: the CSV (names, emails or profile URLs) and the one-at-a-time form."""

from __future__ import annotations

from datetime import date

from relmap.importer import add_referral, import_bytes, import_paths
from relmap.ingest import parse_bytes
from tests.conftest import FIXTURES

CRM = FIXTURES / "crm"


def test_referrals_file_parses_with_exact_counts():
    [parsed] = parse_bytes("referrals.csv", (CRM / "referrals.csv").read_bytes())
    assert (parsed.kind, parsed.rows_read, len(parsed.frame)) == ("referrals", 3, 2)
    assert [(p.line, p.message) for p in parsed.problems] == [(4, "row has no referred person; skipped")]
    assert list(parsed.frame.referred_on) == [date(2026, 2, 10), date(2026, 3, 1)]


def test_referrals_resolve_names_emails_and_urls(store):
    import_paths(store, [CRM / "sf_accounts_report.csv", CRM / "sf_contacts_report.csv"])
    before = len(store.load_frames().people)
    [result] = import_paths(store, [CRM / "referrals.csv"])
    assert (result.kind, result.status, result.records_imported) == ("referrals", "imported", 2)
    frames = store.load_frames()
    ids = dict(zip(frames.people.full_name, frames.people.person_id))
    names = dict(zip(frames.companies.company_id, frames.companies.company_name))
    got = {(frames.people.set_index("person_id").full_name[r], frames.people.set_index("person_id").full_name[d],
            names.get(c)) for r, d, c in zip(frames.referrals.referrer_id, frames.referrals.referred_id,
                                              frames.referrals.company_id)}
    # Joe Smith and Li Wei are the CRM's people; the email and the URL are new people.
    assert got == {("Joe Smith", "richard.friend@wayneenterprises.com", "Wayne Enterprises"),
                   ("linkedin.com/in/grace-hopper-1906", "Li Wei", "Globex Corporation")}
    assert ids["Li Wei"] in set(frames.referrals.referred_id)
    assert len(frames.people) == before + 2


def test_add_referral_from_the_form(store):
    result = add_referral(store, "Ada Lovelace", "Charles Babbage", "Analytical Engines Ltd", date(2026, 2, 1),
                          "met at the salon")
    assert (result.status, result.layout, result.records_imported) == ("imported", "manual", 1)
    again = add_referral(store, "Ada Lovelace", "Charles Babbage", "Analytical Engines Ltd", date(2026, 2, 1),
                         "met at the salon")
    assert again.status == "unchanged"
    frames = store.load_frames()
    assert list(frames.snapshots.layout) == ["manual"] and list(frames.snapshots.kind) == ["referrals"]
    assert list(frames.referrals.note) == ["met at the salon"]
    assert list(frames.companies.company_name) == ["Analytical Engines Ltd"]
    # The referred person is now known at that company.
    babbage = frames.people.loc[frames.people.full_name == "Charles Babbage", "person_id"].item()
    assert frames.employments.loc[frames.employments.person_id == babbage, "source"].tolist() == ["referral"]


def test_add_referral_needs_both_people(sqlite_store):
    result = add_referral(sqlite_store, "Ada Lovelace", "  ", None, None, None)
    assert result.status == "rejected" and "both" in result.problems[0].message
    assert sqlite_store.is_empty()


def test_ambiguous_referrer_name_is_reviewed(sqlite_store):
    contacts = b"First Name,Last Name,Title,Account Name\nJohn,Doe,CTO,Acme\nJohn,Doe,CEO,Globex\n"
    import_bytes(sqlite_store, "c.csv", contacts)
    [r] = import_bytes(sqlite_store, "r.csv", b"Referrer,Referred,Date\nJohn Doe,Mary Major,2026-01-01\n")
    assert r.records_imported == 1
    reviews = sqlite_store.reviews()
    assert len(reviews) == 2 and set(reviews.left_name) == {"John Doe"} and set(reviews.right_name) == {"John Doe"}
    assert len(sqlite_store.load_frames().people) == 4
