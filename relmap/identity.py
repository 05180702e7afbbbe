"""Normalising and matching people and companies.

Pure functions, no store access: the importer hands them what it read and what the
store already knows, and writes what they decide.

>>> normalise_profile_url("https://www.linkedin.com/in/J%C3%B6rg-M%C3%BCller/?trk=x")
'linkedin.com/in/jörg-müller'
>>> company_key("ACME, Inc.") == company_key("Acme Inc") == "acme"
True
>>> company_key("Self-employed") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import pandas as pd

# Legal suffixes dropped from company names before matching (lowercase, no dots).
_LEGAL_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp",
    "ltd", "limited", "plc", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "oy", "ab",
    "as", "aps", "spa", "srl", "pty", "pte", "kk", "kg", "se", "group", "holdings",
}

# Text people write where an employer would be, which names no employer.
_NON_EMPLOYER_PATTERNS = re.compile(
    r"^(?:self[\s-]*employed|freelance[r]?|freelancing|independent(?: consultant| contractor)?|"
    r"stealth(?: mode)?(?: startup| company)?|looking for .*|seeking .*|open to .*|"
    r"retired|unemployed|none|n/?a|null|-+|\.+|confidential|various|career break|"
    r"in transition|between jobs|on sabbatical)$",
    re.IGNORECASE,
)

_PUNCTUATION = re.compile(r"[^\w\s]")
_PROFILE_RE = re.compile(r"linkedin\.com/(in|pub)/([^/?#\s]+)", re.IGNORECASE)


# Cells that mean "nothing here" (HubSpot writes "[not provided]" for an unanswered form field).
PLACEHOLDERS = {"null", "none", "nan", "--", "-", "n/a", "na", "#n/a", "[not provided]", "(not provided)"}


def fold(text: str) -> str:
    """Lowercase ``text`` and strip accents: ``"Jörg"`` -> ``"jorg"``."""
    if text.isascii():  # nothing to decompose; casefold is lower for ASCII
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def clean_text(value: object) -> str | None:
    """Strip a cell; return None for empty and placeholder cells (``null``, ``--``, ``N/A``)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).replace("\x00", "").strip()
    if not text or text.lower() in PLACEHOLDERS:
        return None
    return text


def normalise_profile_url(url: object) -> str | None:
    """Return ``linkedin.com/in/<decoded-lowercase-slug>``, or None if ``url`` is not a profile.

    Scheme, ``www.`` or country subdomain, trailing slash, query string and
    percent-encoding are all ignored.

    >>> normalise_profile_url("http://uk.linkedin.com/in/Jane-Doe-12ab/")
    'linkedin.com/in/jane-doe-12ab'
    """
    text = clean_text(url)
    if text is None:
        return None
    match = _PROFILE_RE.search(text)
    if not match:
        return None
    slug = unquote(match.group(2)).strip().lower()
    if not slug:
        return None
    return f"linkedin.com/{match.group(1).lower()}/{slug}"


def normalise_email(email: object) -> str | None:
    """Lowercase a plausible email address, or None."""
    text = clean_text(email)
    if text is None:
        return None
    text = text.strip("<>\"' ").lower()
    if text.startswith("mailto:"):
        text = text[7:]
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        return text
    return None


def email_domain(email: object) -> str | None:
    """The domain part of an email address: ``"jo@acme.com"`` -> ``"acme.com"``."""
    normalised = normalise_email(email)
    return normalised.split("@", 1)[1] if normalised else None


def normalise_domain(value: object) -> str | None:
    """``"https://www.Acme.org/about"`` -> ``"acme.org"``; None when not a domain."""
    text = clean_text(value)
    if text is None:
        return None
    text = text.lower()
    if "@" in text:
        text = text.split("@", 1)[1]
    if "//" not in text:
        text = "//" + text
    host = (urlsplit(text).hostname or "").removeprefix("www.")
    return host if "." in host else None


def is_non_employer(company: object) -> bool:
    """True for free text that names no employer (``Self-employed``, ``Stealth``, empty...)."""
    text = clean_text(company)
    return text is None or bool(_NON_EMPLOYER_PATTERNS.match(text.strip(" .!")))


def company_key(name: object) -> str | None:
    """The matching key of a company name, or None when it names no employer.

    Case, accents, punctuation, ``&``/``and``, a leading "The" and legal suffixes
    are ignored, so ``ACME Inc.``, ``Acme, Inc`` and ``Acme Corporation`` share a key.
    """
    if is_non_employer(name):
        return None
    text = fold(str(name)).replace("&", " and ")
    text = _PUNCTUATION.sub(" ", text)
    words = text.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    words = [w for w in words if w != "and"] or words
    key = " ".join(words)
    return key or None


def name_key(first: object, last: object = None) -> str | None:
    """A person's name key: folded, punctuation dropped, words sorted (order-insensitive).

    >>> name_key("Müller, Jörg") == name_key("Jörg", "Muller")
    True
    """
    parts = " ".join(t for t in (clean_text(first), clean_text(last)) if t)
    if not parts:
        return None
    words = _PUNCTUATION.sub(" ", fold(parts)).split()
    return " ".join(sorted(words)) or None


def full_name(first: object, last: object = None) -> str | None:
    """``"Jane" , "Doe"`` -> ``"Jane Doe"``; None when both are empty."""
    parts = [t for t in (clean_text(first), clean_text(last)) if t]
    return " ".join(parts) or None


def normalise_profile_urls(urls: pd.Series) -> pd.Series:
    """Vectorised ``normalise_profile_url`` over a column (None where not a profile).

    The two common shapes, an export's ``https://www.linkedin.com/in/<slug>`` and an
    already normalised ``linkedin.com/in/<slug>``, are handled with plain string slicing
    (the result is exactly what ``normalise_profile_url`` gives for them); anything else
    goes through ``normalise_profile_url`` itself.

    >>> normalise_profile_urls(pd.Series(["https://de.linkedin.com/in/J%C3%B6rg/", None, "x"])).tolist()
    ['linkedin.com/in/jörg', None, None]
    >>> normalise_profile_urls(pd.Series(["https://www.linkedin.com/in/Ann-Lee/"])).tolist()
    ['linkedin.com/in/ann-lee']
    """
    out = []
    append = out.append
    common = _COMMON_PROFILE.fullmatch
    for text in urls.to_numpy(dtype=object, na_value=None):
        match = common(text) if text.__class__ is str else None
        # A slug with no separator, whitespace, escape or NUL is the regex's whole group.
        append("linkedin.com/in/" + match[1].lower() if match else normalise_profile_url(text))
    return pd.Series(out, index=urls.index, dtype=object)


# An export's URL or a normalised one, with at most one trailing slash.
_COMMON_PROFILE = re.compile(r"(?:https://www\.)?linkedin\.com/in/([^/?#%\x00\s]+)/?")


# --- email domains ------------------------------------------------------------------------

#: Mail providers whose domain says nothing about the employer.
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com",
    "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "outlook.com", "outlook.fr", "live.com",
    "live.co.uk", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com",
    "pm.me", "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de", "mail.com", "mail.ru", "yandex.ru",
    "yandex.com", "zoho.com", "fastmail.com", "hey.com", "qq.com", "163.com", "126.com", "naver.com",
    "orange.fr", "free.fr", "laposte.net", "wanadoo.fr", "sfr.fr", "libero.it", "virgilio.it", "btinternet.com",
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "rediffmail.com", "seznam.cz", "wp.pl", "o2.pl",
})


def employer_domain(email: object) -> str | None:
    """The domain of a work email address; None for free-mail providers and non-emails.

    >>> employer_domain("Jo@Acme.com"), employer_domain("jo@gmail.com")
    ('acme.com', None)
    """
    domain = email_domain(email)
    return None if domain is None or domain in FREE_MAIL_DOMAINS else domain


# --- fuzzy person matching ----------------------------------------------------------------

#: At or above this confidence two name records at the same company are merged; below it
#: (down to ``REVIEW_FLOOR``) they are kept apart and listed for review.
MERGE_THRESHOLD = 0.9
REVIEW_FLOOR = 0.7

# Nickname -> formal first name (folded, lowercase).
_NICKNAMES = {
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert", "bert": "robert",
    "bill": "william", "billy": "william", "will": "william", "willy": "william", "liam": "william",
    "jim": "james", "jimmy": "james", "jamie": "james", "mike": "michael", "mikey": "michael",
    "mick": "michael", "dick": "richard", "rick": "richard", "ricky": "richard", "rich": "richard",
    "tom": "thomas", "tommy": "thomas", "joe": "joseph", "joey": "joseph",
    "dave": "david", "davy": "david", "dan": "daniel", "danny": "daniel", "chris": "christopher",
    "kit": "christopher", "tony": "anthony", "ant": "anthony", "steve": "stephen", "stevie": "stephen",
    "ed": "edward", "eddie": "edward", "ted": "edward", "ned": "edward", "andy": "andrew", "drew": "andrew",
    "alex": "alexander", "sandy": "alexander", "sam": "samuel", "sammy": "samuel", "ben": "benjamin",
    "benny": "benjamin", "matt": "matthew", "nick": "nicholas", "nicky": "nicholas", "pat": "patrick",
    "pete": "peter", "greg": "gregory", "jeff": "jeffrey", "jon": "jonathan", "johnny": "john",
    "jack": "john", "jake": "jacob", "josh": "joshua", "larry": "lawrence", "len": "leonard",
    "charlie": "charles", "chuck": "charles", "fred": "frederick", "freddie": "frederick",
    "harry": "henry", "hank": "henry", "tim": "timothy", "timmy": "timothy", "ken": "kenneth",
    "kenny": "kenneth", "ron": "ronald", "ronnie": "ronald", "don": "donald", "doug": "douglas",
    "gerry": "gerald", "jerry": "gerald", "phil": "philip", "vince": "vincent", "walt": "walter",
    "liz": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "lizzie": "elizabeth", "eliza": "elizabeth",
    "kate": "katherine", "katie": "katherine", "kathy": "katherine", "cathy": "catherine",
    "jen": "jennifer", "jenny": "jennifer", "sue": "susan", "susie": "susan", "meg": "margaret",
    "maggie": "margaret", "peggy": "margaret", "pam": "pamela", "becky": "rebecca", "becca": "rebecca",
    "vicky": "victoria", "tori": "victoria", "abby": "abigail", "debbie": "deborah", "deb": "deborah",
    "mandy": "amanda", "manda": "amanda", "patty": "patricia", "trish": "patricia",
    "nat": "natalie", "tina": "christina", "jess": "jessica", "jessie": "jessica",
    "steph": "stephanie", "cindy": "cynthia", "barb": "barbara", "val": "valerie",
}


@dataclass(frozen=True)
class NameMatch:
    """How sure we are that two name records are one person, and why."""

    confidence: float
    reason: str


def _name_words(first: object, last: object = None) -> list[str]:
    text = " ".join(t for t in (clean_text(first), clean_text(last)) if t)
    if "," in text and last is None:  # "Müller, Jörg"
        surname, _, given = text.partition(",")
        text = f"{given} {surname}"
    return re.sub(r"[^\w\s]", " ", fold(text)).split()


def _formal(word: str) -> str:
    return _NICKNAMES.get(word, word)


def person_match(a: tuple[object, object], b: tuple[object, object]) -> NameMatch:
    """Compare two ``(first, last)`` names; returns a confidence in [0, 1] and its reason.

    Accents, case, word order, nicknames and initials are understood; anything else is
    scored by rapidfuzz's token-sort similarity.

    >>> person_match(("Bob", "Smith"), ("Robert", "Smith"))
    NameMatch(confidence=0.95, reason='nickname: bob = robert')
    >>> person_match(("J.", "Müller"), ("Jörg", "Muller")).confidence
    0.9
    >>> person_match(("Jon", "Smyth"), ("John", "Smith")).confidence < MERGE_THRESHOLD
    True
    """
    from rapidfuzz import fuzz

    wa, wb = _name_words(*a), _name_words(*b)
    if not wa or not wb:
        return NameMatch(0.0, "no name to compare")
    if sorted(wa) == sorted(wb):
        return NameMatch(1.0, "same name (accents, case and order ignored)")
    fa, fb = sorted(map(_formal, wa)), sorted(map(_formal, wb))
    if fa == fb:
        pairs = [f"{x} = {_formal(x)}" for x in wa + wb if _formal(x) != x]
        return NameMatch(0.95, "nickname: " + ", ".join(dict.fromkeys(pairs)))
    # Initials: "J. Smith" / "J Smith" against "John Smith" (same last word, first letter agrees).
    if len(wa) >= 2 and len(wb) >= 2 and wa[-1] == wb[-1]:
        ia, ib = wa[:-1], wb[:-1]
        if len(ia) == len(ib) and all(x[0] == y[0] and (len(x) == 1 or len(y) == 1 or x == y)
                                      for x, y in zip(ia, ib)):
            return NameMatch(0.9, f"initials agree: {' '.join(ia)} / {' '.join(ib)} {wa[-1]}")
    score = fuzz.token_sort_ratio(" ".join(fa), " ".join(fb))
    if len(wa) >= 2 and len(wb) >= 2:
        # Given names against given names and surname against surname, in either order.
        ga, gb = " ".join(map(_formal, wa[:-1])), " ".join(map(_formal, wb[:-1]))
        score = max(score, (fuzz.ratio(ga, gb) + fuzz.ratio(wa[-1], wb[-1])) / 2,
                    (fuzz.ratio(ga, " ".join(wb[1:])) + fuzz.ratio(wa[-1], _formal(wb[0]))) / 2)
    score /= 100
    return NameMatch(round(score, 2), f"similar spelling ({round(score * 100)}% alike)")


def best_person_match(name: tuple[object, object],
                      candidates: list[tuple[int, object, object]]) -> tuple[int, NameMatch] | None:
    """The best candidate ``(id, first, last)`` for ``name`` at or above ``REVIEW_FLOOR``, or None."""
    best: tuple[int, NameMatch] | None = None
    for cid, first, last in candidates:
        match = person_match(name, (first, last))
        if match.confidence >= REVIEW_FLOOR and (best is None or match.confidence > best[1].confidence):
            best = (cid, match)
    return best


# --- source lineage ---------------------------------------------------------------------------


def source_lineage(kind: str, layout: object = None, rep_id: object = None) -> str:
    """Where a snapshot's records come from, for telling apart people a user kept apart: one
    rep's LinkedIn exports (``rep:<id>``), one CRM (``crm:<vendor>``, a Salesforce report and a
    Salesforce Data Export are one CRM) or the referral list.

    >>> source_lineage("linkedin_connections", "2023+", 3), source_lineage("crm_contacts", "salesforce-export")
    ('rep:3', 'crm:salesforce')
    >>> source_lineage("referrals", "manual")
    'referrals'
    """
    if kind.startswith("linkedin_"):
        return f"rep:{int(rep_id)}" if rep_id is not None and rep_id == rep_id else "rep:?"
    if kind.startswith("crm_"):
        vendor = str(layout or "").split("-")[0].split()[0] if str(layout or "").strip() else ""
        return f"crm:{vendor}"
    return kind
