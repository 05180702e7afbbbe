"""Synthetic sales teams: realistic LinkedIn, CRM and referral data of any size.

``generate_team`` builds a team in memory (pandas frames, the ground truth that
tests and benchmarks check against); ``write_team`` writes it as the files a real
team has on disk, in the real formats of ``FORMATS.md`` (several Connections
vintages, Excel re-saves, whole archive zips, Salesforce- and HubSpot-style CRM
reports, a referrals CSV) plus ``manifest.json`` naming each file's owner and date.

Everything is drawn from one ``numpy.random.Generator`` seeded by ``seed``, so the
same arguments give the same bytes. Work is vectorised over people and rows.

>>> team = generate_team(reps=2, connections=50, snapshots=2, seed=1)
>>> sorted(team.connections.snapshot.unique().tolist())
[0, 1]
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd

# --- vocabularies (invented names) --------------------------------------------------------

FIRST_NAMES = (
    "Ada Alex Amara Ana André Anja Ben Bianca Carla Chen Chloé Dana Daniel David Diego Elena "
    "Elif Emma Erik Eva Farah Felix Fiona François Gabriel Grace Hana Hannah Hugo Ibrahim Ines "
    "Isabel Ivan Jack Jamal Jana Javier Jörg Joe Julia Karin Kenji Lara Leila Leo Lina Lucas "
    "Luis Maja Marco María Mateo Maya Mia Mohammed Nadia Naomi Nico Nina Noah Nora Olga Omar "
    "Oscar Paula Pedro Priya Rafael Rania Richard Rosa Sam Sara Sean Sofia Søren Stefan Tariq "
    "Tom Uma Valentina Victor Wei Yara Yusuf Zoë Zofia Łukasz"
).split()
# Łukasz is not in Windows-1252: Excel re-saves keep only names that survive cp1252.
LAST_NAMES = (
    "Abbott Acosta Adeyemi Almeida Andersson Baker Barros Becker Bianchi Brandt Byrne Campbell "
    "Castillo Chen Costa Dąbrowski Dubois Duarte Eriksen Fernández Fischer Fontaine García Gómez "
    "Haddad Hansen Hoffmann Ibáñez Ivanova Jansen Jensen Kaya Keller Khan Kim Kowalski Larsen "
    "Laurent Lee Lindqvist López Marchetti Martin Meyer Moreau Müller Murphy Nakamura Navarro "
    "Nguyen Nielsen Novak O'Brien Okafor Olsen Park Patel Peña Perez Petrov Popescu Quinn Reyes "
    "Rossi Ruiz Santos Schmidt Schneider Silva Singh Smith Sørensen Suzuki Tanaka Thompson "
    "Torres Vargas Vogel Wagner Walsh Weber Wright Yilmaz Zhang Zimmermann"
).split()
_CO_A = (
    "Blue Red Silver Golden Green North South East West Bright Swift Iron Stone Cedar Maple "
    "Harbor River Summit Pioneer Atlas Nova Polar Crystal Granite Copper Amber Orchid Falcon "
    "Eagle Lynx Otter Aurora Zenith Vertex Quantum Prism Beacon Horizon Meridian Cobalt Lumen"
).split()
_CO_B = (
    "Wave Peak Bridge Field Point Line Path Gate Forge Works Spring Crest Light Stream Grove "
    "Ridge Port Yard Hill Lake Rock Wind Star Leaf Mark Shore Vale Root Core Loop Sky"
).split()
_CO_C = (
    "Logistics Health Analytics Systems Foods Energy Robotics Labs Bank Media Networks Software "
    "Pharma Capital Partners Studios Retail Motors Telecom Insurance Biotech Materials Security "
    "Travel Consulting"
).split()
# Display suffix of a company's canonical name, and the spelling variants people type.
_LEGAL = ["Inc.", "Ltd", "GmbH", "LLC", "", "", "Corporation", "AG", "Ltd."]

DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Finance", "Operations", "IT", "Procurement",
               "Customer Success", "Product", "HR", "Legal", "Data"]
#: Seniority levels (index = level) and how common each is among connections.
LEVELS = ["Associate", "", "Senior", "Lead", "Manager", "Senior Manager", "Director",
          "Senior Director", "VP", "SVP", "Chief"]
LEVEL_WEIGHTS = np.array([10, 22, 16, 8, 14, 6, 9, 3, 6, 2, 1], dtype=float)
_CHIEF = {"Engineering": "Chief Technology Officer", "Sales": "Chief Revenue Officer",
          "Marketing": "Chief Marketing Officer", "Finance": "Chief Financial Officer",
          "Operations": "Chief Operating Officer", "IT": "Chief Information Officer",
          "Procurement": "Chief Procurement Officer", "Customer Success": "Chief Customer Officer",
          "Product": "Chief Product Officer", "HR": "Chief People Officer",
          "Legal": "General Counsel", "Data": "Chief Data Officer"}
_ROLE_WORD = {"Engineering": "Engineer", "Sales": "Account Executive", "Marketing": "Marketing Specialist",
              "Finance": "Financial Analyst", "Operations": "Operations Analyst", "IT": "Systems Administrator",
              "Procurement": "Buyer", "Customer Success": "Customer Success Manager",
              "Product": "Product Manager", "HR": "HR Business Partner", "Legal": "Counsel",
              "Data": "Data Scientist"}

CONNECTIONS_PREAMBLE = ("Notes:\n\"When exporting your connection data, you may notice that some of the email "
                        "addresses are missing. You will only see email addresses for connections who have "
                        "allowed their connections to see or download it. You can learn more here: "
                        "https://www.linkedin.com/help/linkedin/answer/261\"\n\n")
_SF_FOOTER = ("\n\n\"Grand Totals ({n} records)\"\n\n\"Confidential Information - Do Not Distribute\"\n"
              "\"Copyright (c) 2000-{year} salesforce.com, inc. All rights reserved.\"\n")
_MESSAGE_LINES = ["Thanks for connecting!", "Great to meet you at the conference.",
                  "Following up on our call -\nhappy to send the deck.", "Are you free next week?",
                  "Congrats on the new role!", "Sounds good, talk soon."]


def title_text(dept: str, level: int) -> str:
    """A job title for a department and seniority level, e.g. ``(\"Sales\", 8)`` -> ``\"VP Sales\"``."""
    name = LEVELS[level]
    if name == "Chief":
        return _CHIEF[dept]
    if level >= 6:
        return f"{name} of {dept}" if level in (6, 7) else f"{name} {dept}"
    if level in (4, 5):
        return f"{name}, {dept}" if level == 5 else f"{dept} Manager"
    role = _ROLE_WORD[dept]
    return f"{name} {role}".strip() if name else role


def _ascii(text: str) -> str:
    """``text`` with accents dropped (``"Peña"`` -> ``"Pena"``)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


_EMAIL_FIRST = np.array([_ascii(n).lower() for n in FIRST_NAMES], dtype=object)
_EMAIL_LAST = np.array([_ascii(n).lower().replace("'", "") for n in LAST_NAMES], dtype=object)


# --- the team in memory -------------------------------------------------------------------------


@dataclass
class Team:
    """A synthetic team: ground-truth frames (``snapshot`` columns index ``snapshot_dates``).

    - ``companies``: company_id, name (canonical), domain, weight (size share), is_account
    - ``people``: person_id, first_name, last_name, slug, email, hidden
    - ``employments``: person_id, snapshot, company_id, company_text, dept, level, title
    - ``reps``: rep_id, name, slug, employer, resaved, legacy_date
    - ``connections``: rep_id, person_id, snapshot, connected_on (a row per file row)
    - ``messages``: rep_id, person_id, date, outgoing
    - ``crm_accounts`` / ``crm_contacts`` / ``crm_opportunities`` (latest CRM export)
    - ``referrals``: referrer_id, referred_id, company_id, date, note
    """

    seed: int
    snapshot_dates: list[date]
    companies: pd.DataFrame
    people: pd.DataFrame
    employments: pd.DataFrame
    reps: pd.DataFrame
    connections: pd.DataFrame
    messages: pd.DataFrame
    crm_accounts: pd.DataFrame
    crm_contacts: pd.DataFrame
    crm_opportunities: pd.DataFrame
    referrals: pd.DataFrame
    extra: dict = field(default_factory=dict)

    def arrays(self) -> dict[str, np.ndarray]:
        """Per-person object arrays (indexed by person_id), built once: fast row lookups for writers."""
        if "arrays" not in self.extra:
            p = self.people
            slug = p["slug"].to_numpy(object)
            encoded = slug.copy()
            odd = np.flatnonzero(~pd.Series(slug).map(str.isascii).to_numpy(bool))
            encoded[odd] = [quote(s, safe="-") for s in slug[odd]]
            arrays = {"first_name": p["first_name"].to_numpy(object), "last_name": p["last_name"].to_numpy(object),
                      "email": p["email"].to_numpy(object), "slug": slug, "slug_encoded": encoded,
                      "hidden": p["hidden"].to_numpy(bool)}
            for s, state in self.employments.groupby("snapshot"):
                state = state.sort_values("person_id")
                arrays[f"company_text:{s}"] = state["company_text"].to_numpy(object)
                arrays[f"title:{s}"] = state["title"].to_numpy(object)
            self.extra["arrays"] = arrays
        return self.extra["arrays"]

    def moves(self) -> pd.DataFrame:
        """People whose company differs between consecutive snapshots: person_id, snapshot, from, to."""
        e = self.employments.sort_values(["person_id", "snapshot"])
        prev = e.groupby("person_id")["company_id"].shift()
        changed = prev.notna() & (prev != e["company_id"])
        out = e.loc[changed, ["person_id", "snapshot", "company_id"]].rename(columns={"company_id": "to_company"})
        out.insert(2, "from_company", prev[changed].astype(int))
        return out.reset_index(drop=True)


def _company_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    combos = len(_CO_A) * len(_CO_B) * len(_CO_C)
    if n > combos * 2:
        raise ValueError(f"at most {combos * 2} companies can be named; ask for fewer")
    pick = rng.permutation(combos * 2)[:n]
    a, rest = np.divmod(pick % combos, len(_CO_B) * len(_CO_C))
    b, c = np.divmod(rest, len(_CO_C))
    two_word = pick >= combos  # the other half: "Bluewave" style single words + industry
    A, B, C = np.array(_CO_A), np.array(_CO_B), np.array(_CO_C)
    base = np.where(two_word, np.char.add(np.char.add(A[a], np.char.lower(B[b])), np.char.add(" ", C[c])),
                    np.char.add(np.char.add(np.char.add(A[a], " "), B[b]), np.char.add(" ", C[c])))
    legal = np.array(_LEGAL)[rng.integers(0, len(_LEGAL), n)]
    name = np.where(legal == "", base, np.char.add(np.char.add(base, " "), legal))
    domain = np.char.add(np.char.lower(np.char.replace(base, " ", "")), ".com")
    # Heavy-tailed sizes: a few giants, a long tail of small firms.
    weight = rng.pareto(1.1, n) + 0.05
    weight /= weight.sum()
    return pd.DataFrame({"company_id": np.arange(n), "name": name.astype(object), "base": base.astype(object),
                         "domain": domain.astype(object), "weight": weight})


def _variants(companies: pd.DataFrame) -> np.ndarray:
    """Spellings of each company people type: ``[n, 4]`` (canonical, upper, ``X, Inc``, lower)."""
    base = companies["base"].to_numpy(str)
    name = companies["name"].to_numpy(str)
    return np.stack([name, np.char.add(np.char.upper(base), " INC."), np.char.add(base, ", Inc"),
                     np.char.lower(base)], axis=1).astype(object)


def _pick_companies(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    return rng.choice(len(weights), size=n, p=weights)


def generate_team(reps: int = 5, connections: int = 500, snapshots: int = 2, accounts: int | None = None,
                  move_rate: float = 0.02, seed: int = 0, as_of: date = date(2026, 10, 31),
                  months_between: int = 12) -> Team:
    """A synthetic team of ``reps`` reps with about ``connections`` connections each.

    ``snapshots`` exports per rep, ``months_between`` apart, the last on ``as_of``;
    between snapshots each person changes job with monthly probability ``move_rate``.
    ``accounts`` CRM accounts (default: one company in six). Returns a ``Team``.
    """
    if reps < 1 or connections < 1 or snapshots < 1:
        raise ValueError("reps, connections and snapshots must be at least 1")
    rng = np.random.default_rng(seed)
    n_people = max(int(reps * connections * 0.6), connections + connections // 10 + 10)
    n_companies = max(20, n_people // 20)
    companies = _company_frame(rng, n_companies)
    n_accounts = min(n_companies, accounts if accounts is not None else max(10, n_companies // 6))
    # CRM accounts lean to large companies.
    acc_ids = np.argsort(-(companies["weight"].to_numpy() * rng.lognormal(0, 1.0, n_companies)))[:n_accounts]
    companies["is_account"] = False
    companies.loc[acc_ids, "is_account"] = True
    weights = companies["weight"].to_numpy()
    variants = _variants(companies)

    dates = [as_of - timedelta(days=round(30.44 * months_between * (snapshots - 1 - s))) for s in range(snapshots)]

    # People: names, slugs, emails; a few restrict their data (hidden rows).
    fi = rng.integers(0, len(FIRST_NAMES), n_people)
    li = rng.integers(0, len(LAST_NAMES), n_people)
    first = np.array(FIRST_NAMES, dtype=object)[fi]
    last = np.array(LAST_NAMES, dtype=object)[li]
    slug_first = np.array([n.lower() for n in FIRST_NAMES], dtype=object)
    slug_last = np.array([n.lower().replace("'", "") for n in LAST_NAMES], dtype=object)
    hex3 = np.array([f"{i:03x}" for i in range(4096)], dtype=object)
    code = rng.integers(0x100000, 0xFFFFFF, n_people)
    slug = slug_first[fi] + "-" + slug_last[li] + "-" + hex3[code >> 12] + hex3[code & 0xFFF]
    people = pd.DataFrame({"person_id": np.arange(n_people), "first_name": first, "last_name": last,
                           "slug": slug, "hidden": rng.random(n_people) < 0.02,
                           "shares_email": rng.random(n_people) < 0.08, "fi": fi, "li": li})

    # Employment state per snapshot.
    company = _pick_companies(rng, weights, n_people)
    dept = rng.integers(0, len(DEPARTMENTS), n_people)
    level = rng.choice(len(LEVELS), size=n_people, p=LEVEL_WEIGHTS / LEVEL_WEIGHTS.sum())
    variant = rng.choice(4, size=n_people, p=[0.7, 0.08, 0.12, 0.10])
    states = []
    for s in range(snapshots):
        if s:
            months = months_between
            p_move = 1 - (1 - move_rate) ** months
            movers = np.flatnonzero(rng.random(n_people) < p_move)
            new_co = _pick_companies(rng, weights, len(movers))
            # Some movers land at CRM accounts (customers and prospects).
            to_account = rng.random(len(movers)) < 0.2
            new_co[to_account] = rng.choice(acc_ids, size=int(to_account.sum()))
            same = new_co == company[movers]
            new_co[same] = (new_co[same] + 1) % n_companies
            company = company.copy()
            level = level.copy()
            variant = variant.copy()
            company[movers] = new_co
            level[movers] = np.minimum(level[movers] + (rng.random(len(movers)) < 0.4), len(LEVELS) - 1)
            variant[movers] = rng.choice(4, size=len(movers), p=[0.7, 0.08, 0.12, 0.10])
        states.append(pd.DataFrame({"person_id": people["person_id"], "snapshot": s, "company_id": company,
                                    "company_text": variants[company, variant], "dept": dept, "level": level}))
    employments = pd.concat(states, ignore_index=True)
    title_table = np.array([[title_text(d, lv) for lv in range(len(LEVELS))] for d in DEPARTMENTS], dtype=object)
    employments["title"] = title_table[employments["dept"].to_numpy(), employments["level"].to_numpy()]
    employments["dept"] = np.array(DEPARTMENTS, dtype=object)[employments["dept"].to_numpy()]
    email = np.full(n_people, None, dtype=object)
    sharing = np.flatnonzero(people["shares_email"].to_numpy())
    email[sharing] = (_EMAIL_FIRST[fi[sharing]] + "." + _EMAIL_LAST[li[sharing]] + "@"
                      + companies["domain"].to_numpy(object)[states[0]["company_id"].to_numpy()[sharing]])
    people["email"] = email

    # Reps: each picks connections by popularity (Gumbel top-k), so reps overlap on popular people.
    rep_first = rng.choice(FIRST_NAMES[:-1], reps)
    rep_last = rng.choice(LAST_NAMES, reps)
    rep_names = [f"{a} {b}" for a, b in zip(rep_first, rep_last)]
    for i, name in enumerate(rep_names):  # rep names must be distinct
        if rep_names.index(name) != i:
            rep_names[i] = f"{name} {i}"
    popularity = np.log(rng.pareto(1.5, n_people) + 0.1)
    extra = max(1, int(connections * 0.04 * months_between / 12))
    total = min(n_people, connections + extra * (snapshots - 1))
    conn_frames = []
    resaved = rng.random(reps) < 0.25
    legacy = rng.random(reps) < (0.2 if snapshots > 1 else 0.0)
    legacy_dates = [date(2017, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 2340, reps)]
    day0 = date(2010, 1, 1).toordinal()
    for r in range(reps):
        keys = popularity + rng.gumbel(size=n_people)
        chosen = np.argpartition(-keys, total - 1)[:total]
        chosen = chosen[rng.permutation(total)]
        # The first `connections` exist at snapshot 0; `extra` more join before each later one.
        first_snap = np.zeros(total, dtype=int)
        if snapshots > 1:
            first_snap[connections:] = 1 + (np.arange(total - connections) // extra)
        first_date = np.array([dates[0].toordinal()] + [dates[s - 1].toordinal() for s in range(1, snapshots)])
        lo = np.where(first_snap == 0, day0, first_date[first_snap])
        hi = np.array([d.toordinal() for d in dates])[first_snap]
        connected = lo + (rng.random(total) * (hi - lo)).astype(int)
        for s in range(snapshots):
            keep = first_snap <= s
            if s == 0 and legacy[r]:
                keep &= connected <= legacy_dates[r].toordinal()
            conn_frames.append(pd.DataFrame({"rep_id": r, "person_id": chosen[keep], "snapshot": s,
                                             "connected_on": connected[keep]}))
    conns = pd.concat(conn_frames, ignore_index=True)
    conns["connected_on"] = pd.to_datetime(conns["connected_on"] - 719163, unit="D")  # ordinal -> datetime
    reps_frame = pd.DataFrame({
        "rep_id": np.arange(reps), "name": rep_names,
        "slug": [_ascii(n).lower().replace(" ", "-") + f"-{r:04x}" for r, n in enumerate(rep_names)],
        "employer": "Lumen Analytics Inc.", "resaved": resaved,
        "legacy_date": [d if lg else None for d, lg in zip(legacy_dates, legacy)],
    })

    messages = _messages(rng, conns[conns.snapshot == snapshots - 1], dates[-1])
    crm = _crm(rng, companies, acc_ids, employments[employments.snapshot == snapshots - 1], people, conns,
               rep_names, dates[-1])
    referrals = _referrals(rng, conns[conns.snapshot == snapshots - 1], employments, snapshots, dates[-1], reps)
    return Team(seed=seed, snapshot_dates=dates, companies=companies, people=people, employments=employments,
                reps=reps_frame, connections=conns, messages=messages, crm_accounts=crm[0], crm_contacts=crm[1],
                crm_opportunities=crm[2], referrals=referrals)


def _messages(rng: np.random.Generator, conns: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Message rows (no text kept here): a few per conversation with ~8% of connections."""
    talk = conns[rng.random(len(conns)) < 0.08]
    counts = rng.geometric(0.35, len(talk))
    rep_id = np.repeat(talk["rep_id"].to_numpy(), counts)
    person = np.repeat(talk["person_id"].to_numpy(), counts)
    start = np.repeat(talk["connected_on"].to_numpy(), counts).astype("datetime64[D]")
    end = np.datetime64(as_of, "D")
    span = (end - start).astype(int).clip(0)
    when = start + (rng.random(len(span)) * span).astype(int).astype("timedelta64[D]")
    seconds = rng.integers(0, 86400, len(when)).astype("timedelta64[s]")
    return pd.DataFrame({"rep_id": rep_id, "person_id": person,
                         "date": when.astype("datetime64[s]") + seconds,
                         "outgoing": rng.random(len(when)) < 0.5})


def _crm(rng, companies, acc_ids, current, people, conns, rep_names, as_of):
    n = len(acc_ids)
    status = rng.choice(["customer", "opportunity", "prospect", "churned"], size=n, p=[0.3, 0.2, 0.45, 0.05])
    arr = np.where(status == "customer", np.round(rng.lognormal(11, 1.0, n), -2), np.nan)
    renew = [as_of + timedelta(days=int(d)) for d in rng.integers(10, 365, n)]
    accounts = pd.DataFrame({
        "account_id": [f"001{int(i):012d}" for i in range(n)], "company_id": acc_ids,
        "name": companies["name"].to_numpy(object)[acc_ids], "domain": companies["domain"].to_numpy(object)[acc_ids],
        "status": status, "owner": rng.choice(rep_names, n), "arr": arr,
        "renewal_date": [d if s == "customer" else None for d, s in zip(renew, status)],
    })
    # Contacts: known people (someone on the team is connected) at accounts, a handful per account.
    known = np.zeros(len(people), dtype=bool)
    known[conns["person_id"].to_numpy()] = True
    is_acc = np.zeros(len(companies), dtype=bool)
    is_acc[acc_ids] = True
    cur = current[known[current.person_id.to_numpy()] & is_acc[current.company_id.to_numpy()]]
    cur = cur[~people["hidden"].to_numpy()[cur.person_id.to_numpy()]]
    cur = cur.assign(r=rng.random(len(cur))).sort_values(["company_id", "r"])
    cur = cur[cur.groupby("company_id").cumcount() < rng.integers(1, 8)]
    senior = cur["level"].to_numpy() >= 6
    role = np.where(senior, rng.choice(["Economic Buyer", "Decision Maker"], len(cur)),
                    rng.choice(["User", "Influencer", "Technical Buyer", ""], len(cur)))
    first_in_acc = cur.groupby("company_id").cumcount().to_numpy() == 0
    role = np.where(first_in_acc & (rng.random(len(cur)) < 0.7), "Champion", role)
    acc_of = pd.Series(np.arange(n), index=acc_ids)
    row_acc = acc_of[cur["company_id"].to_numpy()].to_numpy()
    p = people.set_index("person_id").loc[cur["person_id"]]
    email_local = _EMAIL_FIRST[p["fi"].to_numpy()] + "." + _EMAIL_LAST[p["li"].to_numpy()]
    contacts = pd.DataFrame({
        "contact_id": [f"003{i:012d}" for i in range(len(cur))], "person_id": cur["person_id"].to_numpy(),
        "first_name": p["first_name"].to_numpy(object), "last_name": p["last_name"].to_numpy(object),
        "email": email_local + "@" + accounts["domain"].to_numpy(object)[row_acc],
        "title": cur["title"].to_numpy(object), "account_id": accounts["account_id"].to_numpy(object)[row_acc],
        "account_name": accounts["name"].to_numpy(object)[row_acc], "role": role,
        "owner": accounts["owner"].to_numpy(object)[row_acc],
        "last_activity": [as_of - timedelta(days=int(d)) for d in rng.exponential(60, len(cur)).astype(int)],
    })
    has_opp = np.isin(status, ["customer", "opportunity"])
    opp_acc = np.flatnonzero(has_opp)
    stages_open = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"]
    is_won = status[opp_acc] == "customer"
    opps = pd.DataFrame({
        "opportunity_id": [f"006{i:012d}" for i in range(len(opp_acc))],
        "name": [f"{accounts['name'].iat[i]} - {'Renewal' if w else 'New Business'}" for i, w in zip(opp_acc, is_won)],
        "account_id": accounts["account_id"].to_numpy(object)[opp_acc],
        "account_name": accounts["name"].to_numpy(object)[opp_acc],
        "stage": np.where(is_won, "Closed Won", rng.choice(stages_open, len(opp_acc))),
        "amount": np.round(rng.lognormal(10.5, 1.0, len(opp_acc)), -2),
        "close_date": [as_of + timedelta(days=int(d)) for d in rng.integers(-300, 180, len(opp_acc))],
        "owner": accounts["owner"].to_numpy(object)[opp_acc],
    })
    return accounts, contacts, opps


def _referrals(rng, conns, employments, snapshots, as_of, reps) -> pd.DataFrame:
    """A few introductions per rep: a connection introduces a colleague at their company."""
    latest = employments[employments.snapshot == snapshots - 1].set_index("person_id")["company_id"]
    n = min(len(conns), max(1, reps * 3))
    pick = conns.iloc[rng.choice(len(conns), n, replace=False)]
    referrer = pick["person_id"].to_numpy()
    company = latest.to_numpy()[referrer]
    # A random colleague: people sorted by company, pick an offset inside the company's block.
    order = np.argsort(latest.to_numpy(), kind="stable")
    sorted_co = latest.to_numpy()[order]
    start = np.searchsorted(sorted_co, company, "left")
    count = np.searchsorted(sorted_co, company, "right") - start
    referred = latest.index.to_numpy()[order][start + (rng.random(n) * count).astype(int)]
    ok = referred != referrer
    return pd.DataFrame({
        "referrer_id": referrer[ok], "referred_id": referred[ok], "company_id": company[ok],
        "date": [as_of - timedelta(days=int(d)) for d in rng.integers(5, 400, int(ok.sum()))],
        "note": rng.choice(["Intro over coffee", "Met at a conference, asked for an intro",
                            "Former colleague; knows the buying team", ""], int(ok.sum())),
    })


# --- files ----------------------------------------------------------------------------------------


def _profile_url(slug: np.ndarray, style: np.ndarray) -> np.ndarray:
    """Profile URLs in the forms seen in real files (style 0..3)."""
    prefixes = np.array(["https://www.linkedin.com/in/", "http://www.linkedin.com/in/",
                         "https://de.linkedin.com/in/", "https://www.linkedin.com/in/"], dtype=object)
    suffixes = np.array(["", "", "/", "?trk=people"], dtype=object)
    return prefixes[style] + slug + suffixes[style]


_DATE_TABLES: dict[str, np.ndarray] = {}
_TABLE_START = date(2000, 1, 1).toordinal()
_TABLE_END = date(2035, 12, 31).toordinal()


def _date_strings(ordinals: np.ndarray, fmt: str) -> np.ndarray:
    """Format day ordinals (2000-2035) with ``fmt`` via a cached lookup table."""
    if fmt not in _DATE_TABLES:
        days = pd.to_datetime(np.arange(_TABLE_START, _TABLE_END + 1) - 719163, unit="D")
        if fmt == "%m/%d/%y, %I:%M %p":
            table = [f"{d.month}/{d.day}/{d:%y}, {(d.day % 12) + 1}:{d.month * 4:02d} {'AM' if d.day % 2 else 'PM'}"
                     for d in days]
        elif fmt == "%m/%d/%Y":
            table = [f"{d.month}/{d.day}/{d.year}" for d in days]
        else:
            table = days.strftime(fmt).tolist()
        _DATE_TABLES[fmt] = np.array(table, dtype=object)
    return _DATE_TABLES[fmt][np.asarray(ordinals, dtype=np.int64) - _TABLE_START]


def connections_layout(file_date: date) -> str:
    """The Connections.csv vintage LinkedIn produced on ``file_date`` (see FORMATS.md)."""
    if file_date >= date(2023, 6, 1):
        return "2023+"
    if file_date >= date(2020, 11, 1):
        return "2020-2023"
    if file_date >= date(2018, 11, 1):
        return "2018-2020"
    if file_date >= date(2018, 1, 1):
        return "2018"
    return "2016-2017"


def connections_csv(team: Team, rep_id: int, snapshot: int, file_date: date, resaved: bool = False,
                    seed: int = 0) -> bytes:
    """One rep's Connections.csv for one snapshot, in the vintage of ``file_date``.

    ``resaved`` writes an Excel re-save: Windows-1252, CRLF, ``;`` (half the time),
    ``Notes:,,,,,`` padding and a rewritten date format.
    """
    rng = np.random.default_rng([seed, rep_id, snapshot])
    c = team.connections
    rows = c[(c.rep_id == rep_id) & (c.snapshot == snapshot)]
    pid = rows["person_id"].to_numpy()
    arr = team.arrays()
    company = arr[f"company_text:{snapshot}"][pid]
    title = arr[f"title:{snapshot}"][pid]
    first = arr["first_name"][pid]
    last = arr["last_name"][pid]
    email = arr["email"][pid]
    # Non-ASCII slugs are percent-encoded in most files, raw in some.
    slug = np.where(rng.random(len(pid)) < 0.7, arr["slug_encoded"][pid], arr["slug"][pid])
    url = _profile_url(slug, rng.choice(4, len(pid), p=[0.85, 0.05, 0.05, 0.05]))
    layout = connections_layout(file_date)
    fmt = {"2023+": "%d %b %Y", "2020-2023": "%d %b %Y", "2018-2020": "%d %b %Y",
           "2018": "%m/%d/%y, %I:%M %p", "2016-2017": "%m/%d/%y, %I:%M %p"}[layout]
    if resaved:
        fmt = str(rng.choice(["%d-%b-%y", "%m/%d/%Y", "%Y-%m-%d"]))
    ordinals = (rows["connected_on"].to_numpy().astype("datetime64[D]").astype(int) + 719163)
    connected = _date_strings(ordinals, fmt)
    hidden = arr["hidden"][pid]

    def col(values: np.ndarray) -> np.ndarray:
        return np.where(hidden, "", values)  # None is written as an empty cell

    if not resaved:  # a few positions with emoji survive only in UTF-8 files
        fancy = (rng.random(len(pid)) < 0.01) & (pid < team.extra.get("story_start", len(team.people)))
        title = np.where(fancy, title + " \U0001F680", title)
    cols: dict[str, np.ndarray] = {"First Name": col(first), "Last Name": col(last)}
    if layout == "2023+":
        cols["URL"] = col(url)
    if layout == "2016-2017":
        cols.update({"Email Address": col(email), "Current Company": col(company), "Current Position": col(title),
                     "Tags": np.full(len(pid), ""), "Connected On": connected})
    else:
        cols.update({"Email Address": col(email), "Company": col(company), "Position": col(title),
                     "Connected On": connected})
    delimiter = ";" if resaved and rng.random() < 0.5 else ","
    buf = io.StringIO(newline="")
    if layout in ("2023+", "2020-2023"):
        if resaved:
            pad = delimiter * (len(cols) - 1)
            buf.write(f"Notes:{pad}\n" + CONNECTIONS_PREAMBLE.split("\n")[1] + f"{pad}\n{pad}\n")
        else:
            buf.write(CONNECTIONS_PREAMBLE)
    _write_rows(buf, list(cols), list(cols.values()), delimiter)
    text = buf.getvalue()
    if resaved:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return text.encode("cp1252", errors="replace")
    return text.encode("utf-8")


def _write_rows(buf: io.StringIO, header: list[str], columns: list[np.ndarray], delimiter: str = ",",
                quoting: int = csv.QUOTE_MINIMAL) -> None:
    """Write a header and column arrays as CSV rows (faster than building a DataFrame)."""
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=quoting)
    w.writerow(header)
    w.writerows(zip(*[c.tolist() if isinstance(c, np.ndarray) else c for c in columns]))


def messages_csv(team: Team, rep_id: int, as_of: date) -> bytes:
    """The rep's messages.csv up to ``as_of`` (newer layout: every field quoted, ATTACHMENTS)."""
    m = team.messages
    m = m[(m.rep_id == rep_id) & (m.date <= pd.Timestamp(as_of) + pd.Timedelta(days=1))]
    rep = team.reps.iloc[rep_id]
    arr = team.arrays()
    pid = m["person_id"].to_numpy()
    name = arr["first_name"][pid] + " " + arr["last_name"][pid]
    url = "https://www.linkedin.com/in/" + arr["slug_encoded"][pid]
    rep_url = f"https://www.linkedin.com/in/{rep['slug']}"
    out = m["outgoing"].to_numpy()
    conv = np.char.add(np.char.add(f"2-{rep_id:03d}", np.char.zfill(pid.astype(str), 9)), "==").astype(object)
    frame = pd.DataFrame({
        "CONVERSATION ID": conv, "CONVERSATION TITLE": "",
        "FROM": np.where(out, rep["name"], name), "SENDER PROFILE URL": np.where(out, rep_url, url),
        "TO": np.where(out, name, rep["name"]), "RECIPIENT PROFILE URLS": np.where(out, url, rep_url),
        "DATE": pd.Series(m["date"].to_numpy()).dt.strftime("%Y-%m-%d %H:%M:%S UTC").to_numpy(object),
        "SUBJECT": "", "CONTENT": np.array(_MESSAGE_LINES, dtype=object)[pid % len(_MESSAGE_LINES)],
        "FOLDER": "INBOX", "ATTACHMENTS": "",
    }).sort_values("DATE", ascending=False)
    return frame.to_csv(index=False, quoting=1).encode("utf-8")


def profile_csv(team: Team, rep_id: int) -> bytes:
    """The rep's Profile.csv (names the archive's owner)."""
    rep = team.reps.iloc[rep_id]
    first, last = rep["name"].split(" ", 1)
    frame = pd.DataFrame([{"First Name": first, "Last Name": last, "Maiden Name": "", "Address": "",
                           "Birth Date": "", "Headline": f"Account Executive at {rep['employer']}",
                           "Summary": "", "Industry": "Computer Software", "Zip Code": "", "Geo Location": "",
                           "Twitter Handles": "", "Websites": "", "Instant Messengers": ""}])
    return frame.to_csv(index=False).encode("utf-8")


def positions_csv(team: Team, rep_id: int) -> bytes:
    """The rep's own job history: the current employer and two or three past ones."""
    rng = np.random.default_rng([team.seed, 7, rep_id])
    rep = team.reps.iloc[rep_id]
    n_past = int(rng.integers(2, 4))
    past = team.companies.sort_values("weight", ascending=False).head(200)
    past = past.iloc[rng.choice(len(past), n_past, replace=False)]
    year = 2022
    rows = [{"Company Name": rep["employer"], "Title": "Account Executive", "Description": "",
             "Location": "Berlin, Germany", "Started On": f"Mar {year}", "Finished On": ""}]
    for _, co in past.iterrows():
        start = year - int(rng.integers(1, 5))
        rows.append({"Company Name": co["name"], "Title": rng.choice(["Sales Development Representative",
                                                                      "Account Manager", "Solutions Consultant"]),
                     "Description": "Managed mid-market accounts, grew pipeline", "Location": "",
                     "Started On": f"Jan {start}" if rng.random() < 0.7 else str(start),
                     "Finished On": f"Feb {year}"})
        year = start
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def crm_files(team: Team, style: str, as_of: date) -> dict[str, bytes]:
    """CRM exports (accounts, contacts, opportunities) in ``salesforce`` or ``hubspot`` style."""
    a, c, o = team.crm_accounts, team.crm_contacts, team.crm_opportunities
    if style == "salesforce":
        type_word = a["status"].map({"customer": "Customer - Direct", "opportunity": "Prospect",
                                     "prospect": "Prospect", "churned": "Former Customer"})
        acc = pd.DataFrame({"Account Name": a["name"], "Type": type_word, "Website": "www." + a["domain"],
                            "Account Owner": a["owner"], "ARR": a["arr"],
                            "Renewal Date": pd.to_datetime(a["renewal_date"]).dt.strftime("%m/%d/%Y")})
        con = pd.DataFrame({"First Name": c["first_name"], "Last Name": c["last_name"], "Email": c["email"],
                            "Title": c["title"], "Account Name": c["account_name"], "Contact Role": c["role"],
                            "Contact Owner": c["owner"],
                            "Last Activity": pd.to_datetime(c["last_activity"]).dt.strftime("%m/%d/%Y")})
        opp = pd.DataFrame({"Opportunity Name": o["name"], "Stage": o["stage"], "Amount": o["amount"],
                            "Close Date": pd.to_datetime(o["close_date"]).dt.strftime("%m/%d/%Y"),
                            "Account Name": o["account_name"], "Opportunity Owner": o["owner"]})
        year = as_of.year
        return {name: (f.to_csv(index=False) + _SF_FOOTER.format(n=len(f), year=year)).encode("utf-8")
                for name, f in (("accounts", acc), ("contacts", con), ("opportunities", opp))}
    lifecycle = a["status"].map({"customer": "customer", "opportunity": "opportunity", "prospect": "lead",
                                 "churned": "other"})
    acc = pd.DataFrame({"Record ID": np.arange(len(a)) + 5_000_000, "Company name": a["name"],
                        "Company Domain Name": a["domain"], "Lifecycle Stage": lifecycle,
                        "Company owner": a["owner"], "Annual recurring revenue": a["arr"]})
    con = pd.DataFrame({"Record ID": np.arange(len(c)) + 9_000_000, "First Name": c["first_name"],
                        "Last Name": c["last_name"], "Email": c["email"], "Job Title": c["title"],
                        "Associated Company": c["account_name"], "Contact owner": c["owner"],
                        "Last Activity Date": pd.to_datetime(c["last_activity"]).dt.strftime("%Y-%m-%d %H:%M"),
                        "Buying Role": c["role"]})
    stage = o["stage"].map(lambda s: "closedwon" if s == "Closed Won" else "appointmentscheduled"
                           if s in ("Prospecting", "Qualification") else "contractsent")
    opp = pd.DataFrame({"Record ID": np.arange(len(o)) + 12_000_000, "Deal Name": o["name"], "Deal Stage": stage,
                        "Amount": o["amount"], "Close Date": pd.to_datetime(o["close_date"]).dt.strftime("%Y-%m-%d"),
                        "Associated Company": o["account_name"], "Deal owner": o["owner"]})
    return {name: ("\ufeff" + f.to_csv(index=False, lineterminator="\r\n")).encode("utf-8")
            for name, f in (("accounts", acc), ("contacts", con), ("opportunities", opp))}


def referrals_csv(team: Team) -> bytes:
    """``Referrer,Referred,Date,Note,Company`` with names, emails or profile URLs."""
    r = team.referrals
    p = team.people
    names = (p["first_name"] + " " + p["last_name"]).to_numpy(object)
    urls = ("https://www.linkedin.com/in/" + p["slug"]).to_numpy(object)
    referred = np.where(np.arange(len(r)) % 3 == 0, urls[r["referred_id"]], names[r["referred_id"]])
    frame = pd.DataFrame({"Referrer": names[r["referrer_id"]], "Referred": referred,
                          "Date": pd.to_datetime(r["date"]).dt.strftime("%Y-%m-%d"), "Note": r["note"],
                          "Company": team.companies["name"].to_numpy(object)[r["company_id"]]})
    return frame.to_csv(index=False).encode("utf-8")


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=1)
    return buf.getvalue()


def write_team(team: Team, out: str | Path, crm_styles: tuple[str, ...] = ("salesforce", "hubspot"),
               crm_as_of: date | None = None) -> list[dict]:
    """Write ``team`` as files under ``out``; returns the manifest (also in ``manifest.json``).

    Each manifest entry: ``{"path", "kind", "owner", "as_of", "layout"}``; ``path`` is
    relative to ``out``. Latest LinkedIn exports are whole archive zips; earlier ones
    (and Excel re-saves) are loose Connections files. ``crm_styles``: one CRM export
    (accounts, contacts, opportunities) per style, of the same CRM data, exported on
    ``crm_as_of`` (default: the last snapshot date).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest: list[dict] = []
    last = len(team.snapshot_dates) - 1
    for rep in team.reps.itertuples():
        rep_dir = out / "linkedin" / rep.slug
        rep_dir.mkdir(parents=True, exist_ok=True)
        for s, snap_date in enumerate(team.snapshot_dates):
            file_date = snap_date
            if s == 0 and rep.legacy_date is not None and last > 0:
                file_date = rep.legacy_date
            data = connections_csv(team, rep.rep_id, s, file_date, resaved=bool(rep.resaved) and s < last,
                                   seed=team.seed)
            layout = connections_layout(file_date)
            if s == last:
                name = f"Basic_LinkedInDataExport_{file_date:%m-%d-%Y}.zip"
                blob = _zip({"Connections.csv": data, "Profile.csv": profile_csv(team, rep.rep_id),
                             "Positions.csv": positions_csv(team, rep.rep_id),
                             "messages.csv": messages_csv(team, rep.rep_id, file_date)})
                (rep_dir / name).write_bytes(blob)
                manifest.append({"path": f"linkedin/{rep.slug}/{name}", "kind": "linkedin_archive",
                                 "owner": rep.name, "as_of": file_date.isoformat(), "layout": layout})
            else:
                name = f"Connections_{file_date:%Y-%m-%d}.csv"
                (rep_dir / name).write_bytes(data)
                manifest.append({"path": f"linkedin/{rep.slug}/{name}", "kind": "linkedin_connections",
                                 "owner": rep.name, "as_of": file_date.isoformat(),
                                 "layout": layout + (" excel" if rep.resaved and s < last else "")})
    crm_dir = out / "crm"
    crm_dir.mkdir(exist_ok=True)
    crm_date = crm_as_of or team.snapshot_dates[-1]
    for style in crm_styles:
        for kind, data in crm_files(team, style, crm_date).items():
            name = f"{style}_{kind}_{crm_date:%Y-%m-%d}.csv"
            (crm_dir / name).write_bytes(data)
            manifest.append({"path": f"crm/{name}", "kind": f"crm_{kind}", "owner": None,
                             "as_of": crm_date.isoformat(), "layout": style})
    (out / "referrals.csv").write_bytes(referrals_csv(team))
    manifest.append({"path": "referrals.csv", "kind": "referrals", "owner": None,
                     "as_of": crm_date.isoformat(), "layout": "referrals"})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest
