"""People a user kept apart (a split on the Data page, or a review settled as keep apart) stay
apart in later imports: a new row goes to the one its source has seen, else to review, never
silently to one of them; the same pair is never listed again."""

from __future__ import annotations

from datetime import date

from relmap.importer import import_bytes
from relmap.store import Store

HEADER = "First Name,Last Name,Email Address,Company,Position,Connected On\n"  # 2018-2023: no URL column


def _connections(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def _import(store: Store, data: bytes, owner: str | None = None, day: date = date(2024, 3, 1),
            name: str = "Connections.csv"):
    [result] = import_bytes(store, name, data, owner=owner, as_of=day)
    assert result.status == "imported", result.problems
    return result


def _people(store: Store, full_name: str) -> list[int]:
    people = store.load_frames().people
    return sorted(people.loc[people.full_name == full_name, "person_id"].astype(int))


def _reps_of(store: Store, person_id: int) -> set[str]:
    frames = store.load_frames()
    rels = frames.relationships.merge(frames.reps[["rep_id", "rep_name"]], on="rep_id")
    return set(rels.loc[rels.person_id == person_id, "rep_name"])


def _split_two_janes(store: Store) -> tuple[int, int]:
    """Ann's and Ben's exports both list a Jane Smith at ACME (no URL, no email): matched as one
    person, which a user splits; returns (Ann's Jane, Ben's Jane)."""
    _import(store, _connections("Jane,Smith,,ACME,CTO,01 Jan 2024", "Ada,Byron,,ACME,CFO,02 Jan 2024"), "Ann Rep")
    ben = _import(store, _connections("Jane,Smith,,ACME Inc.,Engineer,05 Feb 2024"), "Ben Rep")
    [jane] = _people(store, "Jane Smith")
    assert _reps_of(store, jane) == {"Ann Rep", "Ben Rep"}  # the wrong match the user undoes
    new = store.split_person(jane, [ben.snapshot_id])
    assert new is not None
    return jane, new


def test_split_people_keep_their_lineage_when_the_same_exports_come_again(store):
    anns, bens = _split_two_janes(store)
    # Both reps export again months later (new bytes, new dated snapshots), Ben's first.
    _import(store, _connections("Jane,Smith,,ACME Inc.,Staff Engineer,05 Feb 2024", "Kim,Ng,,Globex,CEO,01 Aug 2024"),
            "Ben Rep", date(2024, 9, 1))
    _import(store, _connections("Jane,Smith,,ACME,CTO,01 Jan 2024", "Ada,Byron,,ACME,CFO,02 Jan 2024",
                                "Lee,Park,,Initech,COO,03 Aug 2024"), "Ann Rep", date(2024, 9, 1))
    assert _people(store, "Jane Smith") == [anns, bens]
    assert _reps_of(store, anns) == {"Ann Rep"}
    assert _reps_of(store, bens) == {"Ben Rep"}
    emp = store.load_frames().employments
    assert sorted(emp.loc[emp.person_id == bens, "title"]) == ["Engineer", "Staff Engineer"]
    assert store.reviews("open").empty


def test_a_new_source_matching_both_is_listed_for_review_not_merged(store):
    anns, bens = _split_two_janes(store)
    cara = _import(store, _connections("Jane,Smith,,Acme,Advisor,01 Mar 2024"), "Cara Rep", date(2024, 4, 1))
    janes = _people(store, "Jane Smith")
    [caras] = set(janes) - {anns, bens}
    assert _reps_of(store, caras) == {"Cara Rep"} and _reps_of(store, anns) == {"Ann Rep"}
    reviews = store.reviews("open")
    assert sorted(zip(reviews.left_id, reviews.right_id)) == [(anns, caras), (bens, caras)]
    assert set(reviews.snapshot_id) == {cara.snapshot_id}
    assert all("kept these people apart" in r for r in reviews.reason)

    # Cara's next export goes to the person her first one made: no new person, no new review.
    _import(store, _connections("Jane,Smith,,Acme,Board Advisor,01 Mar 2024", "Kim,Ng,,Globex,CEO,01 Aug 2024"),
            "Cara Rep", date(2024, 9, 1))
    assert _people(store, "Jane Smith") == janes
    assert len(store.reviews("open")) == 2

    # Merging Cara's Jane into Ann's settles the other review: it now names the pair kept apart.
    review = reviews[reviews.left_id == anns].iloc[0]
    assert store.resolve_review(int(review.id), "merge")
    assert store.reviews("open").empty
    apart = store.reviews("kept_apart")
    assert sorted(tuple(sorted(p)) for p in zip(apart.left_id, apart.right_id)) == [(anns, bens), (anns, bens)]
    assert _reps_of(store, anns) == {"Ann Rep", "Cara Rep"} and _reps_of(store, bens) == {"Ben Rep"}


def test_near_spelling_goes_to_the_kept_apart_person_of_the_same_rep(store):
    anns, bens = _split_two_janes(store)
    # Ben's next export writes "J. Smith": a sure fuzzy match of both Janes (initials agree).
    _import(store, _connections("J.,Smith,,ACME,Engineer,05 Feb 2024"), "Ben Rep", date(2024, 9, 1))
    assert _reps_of(store, bens) == {"Ben Rep"} and _reps_of(store, anns) == {"Ann Rep"}
    assert store.reviews("open").empty
    assert len(store.load_frames().people) == 3  # the two Janes and Ada


def test_crm_rows_keep_to_the_person_the_crm_named(store):
    _import(store, _connections("Jane,Smith,,ACME,CTO,01 Jan 2024"), "Ann Rep")
    contacts = "First Name,Last Name,Email,Title,Account Name\nJane,Smith,,VP Sales,ACME\n"
    crm = _import(store, contacts.encode(), name="contacts.csv")
    [jane] = _people(store, "Jane Smith")
    crms = store.split_person(jane, [crm.snapshot_id])
    assert crms is not None
    _import(store, (contacts + "Kim,Ng,,CEO,Globex\n").encode(), name="contacts.csv", day=date(2024, 9, 1))
    _import(store, _connections("Jane,Smith,,ACME,CTO,01 Jan 2024", "Lee,Park,,Initech,COO,03 Aug 2024"),
            "Ann Rep", date(2024, 9, 1))
    frames = store.load_frames()
    assert _people(store, "Jane Smith") == [jane, crms]
    assert set(frames.crm_contacts.loc[frames.crm_contacts.title == "VP Sales", "person_id"]) == {crms}
    assert _reps_of(store, jane) == {"Ann Rep"} and _reps_of(store, crms) == set()
    assert store.reviews("open").empty


def test_keep_apart_review_is_not_listed_again_on_reimport(store):
    contacts = "First Name,Last Name,Email,Title,Account Name\nJane,Smith,,CTO,Acme\nJane,Smith,,CFO,Globex\n"
    _import(store, contacts.encode(), name="contacts.csv")
    acme_jane, globex_jane = _people(store, "Jane Smith")
    referrals = "Referrer,Referred,Date\nGrace Hopper,Jane Smith,2025-01-02\n"
    _import(store, referrals.encode(), name="referrals.csv", day=date(2025, 1, 5))
    [referred] = set(_people(store, "Jane Smith")) - {acme_jane, globex_jane}
    reviews = store.reviews("open")
    assert sorted(zip(reviews.left_id, reviews.right_id)) == [(acme_jane, referred), (globex_jane, referred)]
    for review_id in reviews.id:
        assert store.resolve_review(int(review_id), "keep_apart")

    # The referral list comes again with one more row: the same Jane, no new person, no new review.
    _import(store, (referrals + "Grace Hopper,Ada Byron,2025-02-01\n").encode(), name="referrals.csv",
            day=date(2025, 2, 5))
    assert _people(store, "Jane Smith") == sorted([acme_jane, globex_jane, referred])
    assert store.reviews("open").empty
    assert len(store.reviews("kept_apart")) == 2
    assert set(store.load_frames().referrals.referred_id) == {referred, *_people(store, "Ada Byron")}


def test_add_review_skips_a_pair_waiting_or_kept_apart(store):
    _import(store, _connections("Jane,Smith,,ACME,CTO,01 Jan 2024", "Ada,Byron,,ACME,CFO,02 Jan 2024",
                                "Kim,Ng,,Globex,CEO,01 Aug 2024"), "Ann Rep")
    jane, ada, kim = (_people(store, n)[0] for n in ("Jane Smith", "Ada Byron", "Kim Ng"))
    with store.write() as conn:
        assert store.add_review(conn, "person", jane, ada, 0.8, "similar", None)
        assert not store.add_review(conn, "person", ada, jane, 0.8, "similar", None)  # waiting already
        assert not store.add_review(conn, "person", kim, kim, 1.0, "itself", None)
        assert store.add_review(conn, "person", jane, kim, 0.8, "similar", None)
    kim_review = int(store.reviews("open").set_index("right_id").loc[kim, "id"])
    assert store.resolve_review(kim_review, "keep_apart")
    with store.write() as conn:
        assert not store.add_review(conn, "person", kim, jane, 0.9, "similar", None)
        assert store.kept_apart_pairs(conn, [kim]) == {frozenset((jane, kim))}
    assert len(store.reviews("open")) == 1


def test_message_counterpart_named_like_two_kept_apart_people_is_the_reps_own(store):
    anns, bens = _split_two_janes(store)
    head = ('"CONVERSATION ID","CONVERSATION TITLE","FROM","SENDER PROFILE URL","TO","RECIPIENT PROFILE URLS",'
            '"DATE","SUBJECT","CONTENT","FOLDER"\n')
    rows = [("Ben Rep", "Jane Smith", "2024-05-01 10:22:31 UTC"), ("Jane Smith", "Ben Rep", "2024-05-02 08:00:00 UTC"),
            ("Ben Rep", "Kim Ng", "2024-05-03 08:00:00 UTC")]
    data = head + "".join(f'"c{i}","","{a}","","{b}","","{d}","","hello","INBOX"\n' for i, (a, b, d) in enumerate(rows))
    _import(store, data.encode(), "Ben Rep", date(2024, 6, 1), name="messages.csv")
    rels = store.load_frames().relationships
    touched = rels[rels.source == "message"]
    assert bens in set(touched.person_id) and anns not in set(touched.person_id)
    assert _people(store, "Jane Smith") == [anns, bens]
