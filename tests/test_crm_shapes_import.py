"""Real CRM shapes through the whole import: Close lead exports bring their primary contacts, and
HubSpot multi-association cells are split only when they hold several companies."""

from __future__ import annotations

from datetime import date

from relmap.importer import import_bytes
from relmap.ingest import parse_bytes
from relmap.store import Store
from tests.conftest import FIXTURES

CLOSE = (FIXTURES / "realshapes" / "close_leads.csv").read_bytes()


def _import(store: Store, name: str, data: bytes, **kw):
    results = import_bytes(store, name, data, **kw)
    assert [r.status for r in results] == ["imported"], [r.problems for r in results]
    return results[0]


def _company_names(store: Store) -> dict[int, str]:
    companies = store.load_frames().companies
    return dict(zip(companies.company_id.astype(int), companies.company_name))


# --- Close leads: the primary contact of each lead ---------------------------------------------


def test_close_leads_parse_their_primary_contacts():
    [parsed] = parse_bytes("close_leads.csv", CLOSE)
    assert (parsed.kind, parsed.layout, len(parsed.frame)) == ("crm_accounts", "close", 2)
    contacts = parsed.contacts
    assert [tuple(r) for r in contacts[["line", "first_name", "last_name", "email", "title", "account_name",
                                        "account_external_id"]].itertuples(index=False)] == [
        (2, "Jonas", "Weir", "jonas@bluepeak.example", "CTO", "Bluepeak Analytics", "lead_Xa1"),
        (3, "Aiko", "Mori", "aiko@cinderandvale.example", "Founder", "Cinder & Vale", "lead_Xa2"),
    ]


def test_close_leads_import_accounts_and_their_primary_contacts(store):
    result = _import(store, "close_leads.csv", CLOSE, as_of=date(2024, 12, 1))
    # Two leads read; two accounts and their two primary contacts stored.
    assert (result.kind, result.rows_read, result.records_imported, result.problems) == ("crm_accounts", 2, 4, [])
    frames = store.load_frames()
    names = _company_names(store)
    assert sorted(names.values()) == ["Bluepeak Analytics", "Cinder & Vale"]
    contacts = frames.crm_contacts.merge(frames.people, on="person_id")
    assert sorted((r.full_name, r.email_x, r.title, names[int(r.company_id)])
                  for r in contacts.itertuples()) == [
        ("Aiko Mori", "aiko@cinderandvale.example", "Founder", "Cinder & Vale"),
        ("Jonas Weir", "jonas@bluepeak.example", "CTO", "Bluepeak Analytics"),
    ]
    assert set(frames.crm_contacts.snapshot_id) == {result.snapshot_id}
    jobs = frames.employments.merge(frames.people, on="person_id")
    assert sorted((r.full_name, names[int(r.company_id)], r.source) for r in jobs.itertuples()) == [
        ("Aiko Mori", "Cinder & Vale", "crm"), ("Jonas Weir", "Bluepeak Analytics", "crm")]
    assert store.list_snapshots().records_imported.tolist() == [4]


def test_close_primary_contact_resolves_like_other_contacts(store):
    # A rep knows Aiko at Cinder & Vale (no email, no URL); Close names her as the lead's primary contact.
    connections = (b"First Name,Last Name,Email Address,Company,Position,Connected On\n"
                   b"Aiko,Mori,,Cinder and Vale,Founder,01 Mar 2024\n")
    _import(store, "Connections.csv", connections, owner="Ann Rep", as_of=date(2024, 6, 1))
    _import(store, "close_leads.csv", CLOSE, as_of=date(2024, 12, 1))
    # A later Close export: Jonas's lead lost its primary contact, a new lead has none; Aiko again.
    later = CLOSE.replace(b"Jonas Weir,CTO,jonas@bluepeak.example", b",,").replace(b"Potential", b"Customer")
    later += b"lead_Xa3,Orrin Mills,Potential,orrin.example,,,,,2024-01-01 09:00:00.000000+00:00,,SMB\n"
    result = _import(store, "close_leads.csv", later, as_of=date(2025, 3, 1))
    assert (result.rows_read, result.records_imported, result.problems) == (3, 4, [])
    people = store.load_frames().people
    assert sorted(people.full_name) == ["Aiko Mori", "Jonas Weir"]
    [aiko] = people.loc[people.full_name == "Aiko Mori", "person_id"].astype(int)
    frames = store.load_frames()
    assert len(frames.crm_contacts[frames.crm_contacts.person_id == aiko]) == 2
    assert len(frames.relationships[frames.relationships.person_id == aiko]) == 1
    assert store.reviews("open").empty


# --- HubSpot multi-association cells and company names holding ";" ------------------------------


CONTACTS_IDS = (
    "Record ID,First Name,Last Name,Email,Associated Company,Associated Company IDs\n"
    "101,Ama,Boateng,,Kestrel Labs;Kestrel Holdings,551;552\n"
    "102,Rui,Costa,,Smith; Jones & Co,553\n"
)
CONTACTS_NO_IDS = (
    "Record ID,First Name,Last Name,Email,Associated Company\n"
    "201,Lio,Park,,Kestrel Labs;Kestrel Holdings\n"
    "202,Eve,Stone,,Smith; Jones & Co\n"
    "203,Max,Weber,,Harbor;Lane\n"
)


def _works_at(store: Store) -> dict[str, str]:
    frames = store.load_frames()
    names = _company_names(store)
    jobs = frames.employments.merge(frames.people, on="person_id")
    return {r.full_name: names[int(r.company_id)] for r in jobs.itertuples()}


def test_multi_association_with_ids_takes_the_first_and_a_name_with_a_semicolon_stays_whole(store):
    _import(store, "contacts.csv", CONTACTS_IDS.encode())
    assert _works_at(store) == {"Ama Boateng": "Kestrel Labs", "Rui Costa": "Smith; Jones & Co"}
    assert sorted(_company_names(store).values()) == ["Kestrel Labs", "Smith; Jones & Co"]


def test_without_ids_known_companies_or_hubspot_joins_decide(store):
    accounts = "Company name,Company Domain Name\nKestrel Labs,kestrel.example\nKestrel Holdings,kh.example\n" \
               "Harbor;Lane,harborlane.example\n"
    _import(store, "companies.csv", accounts.encode(), as_of=date(2025, 1, 1))
    _import(store, "contacts.csv", CONTACTS_NO_IDS.encode(), as_of=date(2025, 1, 2))
    # Both parts known: the first; "; " inside a name: one company; a known company named with ";": itself.
    assert _works_at(store) == {"Lio Park": "Kestrel Labs", "Eve Stone": "Smith; Jones & Co",
                                "Max Weber": "Harbor;Lane"}


def test_without_ids_or_known_companies_a_bare_semicolon_is_hubspots_join(store):
    _import(store, "contacts.csv", CONTACTS_NO_IDS.encode())
    assert _works_at(store) == {"Lio Park": "Kestrel Labs", "Eve Stone": "Smith; Jones & Co", "Max Weber": "Harbor"}


def test_deal_associations_follow_the_same_rule(store):
    deals = ("Record ID,Deal Name,Deal Stage,Amount,Associated Company IDs,Associated Company\n"
             "7001,Kestrel platform,Contract Sent,25000,551;552,Kestrel Labs;Kestrel Holdings\n"
             "7002,Smith renewal,closedwon,1200,553,Smith; Jones & Co\n")
    _import(store, "deals.csv", deals.encode())
    frames = store.load_frames()
    names = _company_names(store)
    assert sorted((r.name, names[int(r.company_id)]) for r in frames.crm_opportunities.itertuples()) == [
        ("Kestrel platform", "Kestrel Labs"), ("Smith renewal", "Smith; Jones & Co")]
