"""The synthetic team generator: real formats, realistic shapes, deterministic for a seed."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import numpy as np
import pandas as pd
import pytest

from relmap import identity
from relmap.generate import connections_csv, connections_layout, generate_team, write_team
from relmap.ingest import parse_bytes


@pytest.fixture(scope="module")
def team():
    return generate_team(reps=6, connections=400, snapshots=2, seed=11)


@pytest.fixture(scope="module")
def written(team, tmp_path_factory):
    out = tmp_path_factory.mktemp("team")
    return out, write_team(team, out)


def _read_csv_after_preamble(data: bytes, encoding: str = "utf-8") -> pd.DataFrame:
    text = data.decode(encoding)
    lines = text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if "First Name" in line and "Connected On" in line)
    delimiter = ";" if lines[header_at].count(";") > lines[header_at].count(",") else ","
    return pd.read_csv(io.StringIO("\n".join(lines[header_at:])), sep=delimiter, dtype=str, keep_default_na=False)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = write_team(generate_team(reps=2, connections=80, seed=3), tmp_path / "a")
    write_team(generate_team(reps=2, connections=80, seed=3), tmp_path / "b")
    write_team(generate_team(reps=2, connections=80, seed=4), tmp_path / "c")
    for entry in a:
        assert (tmp_path / "a" / entry["path"]).read_bytes() == (tmp_path / "b" / entry["path"]).read_bytes()
    conn_a = (tmp_path / "a" / a[0]["path"]).read_bytes()
    c_files = sorted((tmp_path / "c" / "linkedin").rglob("Connections_*.csv"))
    assert all(conn_a != f.read_bytes() for f in c_files)


def test_manifest_lists_every_file_with_owner_and_date(team, written):
    out, manifest = written
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert files == {e["path"] for e in manifest}
    linkedin = [e for e in manifest if e["kind"].startswith("linkedin")]
    assert len(linkedin) == 6 * 2
    assert {e["owner"] for e in linkedin} == set(team.reps["name"])
    kinds = {e["kind"] for e in manifest}
    assert {"crm_accounts", "crm_contacts", "crm_opportunities", "referrals", "linkedin_archive"} <= kinds


def test_connections_rows_match_ground_truth_and_hidden_rows(team):
    rep, snap = 0, 1
    data = connections_csv(team, rep, snap, team.snapshot_dates[snap], seed=team.seed)
    frame = _read_csv_after_preamble(data)
    assert list(frame.columns) == ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                                   "Connected On"]
    truth = team.connections[(team.connections.rep_id == rep) & (team.connections.snapshot == snap)]
    assert len(frame) == len(truth)
    hidden = team.people["hidden"].to_numpy()[truth["person_id"].to_numpy()]
    blank = (frame[["First Name", "Last Name", "URL", "Company"]] == "").all(axis=1).to_numpy()
    assert (blank == hidden).all() and hidden.sum() > 0
    assert (frame.loc[~blank, "Connected On"].str.match(r"^\d\d [A-Z][a-z]{2} \d{4}$")).all()
    # Every visible URL normalises to the person's slug (http/https, subdomains, query strings, %-encoding).
    slugs = team.people["slug"].to_numpy(object)[truth["person_id"].to_numpy()[~hidden]]
    urls = frame.loc[~blank, "URL"].map(identity.normalise_profile_url)
    assert (urls.to_numpy() == np.array(["linkedin.com/in/" + s.lower() for s in slugs], dtype=object)).all()


def test_parser_on_main_counts_the_hidden_rows_exactly(team):
    data = connections_csv(team, 1, 1, team.snapshot_dates[1], seed=team.seed)
    parsed = parse_bytes("Connections.csv", data)[0]
    truth = team.connections[(team.connections.rep_id == 1) & (team.connections.snapshot == 1)]
    hidden = int(team.people["hidden"].to_numpy()[truth["person_id"].to_numpy()].sum())
    assert parsed.hidden_rows == hidden
    assert len(parsed.frame) == len(truth) - hidden
    assert not parsed.problems


@pytest.mark.parametrize("file_date, layout, header", [
    (date(2024, 12, 9), "2023+", "First Name,Last Name,URL,Email Address,Company,Position,Connected On"),
    (date(2021, 12, 1), "2020-2023", "First Name,Last Name,Email Address,Company,Position,Connected On"),
    (date(2019, 5, 1), "2018-2020", "First Name,Last Name,Email Address,Company,Position,Connected On"),
    (date(2016, 12, 22), "2016-2017",
     "First Name,Last Name,Email Address,Current Company,Current Position,Tags,Connected On"),
])
def test_each_vintage_has_its_header_and_preamble(team, file_date, layout, header):
    assert connections_layout(file_date) == layout
    text = connections_csv(team, 0, 0, file_date, seed=1).decode("utf-8")
    lines = text.split("\n")
    if layout in ("2023+", "2020-2023"):
        assert lines[0] == "Notes:" and lines[1].startswith('"When exporting') and lines[2] == ""
        assert lines[3] == header
    else:
        assert lines[0] == header


def test_excel_resave_is_cp1252_with_padded_notes_and_rewritten_dates(team):
    data = connections_csv(team, 2, 0, date(2025, 3, 1), resaved=True, seed=5)
    assert any(b > 127 for b in data)  # accented names, in Windows-1252
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    first = text.split("\r\n")[0]
    assert first.startswith("Notes:") and set(first[len("Notes:"):]) in ({","}, {";"})
    assert "\r\n" in text
    frame = _read_csv_after_preamble(data, "cp1252")
    dates = frame["Connected On"]
    assert dates.str.match(r"^(\d\d-[A-Z][a-z]{2}-\d\d|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d\d-\d\d)$").all()
    parsed = parse_bytes("Connections.csv", data)[0]
    assert parsed.frame["connected_on"].notna().all()


def test_archive_holds_profile_positions_messages_and_connections(team, written):
    out, manifest = written
    entry = next(e for e in manifest if e["kind"] == "linkedin_archive")
    assert entry["path"].endswith(f"Basic_LinkedInDataExport_{date.fromisoformat(entry['as_of']):%m-%d-%Y}.zip")
    with zipfile.ZipFile(out / entry["path"]) as z:
        names = set(z.namelist())
        assert names == {"Connections.csv", "Profile.csv", "Positions.csv", "messages.csv"}
        profile = pd.read_csv(z.open("Profile.csv"), dtype=str, keep_default_na=False)
        assert profile.loc[0, "First Name"] + " " + profile.loc[0, "Last Name"] == entry["owner"]
        positions = pd.read_csv(z.open("Positions.csv"), dtype=str, keep_default_na=False)
        assert list(positions.columns) == ["Company Name", "Title", "Description", "Location", "Started On",
                                           "Finished On"]
        assert (positions["Finished On"] == "").sum() == 1
        messages = pd.read_csv(z.open("messages.csv"), dtype=str, keep_default_na=False)
        assert list(messages.columns)[:10] == ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL",
                                               "TO", "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"]
        assert messages["DATE"].str.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$").all()
        assert (messages["FROM"] == entry["owner"]).any() and (messages["TO"] == entry["owner"]).any()
        assert (pd.to_datetime(messages["DATE"].str[:10]) <= pd.Timestamp(entry["as_of"])).all()


def test_crm_exports_have_report_headers_footer_and_roles(team, written):
    out, manifest = written
    sf = (out / next(e["path"] for e in manifest if e["kind"] == "crm_contacts" and e["layout"] == "salesforce"))
    text = sf.read_text(encoding="utf-8")
    assert text.startswith("First Name,Last Name,Email,Title,Account Name,Contact Role")
    assert f'"Grand Totals ({len(team.crm_contacts)} records)"' in text
    assert '"Confidential Information - Do Not Distribute"' in text
    rows = list(csv.reader(io.StringIO(text)))[1:1 + len(team.crm_contacts)]
    assert "Champion" in {r[5] for r in rows}
    hs = out / next(e["path"] for e in manifest if e["kind"] == "crm_accounts" and e["layout"] == "hubspot")
    raw = hs.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfRecord ID,Company name,Company Domain Name,Lifecycle Stage") and b"\r\n" in raw
    accounts = pd.read_csv(hs, encoding="utf-8-sig")
    assert set(accounts["Lifecycle Stage"]) <= {"customer", "opportunity", "lead", "other"}
    assert (accounts["Lifecycle Stage"] == "customer").any()


def test_referrals_csv_header_and_people(team, written):
    out, _ = written
    frame = pd.read_csv(out / "referrals.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["Referrer", "Referred", "Date", "Note", "Company"]
    assert len(frame) == len(team.referrals) > 0
    assert frame["Referred"].str.startswith("https://www.linkedin.com/in/").any()


def test_moves_follow_the_monthly_rate_and_some_land_at_accounts():
    team = generate_team(reps=4, connections=3000, snapshots=2, seed=5, move_rate=0.02, months_between=12)
    moves = team.moves()
    share = len(moves) / len(team.people)
    expected = 1 - (1 - 0.02) ** 12
    assert abs(share - expected) < 0.02
    accounts = set(team.companies.loc[team.companies.is_account, "company_id"])
    assert moves["to_company"].isin(accounts).mean() > 0.15
    assert (moves["from_company"] != moves["to_company"]).all()


def test_realistic_shapes_heavy_tails_overlap_seniority_variants(team):
    current = team.employments[team.employments.snapshot == 0]
    sizes = current.groupby("company_id").size().sort_values(ascending=False)
    assert sizes.iloc[0] > 10 * sizes.median()  # heavy tail
    per_person = team.connections[team.connections.snapshot == 1].groupby("person_id")["rep_id"].nunique()
    assert (per_person > 1).sum() > 0  # reps overlap on some contacts
    assert current["title"].str.contains(r"^(?:VP|SVP|Chief)|Director", regex=True).any()
    assert current["title"].str.contains("Senior").any()
    # Spelling variants of one company share its key.
    texts = current.groupby("company_id")["company_text"].unique()
    varied = texts[texts.map(len) > 1]
    assert len(varied) > 0
    for spellings in varied.head(20):
        assert len({identity.company_key(t) for t in spellings}) == 1
    assert team.people["first_name"].map(lambda s: not s.isascii()).any()  # accents


def test_invalid_sizes_are_refused():
    with pytest.raises(ValueError, match="at least 1"):
        generate_team(reps=0, connections=10)


def test_generated_team_imports_with_no_problems_and_exact_hidden_counts(tmp_path, sqlite_store):
    from relmap.importer import import_paths
    from relmap.team_frames import file_date

    # Seed 36: legacy exports of three vintages (2018, 2018-2020, 2020-2023) and Excel re-saves.
    team = generate_team(reps=6, connections=150, snapshots=2, seed=36)
    layouts = {connections_layout(d) for d in team.reps["legacy_date"].dropna()}
    assert {"2018", "2018-2020", "2020-2023"} <= layouts and team.reps["resaved"].any()
    manifest = write_team(team, tmp_path)
    slugs = list(team.reps["slug"])
    checked = 0
    for entry in manifest:
        results = import_paths(sqlite_store, [tmp_path / entry["path"]], owner=entry["owner"],
                               as_of=date.fromisoformat(entry["as_of"]))
        for r in results:
            assert r.status == "imported" and not r.problems, (entry["path"], [p.message for p in r.problems])
            if r.kind == "linkedin_connections":
                rep = next(i for i, s in enumerate(slugs) if f"/{s}/" in entry["path"])
                snapshot = 1 if entry["kind"] == "linkedin_archive" else 0
                assert file_date(team, rep, snapshot).date().isoformat() == entry["as_of"]
                c = team.connections
                pids = c.loc[(c.rep_id == rep) & (c.snapshot == snapshot), "person_id"].to_numpy()
                assert r.rows_read == len(pids)
                assert r.hidden_rows == int(team.people["hidden"].to_numpy()[pids].sum())
                # Without a URL column, namesakes at one company are one person (name + company match).
                visible = pids[~team.people["hidden"].to_numpy()[pids]]
                if entry["layout"].startswith("2023+"):
                    expected = len(set(visible))
                else:
                    state = team.employments[team.employments.snapshot == snapshot].set_index("person_id")
                    expected = len({(identity.name_key(team.people.first_name[p], team.people.last_name[p]),
                                     identity.company_key(state.company_text[p])) for p in visible})
                assert r.records_imported == expected
                checked += 1
    assert checked == 12
