"""A synthetic team as the frames insights read, without files or a store.

``team_frames(generate_team(...))`` returns a ``relmap.store.Frames`` shaped like
``Store.load_frames`` (columns ``model.FRAME_COLUMNS``), built from the generator's
ground truth: one snapshot per rep export, the CRM export and the referrals file.
Benchmarks and tests use it to run insights at any size in seconds.

>>> from relmap.generate import generate_team
>>> frames = team_frames(generate_team(reps=2, connections=40, seed=1))
>>> sorted(frames.snapshots["kind"].unique().tolist())
['crm_accounts', 'crm_contacts', 'crm_opportunities', 'linkedin_connections', 'linkedin_messages', 'referrals']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relmap import identity
from relmap.generate import Team
from relmap.ingest.crm import normalise_role
from relmap.model import FRAME_COLUMNS
from relmap.store import Frames


def file_date(team: Team, rep_id: int, snapshot: int) -> pd.Timestamp:
    """The date of one rep's export for ``snapshot`` (a legacy first export keeps its old date)."""
    legacy = team.reps["legacy_date"].iat[rep_id]
    if snapshot == 0 and legacy is not None and not pd.isna(legacy) and len(team.snapshot_dates) > 1:
        return pd.Timestamp(legacy)
    return pd.Timestamp(team.snapshot_dates[snapshot])


def team_frames(team: Team, crm_as_of=None) -> Frames:
    """``team`` as ``Frames`` (ids: people and companies +1, reps +1, snapshots from 1)."""
    n_snap = len(team.snapshot_dates)
    reps = team.reps
    crm_date = pd.Timestamp(crm_as_of or team.snapshot_dates[-1])
    # Snapshots: (rep, s) connections, one messages file per rep, then the CRM and referrals.
    snap_rows = []
    for r in reps["rep_id"]:
        for s in range(n_snap):
            snap_rows.append({"kind": "linkedin_connections", "rep_id": r + 1, "as_of": file_date(team, r, s),
                              "file_name": f"Connections_{r}_{s}.csv"})
    for r in reps["rep_id"]:
        snap_rows.append({"kind": "linkedin_messages", "rep_id": r + 1, "as_of": file_date(team, r, n_snap - 1),
                          "file_name": f"messages_{r}.csv"})
    for kind in ("crm_accounts", "crm_contacts", "crm_opportunities", "referrals"):
        snap_rows.append({"kind": kind, "rep_id": None, "as_of": crm_date, "file_name": f"{kind}.csv"})
    snaps = pd.DataFrame(snap_rows)
    snaps.insert(0, "snapshot_id", np.arange(1, len(snaps) + 1))
    snaps["layout"] = None
    snaps["imported_at"] = pd.Timestamp(crm_date)
    snaps["is_demo"] = False
    sid = {(k, r, i): v for k, r, i, v in zip(snaps.kind, snaps.rep_id.fillna(0).astype(int),
                                              snaps.groupby(["kind", "rep_id"], dropna=False).cumcount(),
                                              snaps.snapshot_id)}
    conn_sid = np.array([[sid[("linkedin_connections", r + 1, s)] for s in range(n_snap)] for r in reps["rep_id"]])
    as_of_by_sid = dict(zip(snaps.snapshot_id, snaps.as_of))

    people = team.people
    hidden = people["hidden"].to_numpy()
    c = team.connections[~hidden[team.connections["person_id"].to_numpy()]]
    snapshot_ids = conn_sid[c["rep_id"].to_numpy(), c["snapshot"].to_numpy()]
    emp = team.employments.set_index(["snapshot", "person_id"])
    state = emp.loc[list(zip(c["snapshot"], c["person_id"])), ["company_id", "company_text", "title"]]
    linkedin_emp = pd.DataFrame({
        "person_id": c["person_id"].to_numpy() + 1, "company_id": state["company_id"].to_numpy() + 1,
        "company_text": state["company_text"].to_numpy(object), "title": state["title"].to_numpy(object),
        "snapshot_id": snapshot_ids, "observed_on": pd.Series(snapshot_ids).map(as_of_by_sid).to_numpy(),
        "source": "linkedin", "started_on": pd.NaT, "ended_on": pd.NaT,
    }).drop_duplicates(["person_id", "snapshot_id"])
    cc = team.crm_contacts
    crm_contacts_sid = sid[("crm_contacts", 0, 0)]
    crm_emp = pd.DataFrame({
        "person_id": cc["person_id"].to_numpy() + 1,
        "company_id": team.crm_accounts.set_index("account_id").loc[cc["account_id"], "company_id"].to_numpy() + 1,
        "company_text": cc["account_name"].to_numpy(object), "title": cc["title"].to_numpy(object),
        "snapshot_id": crm_contacts_sid, "observed_on": crm_date, "source": "crm",
        "started_on": pd.NaT, "ended_on": pd.NaT,
    })
    employments = pd.concat([linkedin_emp, crm_emp], ignore_index=True)

    rel = pd.DataFrame({
        "rep_id": c["rep_id"].to_numpy() + 1, "person_id": c["person_id"].to_numpy() + 1,
        "snapshot_id": snapshot_ids, "source": "linkedin",
        "connected_on": pd.to_datetime(c["connected_on"]).to_numpy(), "last_touch": pd.NaT, "message_count": 0,
    })
    m = team.messages.groupby(["rep_id", "person_id"])["date"].agg(["max", "size"]).reset_index()
    msg_rel = pd.DataFrame({
        "rep_id": m["rep_id"].to_numpy() + 1, "person_id": m["person_id"].to_numpy() + 1,
        "snapshot_id": [sid[("linkedin_messages", r + 1, 0)] for r in m["rep_id"]], "source": "message",
        "connected_on": pd.NaT, "last_touch": pd.to_datetime(m["max"]).dt.normalize().to_numpy(),
        "message_count": m["size"].to_numpy(),
    })
    relationships = pd.concat([rel, msg_rel], ignore_index=True)

    comp = team.companies
    companies = pd.DataFrame({"company_id": comp["company_id"].to_numpy() + 1,
                              "company_name": comp["name"].to_numpy(object),
                              "norm_key": comp["name"].map(identity.company_key).to_numpy(object),
                              "domain": comp["domain"].to_numpy(object)})
    frames_people = pd.DataFrame({
        "person_id": people["person_id"].to_numpy() + 1,
        "full_name": (people["first_name"] + " " + people["last_name"]).to_numpy(object),
        "profile_url": ("linkedin.com/in/" + people["slug"].str.lower()).to_numpy(object),
        "email": people["email"].to_numpy(object),
    })[~hidden]
    acc = team.crm_accounts
    crm_accounts = pd.DataFrame({
        "company_id": acc["company_id"].to_numpy() + 1, "name": acc["name"].to_numpy(object),
        "domain": acc["domain"].to_numpy(object), "status": acc["status"].to_numpy(object),
        "owner": acc["owner"].to_numpy(object), "arr": acc["arr"].to_numpy(float),
        "renewal_date": pd.to_datetime(acc["renewal_date"]).to_numpy(), "last_activity": pd.NaT,
        "snapshot_id": sid[("crm_accounts", 0, 0)], "observed_on": crm_date,
    })
    crm_contacts = pd.DataFrame({
        "person_id": crm_emp["person_id"], "company_id": crm_emp["company_id"],
        "email": cc["email"].to_numpy(object), "title": cc["title"].to_numpy(object),
        "role": cc["role"].map(normalise_role).to_numpy(object), "owner": cc["owner"].to_numpy(object),
        "last_activity": pd.to_datetime(cc["last_activity"]).to_numpy(), "snapshot_id": crm_contacts_sid,
        "observed_on": crm_date,
    })
    o = team.crm_opportunities
    won = (o["stage"] == "Closed Won").to_numpy()
    crm_opps = pd.DataFrame({
        "company_id": acc.set_index("account_id").loc[o["account_id"], "company_id"].to_numpy() + 1,
        "name": o["name"].to_numpy(object), "stage": o["stage"].to_numpy(object),
        "amount": o["amount"].to_numpy(float), "close_date": pd.to_datetime(o["close_date"]).to_numpy(),
        "is_closed": won, "is_won": won, "owner": o["owner"].to_numpy(object), "contact_roles": "[]",
        "snapshot_id": sid[("crm_opportunities", 0, 0)], "observed_on": crm_date,
    })
    ref = team.referrals
    referrals = pd.DataFrame({
        "referrer_id": ref["referrer_id"].to_numpy() + 1, "referred_id": ref["referred_id"].to_numpy() + 1,
        "company_id": ref["company_id"].to_numpy() + 1, "referred_on": pd.to_datetime(ref["date"]).to_numpy(),
        "note": ref["note"].to_numpy(object), "snapshot_id": sid[("referrals", 0, 0)],
    })
    frames = {
        "reps": pd.DataFrame({"rep_id": reps["rep_id"].to_numpy() + 1, "rep_name": reps["name"].to_numpy(object),
                              "person_id": None}),
        "people": frames_people, "companies": companies, "snapshots": snaps, "employments": employments,
        "relationships": relationships, "referrals": referrals, "crm_accounts": crm_accounts,
        "crm_contacts": crm_contacts, "crm_opportunities": crm_opps,
        "champion_marks": pd.DataFrame(columns=FRAME_COLUMNS["champion_marks"]),
    }
    return Frames(**{k: v.reset_index(drop=True)[FRAME_COLUMNS[k]] for k, v in frames.items()})
