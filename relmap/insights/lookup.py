"""Finding a company, person or rep by the name a user typed, with close names when none matches.

Companies match by their matching key first (``identity.company_key``: ``Northwind, Inc.`` finds
``Northwind``), then by a domain the store knows (``northwind.com``), then by folded display name,
then by a unique substring. Every miss raises ``NotFound`` whose message suggests the closest names,
so the CLI can print it and exit 2.
"""

from __future__ import annotations

import difflib

import pandas as pd

from relmap.identity import company_key, fold, normalise_domain
from relmap.insights.context import Context


class NotFound(LookupError):
    """No (or more than one) match for a typed name; the message says what to type instead."""


def _norm(text: object) -> str:
    return " ".join(fold(str(text)).split())


def _suggest(wanted: str, names: list[str], what: str, flag: str) -> str:
    keyed = {_norm(n): n for n in names}
    close = difflib.get_close_matches(_norm(wanted), list(keyed), n=5, cutoff=0.5)
    close += [k for k in keyed if _norm(wanted) and _norm(wanted) in k and k not in close][: 5 - len(close)]
    hint = ("; did you mean " + ", ".join(repr(keyed[k]) for k in close) + "?") if close else \
        f"; no {what} has a similar name"
    return f"no {what} called {wanted!r} in the store{hint} (pass the exact name to {flag})"


def find_company(ctx: Context, name: str) -> int:
    """The canonical company id for ``name`` (raises ``NotFound`` with close names)."""
    comp = ctx.frames.companies
    names = ctx.company_name
    # By matching key, then by a domain typed for the company (``acme.com``, ``https://www.acme.com``).
    domain = normalise_domain(name) if " " not in name.strip() else None
    for column, value in (("norm_key", company_key(name)), ("domain", domain)):
        if value is not None and len(comp):
            hit = comp.loc[comp[column] == value, "company_id"]
            if len(hit):
                return int(ctx.canon.get(int(hit.iloc[0]), int(hit.iloc[0])))
    wanted = _norm(name)
    every = pd.concat([pd.Series(names.index, index=names.astype(str).map(_norm)),
                       pd.Series(comp["company_id"].map(ctx.canon).fillna(comp["company_id"]).to_numpy(),
                                 index=comp["company_name"].astype(str).map(_norm).to_numpy())])
    if wanted in every.index:
        return int(every[wanted] if not isinstance(every[wanted], pd.Series) else every[wanted].iloc[0])
    partial = every[[wanted in k for k in every.index]].unique() if wanted else []
    if len(partial) == 1:
        return int(partial[0])
    all_names = sorted(set(names.astype(str)) | set(comp["company_name"].dropna().astype(str)))
    raise NotFound(_suggest(name, all_names, "company", "--company"))


def find_person(ctx: Context, name: str) -> int:
    """The person id for a full name; several people with that name -> ``NotFound`` naming their companies."""
    people = ctx.person_name
    keys = people.map(_norm)
    hits = people.index[keys == _norm(name)].unique()
    if len(hits) == 1:
        return int(hits[0])
    if len(hits) > 1:
        where = sorted(f"{people[h]} at {ctx.cname(ctx.current['company_id'].get(h))}" for h in hits)
        raise NotFound(f"{len(hits)} people are called {name!r} ({'; '.join(where)}); "
                       "use --company to see that account's paths instead")
    raise NotFound(_suggest(name, sorted(set(people.astype(str))), "person", "--person"))


def find_rep(ctx: Context, name: str) -> int:
    """The rep id for a rep's name (raises ``NotFound`` with close names)."""
    reps = ctx.rep_name
    hits = reps.index[reps.map(_norm) == _norm(name)]
    if len(hits):
        return int(hits[0])
    raise NotFound(_suggest(name, sorted(set(reps.astype(str))), "rep", "--rep"))
