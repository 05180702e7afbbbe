"""Identity across reps' exports, CRM and referrals: scored matches, reviews, merge and split."""

from __future__ import annotations

import json
from datetime import date

import pytest

from relmap import identity
from relmap.importer import add_referral, import_bytes, import_paths
from tests.conftest import FIXTURES

CRM = FIXTURES / "crm"

CONNECTIONS_2023 = (
    b'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n'
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Joe,Smith,https://www.linkedin.com/in/joe-smith-42,,ACME Inc.,VP Engineering,09 Dec 2024\n"
    b"Kim,Ng,https://www.linkedin.com/in/kim-ng,,Self-employed,Consultant,10 Dec 2024\n"
)
CONNECTIONS_2018 = (
    b"First Name,Last Name,Email Address,Company,Position,Connected On\n"
    b"Joe,Smith,,\"Acme, Inc\",VP Engineering,20 Nov 2018\n"
    b"Joe,Smith,,Globex,Engineer,21 Nov 2018\n"
)


def _contacts(rows: list[str]) -> bytes:
    return ("First Name,Last Name,Email,Title,Account Name\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("a,b,low,high", [
    (("Bob", "Smith"), ("Robert", "Smith"), 0.95, 0.95),
    (("José", "García"), ("Jose", "Garcia"), 1.0, 1.0),
    (("Smith", "John"), ("John", "Smith"), 1.0, 1.0),
    (("J.", "Smith"), ("John", "Smith"), 0.9, 0.9),
    (("Katherine", "Jonson"), ("Catherine", "Johnston"), 0.7, 0.89),
    (("Ann", "Lee"), ("Bob", "Lee"), 0.0, 0.6),
])
def test_person_match_scores_with_reason(a, b, low, high):
    match = identity.person_match(a, b)
    assert low <= match.confidence <= high
    assert match.reason


def test_employer_domain_ignores_free_mail():
    assert identity.employer_domain("x@acme.com") == "acme.com"
    assert [identity.employer_domain(e) for e in ("a@gmail.com", "b@outlook.com", "c@icloud.com", "nope")] == [None] * 4


def test_same_person_from_two_reps_with_and_without_url(store):
    [a] = import_bytes(store, "Connections.csv", CONNECTIONS_2023, owner="Rep One", as_of=date(2025, 1, 1))
    [b] = import_bytes(store, "Connections.csv", CONNECTIONS_2018, owner="Rep Two", as_of=date(2019, 1, 1))
    assert a.records_imported == 2 and b.records_imported == 2
    frames = store.load_frames()
    # Joe at ACME (URL in one file only) is one person; Joe Smith at Globex is another.
    assert sorted(frames.people.full_name) == ["Joe Smith", "Joe Smith", "Kim Ng"]
    joe_acme = frames.people.loc[frames.people.profile_url == "linkedin.com/in/joe-smith-42", "person_id"].item()
    reps_of_joe = frames.relationships.loc[frames.relationships.person_id == joe_acme, "rep_id"]
    assert len(set(reps_of_joe)) == 2
    # "ACME Inc." and "Acme, Inc" are one company; "Self-employed" is none.
    assert sorted(frames.companies.company_name) == ["ACME Inc.", "Globex"]
    kim = frames.people.loc[frames.people.full_name == "Kim Ng", "person_id"].item()
    assert frames.employments.loc[frames.employments.person_id == kim, "company_id"].isna().all()


def test_nickname_and_initials_merge_at_the_same_company(sqlite_store):
    import_bytes(sqlite_store, "a.csv", _contacts(["Robert,Smith,,CTO,Acme", "Jörg,Müller,,CFO,Acme"]))
    [r] = import_bytes(sqlite_store, "b.csv", _contacts(["Bob,Smith,,CTO,Acme Inc", "J.,Muller,,CFO,ACME"]))
    assert r.records_imported == 2
    frames = sqlite_store.load_frames()
    assert sorted(frames.people.full_name) == ["Jörg Müller", "Robert Smith"]
    assert sqlite_store.reviews().empty


def test_same_name_at_two_companies_is_two_people(sqlite_store):
    import_bytes(sqlite_store, "a.csv", _contacts(["John,Doe,,CTO,Acme", "John,Doe,,CEO,Globex"]))
    assert len(sqlite_store.load_frames().people) == 2


def test_near_match_below_threshold_is_reviewed_not_merged(store):
    import_bytes(store, "a.csv", _contacts(["John,Smith,,CTO,Acme"]))
    [r] = import_bytes(store, "b.csv", _contacts(["Jon,Smyth,,CTO,Acme"]))
    assert r.records_imported == 1
    frames = store.load_frames()
    assert sorted(frames.people.full_name) == ["John Smith", "Jon Smyth"]
    reviews = store.reviews()
    assert len(reviews) == 1
    review = reviews.iloc[0]
    assert (review.entity, review.left_name, review.right_name) == ("person", "John Smith", "Jon Smyth")
    assert identity.REVIEW_FLOOR <= review.confidence < identity.MERGE_THRESHOLD
    assert "alike" in review.reason

    # Merging on the Data page repoints everything to the kept person.
    assert store.resolve_review(int(review.id), "merge")
    frames = store.load_frames()
    assert list(frames.people.full_name) == ["John Smith"]
    assert set(frames.crm_contacts.person_id) == set(frames.people.person_id)
    assert store.reviews().empty
    assert store.reviews(status="merged").shape[0] == 1


def test_split_keeps_people_apart(sqlite_store):
    import_bytes(sqlite_store, "a.csv", _contacts(["John,Smith,,CTO,Acme"]))
    import_bytes(sqlite_store, "b.csv", _contacts(["Jon,Smyth,,CTO,Acme"]))
    review_id = int(sqlite_store.reviews().id.iloc[0])
    assert sqlite_store.resolve_review(review_id, "split")
    assert len(sqlite_store.load_frames().people) == 2
    assert list(sqlite_store.reviews(status="kept_apart").id) == [review_id]
    assert not sqlite_store.resolve_review(9999, "merge")
    with pytest.raises(ValueError):
        sqlite_store.resolve_review(review_id, "maybe")


def test_merge_people_repoints_every_table(store):
    import_paths(store, [CRM / "sf_accounts_report.csv", CRM / "sf_contacts_report.csv",
                         CRM / "sf_opportunities_report.csv"])
    # LinkedIn shows a Joe Smith at another company: a different person until a user merges them.
    import_bytes(store, "Connections.csv", CONNECTIONS_2023.replace(b"ACME Inc.", b"Initech"), owner="Rep One")
    add_referral(store, "Grace Hopper", "https://linkedin.com/in/joe-smith-42", None, date(2026, 1, 2), "intro")
    frames = store.load_frames()
    ids = frames.people.groupby("full_name").person_id.apply(sorted).to_dict()
    crm_joe, li_joe = ids["Joe Smith"]
    assert store.merge_people(crm_joe, li_joe)
    frames = store.load_frames()
    assert li_joe not in set(frames.people.person_id)
    for frame, col in ((frames.employments, "person_id"), (frames.relationships, "person_id"),
                       (frames.referrals, "referred_id")):
        assert li_joe not in set(frame[col])
    joe = frames.people.set_index("person_id").loc[crm_joe]
    assert (joe.email, joe.profile_url) == ("joe.smith@acme.com", "linkedin.com/in/joe-smith-42")
    assert json.loads(frames.crm_opportunities.contact_roles.iloc[0])[0]["person_id"] == crm_joe
    assert not store.merge_people(crm_joe, li_joe)


def test_contact_whose_email_domain_changed_shows_as_a_move(store):
    import_paths(store, [CRM / "sf_accounts_report.csv"])
    import_bytes(store, "c1.csv", _contacts(["Joe,Smith,joe.smith@acme.com,VP,ACME Inc."]), as_of=date(2026, 1, 1))
    # The CRM still files him under ACME, but his email is now at Globex.
    import_bytes(store, "c2.csv", _contacts(["Joe,Smith,joe@globex.io,VP,ACME Inc."]), as_of=date(2026, 3, 1))
    frames = store.load_frames()
    assert len(frames.people) == 1
    names = dict(zip(frames.companies.company_id, frames.companies.company_name))
    jobs = frames.employments.sort_values("observed_on")
    assert [names[c] for c in jobs.company_id] == ["ACME Inc.", "Globex Corporation"]
    assert list(jobs.source) == ["crm", "crm"]


def test_free_mail_domain_names_no_company(sqlite_store):
    import_bytes(sqlite_store, "c.csv", _contacts(["Grace,Hopper,grace@gmail.com,Advisor,"]))
    frames = sqlite_store.load_frames()
    assert frames.companies.empty and frames.employments.company_id.isna().all()


def test_fuzzy_match_across_reps_respects_profile_urls(sqlite_store):
    with_urls = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                 b"Robert,Smith,https://www.linkedin.com/in/rob-smith,,Acme,CTO,09 Dec 2024\n"
                 b"Katherine,Jonson,https://www.linkedin.com/in/kjonson,,Acme,CFO,09 Dec 2024\n")
    import_bytes(sqlite_store, "a.csv", with_urls, owner="Rep One")
    # An older export without URLs: the nickname merges, the near spelling goes to review.
    old = (b"First Name,Last Name,Email Address,Company,Position,Connected On\n"
           b"Bob,Smith,,Acme Inc.,CTO,20 Nov 2018\nCatherine,Johnston,,ACME,CFO,20 Nov 2018\n")
    import_bytes(sqlite_store, "b.csv", old, owner="Rep Two")
    # A different profile URL is another person, however alike the name.
    other = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
             b"Bob,Smith,https://www.linkedin.com/in/bob-smith-2,,Acme,Intern,09 Dec 2024\n")
    import_bytes(sqlite_store, "c.csv", other, owner="Rep Three")
    frames = sqlite_store.load_frames()
    assert sorted(frames.people.full_name) == ["Bob Smith", "Catherine Johnston", "Katherine Jonson", "Robert Smith"]
    rob = frames.people.loc[frames.people.full_name == "Robert Smith", "person_id"].item()
    assert frames.relationships.loc[frames.relationships.person_id == rob, "rep_id"].nunique() == 2
    reviews = sqlite_store.reviews()
    assert list(zip(reviews.left_name, reviews.right_name)) == [("Katherine Jonson", "Catherine Johnston")]


def test_split_person_moves_one_snapshots_records_to_a_new_person(store):
    """Two reps' Bob Smith at Globex were matched as one; the user splits Kim's snapshot off."""
    from tests.dash_data import load_two_snapshots

    load_two_snapshots(store)
    frames = store.load_frames()
    [bob] = frames.people.loc[frames.people["full_name"] == "Bob Smith", "person_id"].astype(int)
    records = store.person_records(bob)
    assert len(records) == 3 and set(records["rep_name"]) == {"Sam Rep", "Kim Rep"}
    assert all("CEO — Globex" in w and "linkedin relationship" in w for w in records["what"])
    kims = records.loc[records["rep_name"] == "Kim Rep", "snapshot_id"].astype(int).tolist()

    assert store.split_person(bob, records["snapshot_id"]) is None  # all of them: nothing to split
    assert store.split_person(bob, []) is None
    new = store.split_person(bob, kims)
    assert new is not None and new != bob

    frames = store.load_frames()
    bobs = frames.people[frames.people["full_name"] == "Bob Smith"]
    assert sorted(bobs["person_id"].astype(int)) == sorted([bob, new])
    rels = frames.relationships.merge(frames.reps[["rep_id", "rep_name"]], on="rep_id")
    knows = rels[rels["person_id"].isin([bob, new])].groupby("person_id")["rep_name"].agg(set).to_dict()
    assert knows == {bob: {"Sam Rep"}, new: {"Kim Rep"}}
    emp = frames.employments[frames.employments["person_id"] == new]
    assert set(emp["snapshot_id"].astype(int)) == set(kims)
    assert list(store.reviews(None)[["left_id", "right_id", "status"]].itertuples(index=False, name=None)) == [
        (bob, new, "kept_apart")]
    assert list(store.person_records(bob)["rep_name"]) == ["Sam Rep", "Sam Rep"]
