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

_PROFILE_RE = re.compile(r"linkedin\.com/(in|pub)/([^/?#\s]+)", re.IGNORECASE)


def fold(text: str) -> str:
    """Lowercase ``text`` and strip accents: ``"Jörg"`` -> ``"jorg"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def clean_text(value: object) -> str | None:
    """Strip a cell; return None for empty and placeholder cells (``null``, ``--``, ``N/A``)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).replace("\x00", "").strip()
    if not text or text.lower() in {"null", "none", "nan", "--", "-", "n/a", "na", "#n/a"}:
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
    text = re.sub(r"[^\w\s]", " ", text)
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
    words = re.sub(r"[^\w\s]", " ", fold(parts)).split()
    return " ".join(sorted(words)) or None


def full_name(first: object, last: object = None) -> str | None:
    """``"Jane" , "Doe"`` -> ``"Jane Doe"``; None when both are empty."""
    parts = [t for t in (clean_text(first), clean_text(last)) if t]
    return " ".join(parts) or None


def normalise_profile_urls(urls: pd.Series) -> pd.Series:
    """Vectorised ``normalise_profile_url`` over a column (None where not a profile).

    >>> normalise_profile_urls(pd.Series(["https://de.linkedin.com/in/J%C3%B6rg/", None, "x"])).tolist()
    ['linkedin.com/in/jörg', None, None]
    """
    text = urls.astype(object).where(urls.notna(), None).astype("str")
    parts = text.str.extract(_PROFILE_RE)
    slug = parts[1]
    encoded = slug.str.contains("%", regex=False).fillna(False).astype(bool)
    if encoded.any():
        slug = slug.astype(object)
        slug[encoded] = slug[encoded].map(unquote)
    slug = slug.astype("str").str.strip().str.lower()
    out = "linkedin.com/" + parts[0].str.lower() + "/" + slug
    ok = slug.notna() & slug.ne("")
    return out.astype(object).where(ok & out.notna(), None)
