"""Property tests over hostile input: arbitrary bytes, CSV-like text and zips give parsed
files or a ``RejectedFile`` naming the file, never another exception; ``import_bytes``
never raises at all and answers every file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relmap.importer import import_bytes
from relmap.ingest import parse_bytes
from relmap.model import ParsedFile, RejectedFile
from relmap.store import Store
from tests.hostile.corpus import CONN_HEADER, zip_bytes

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(["Connections.csv", "contacts.csv", "export.zip", "accounts.xlsx", "data.txt", "x"])
HEADERS = [CONN_HEADER, "First Name,Last Name,Email,Title,Account Name", "Account Name,Website,Type",
           "Opportunity Name,Stage,Amount,Close Date,Account Name", "Referrer,Referred,Company",
           "CONVERSATION ID,FROM,TO,DATE,SUBJECT,CONTENT", ""]
#: CSV-ish text: delimiters, quotes, line ends, NUL, BOM, formula and markup characters.
CSV_TEXT = st.lists(st.one_of(st.sampled_from(list('ab Zé,;\t"\'\n\r\x00\ufeff=+-@<>/.0123456789')),
                              st.sampled_from(["01 Jan 2024", "Ann", "Lee", ",,,,,,", "\r\n", '""'])),
                    max_size=120).map("".join)


def _check_parse(name: str, data: bytes) -> None:
    try:
        results = parse_bytes(name, data)
    except RejectedFile as exc:
        assert Path(name).name in str(exc), str(exc)
        return
    assert results
    for parsed in results:
        assert isinstance(parsed, ParsedFile)
        if parsed.rejection:
            assert parsed.problems and Path(name).name in parsed.problems[0].message
            continue
        assert parsed.rows_read >= len(parsed.frame) + parsed.hidden_rows
        assert all(p.line > 0 and p.message for p in parsed.problems)
        for column in parsed.frame.columns:
            assert not any(isinstance(v, str) and "\x00" in v for v in parsed.frame[column]), column


@SETTINGS
@given(name=NAMES, data=st.binary(min_size=0, max_size=3000))
def test_arbitrary_bytes_parse_or_are_rejected_by_name(name, data):
    _check_parse(name, data)


@SETTINGS
@given(name=NAMES, data=st.binary(min_size=0, max_size=600),
       magic=st.sampled_from([b"PK\x03\x04", b"PK\x05\x06", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf",
                              b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0"]))
def test_bytes_behind_a_magic_number_parse_or_are_rejected(name, data, magic):
    _check_parse(name, magic + data)


@SETTINGS
@given(name=NAMES, header=st.sampled_from(HEADERS), body=CSV_TEXT,
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
def test_csv_like_text_parses_or_is_rejected(name, header, body, encoding):
    text = f"{header}\n{body}" if header else body
    _check_parse(name, text.encode(encoding, errors="replace"))


MEMBER_NAMES = st.one_of(
    st.sampled_from(["Connections.csv", "../../x.csv", "/etc/x.csv", "a/b/c/messages.csv", "Profile.csv",
                     "inner.zip", ".hidden.csv", "dir/", "Positions.csv", "C:\\evil\\x.csv"]),
    st.text(alphabet=st.sampled_from(list("ab./\\:")), min_size=1, max_size=12))


@SETTINGS
@given(members=st.dictionaries(MEMBER_NAMES, st.one_of(st.binary(max_size=300),
                                                       st.builds(lambda h, b: (h + "\n" + b).encode(),
                                                                 st.sampled_from(HEADERS), CSV_TEXT)),
                               max_size=5),
       stored=st.booleans())
def test_random_zips_parse_or_are_rejected(members, stored):
    data = zip_bytes(members, method=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    _check_parse("export.zip", data)


@SETTINGS
@given(members=st.dictionaries(st.sampled_from(["Connections.csv", "Profile.csv", "x.csv"]),
                               st.binary(max_size=200), min_size=1, max_size=3),
       cut=st.integers(0, 400), junk=st.binary(max_size=40))
def test_damaged_zips_parse_or_are_rejected(members, cut, junk):
    data = zip_bytes(members)
    at = min(cut, len(data))
    _check_parse("export.zip", data[:at] + junk + data[at + len(junk):])


STORE = Store("sqlite://")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, data=st.one_of(st.binary(max_size=1500),
                                  st.builds(lambda h, b: (h + "\n" + b).encode(), st.sampled_from(HEADERS),
                                            CSV_TEXT),
                                  st.builds(lambda m, b: m + b, st.sampled_from([b"PK\x03\x04", b"PK\x05\x06"]),
                                            st.binary(max_size=300)),
                                  st.builds(lambda d, n: zip_bytes(d)[:n], st.dictionaries(
                                      st.sampled_from(["Connections.csv", "manifest.json", "x.csv"]),
                                      st.binary(max_size=100), max_size=3), st.integers(0, 600))),
       owner=st.sampled_from([None, "Hal Hostile"]))
def test_import_bytes_never_raises(name, data, owner):
    results = import_bytes(STORE, name, data, owner=owner)
    assert results
    for r in results:
        assert r.status in ("imported", "unchanged", "rejected")
        if r.status == "rejected":
            assert r.problems and r.problems[0].message
            assert r.snapshot_id is None


def test_the_properties_reach_the_parsers():
    """The generated text must often parse (not only be rejected), or the properties prove little."""
    parsed = 0
    for body in ("Ann,Lee,,,Acme,CTO,01 Jan 2024", 'Ann,"Lee, Jr",,,Acme,CTO,01 Jan 2024\n,,,,,,01 Jan 2024'):
        [p] = parse_bytes("Connections.csv", f"{CONN_HEADER}\n{body}\n".encode())
        parsed += len(p.frame)
    assert parsed == 2
    data = io.BytesIO(zip_bytes({"../../Connections.csv": f"{CONN_HEADER}\nA,B,,,C,D,01 Jan 2024\n".encode()}))
    [p] = parse_bytes("export.zip", data.getvalue())
    assert p.path == "export.zip/Connections.csv" and len(p.frame) == 1
