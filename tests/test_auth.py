"""Serving a team: the shared password gate (RELMAP_PASSWORD) and Streamlit's OIDC login gate,
checked by app.py before any page runs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import relmap.ui.auth as auth
from relmap.store import Store
from tests.dash_data import load_two_snapshots

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A store with names in it, served by app.py."""
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("RELMAP_DATABASE_URL", url)
    monkeypatch.delenv("RELMAP_PASSWORD", raising=False)
    monkeypatch.delenv("RELMAP_ALLOWED_EMAILS", raising=False)
    monkeypatch.setattr(auth, "_WRONG_PASSWORD_DELAY", 0.0)
    store = Store(url)
    load_two_snapshots(store)
    store.engine.dispose()
    return url


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _everything(at: AppTest) -> str:
    """All text the run drew (titles, markdown, tables, widgets' labels)."""
    parts = [e.value for kind in ("title", "markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind)]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [w.label for w in [*at.text_input, *at.button, *at.selectbox]]
    return "\n".join(str(p) for p in parts)


def _only_the_gate(at: AppTest) -> None:
    text = _everything(at)
    assert [t.value for t in at.title] == ["relmap"]
    assert "Overview" not in text and not at.dataframe and not at.selectbox
    assert "Byron" not in text and "Ada" not in text and "ACME" not in text


def test_no_password_set_opens_the_pages(served):
    at = _app().run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert not [w for w in at.text_input if w.label == "Team password"]


def test_password_set_shows_only_the_form(served, monkeypatch):
    monkeypatch.setenv("RELMAP_PASSWORD", PASSWORD)
    at = _app().run()
    assert not at.exception
    _only_the_gate(at)
    [field] = at.text_input
    assert field.label == "Team password" and field.proto.type == field.proto.PASSWORD


def test_wrong_password_shows_an_error_and_no_page(served, monkeypatch, caplog):
    monkeypatch.setenv("RELMAP_PASSWORD", PASSWORD)
    at = _app().run()
    with caplog.at_level(logging.DEBUG):
        at.text_input[0].input("hunter2")
        at.button[0].click().run()
    assert not at.exception
    assert "Wrong password" in at.error[0].value
    _only_the_gate(at)
    assert "hunter2" not in caplog.text and PASSWORD not in caplog.text


def test_right_password_opens_the_pages_and_lock_closes_them(served, monkeypatch, caplog):
    monkeypatch.setenv("RELMAP_PASSWORD", PASSWORD)
    at = _app().run()
    with caplog.at_level(logging.DEBUG):
        at.text_input[0].input(PASSWORD)
        at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(at.session_state.to_dict()), "the password stays in the session"
    at.run()  # the session stays open
    assert at.title[0].value == "Overview"
    monkeypatch.setenv("RELMAP_PASSWORD", "a new password")  # a changed password locks everyone out
    at.run()
    _only_the_gate(at)


def test_lock_button_asks_again(served, monkeypatch):
    monkeypatch.setenv("RELMAP_PASSWORD", PASSWORD)
    at = _app().run()
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    at.sidebar.button(key="relmap-lock").click().run()
    assert not at.exception
    _only_the_gate(at)


OIDC = {"redirect_uri": "https://relmap.example.com/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "relmap", "client_secret": "s", "server_metadata_url":
        "https://login.example.com/.well-known/openid-configuration"}


def test_oidc_configured_asks_to_log_in(served):
    at = _app()
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    _only_the_gate(at)
    assert [b.label for b in at.button] == ["Log in"]


def test_oidc_logged_in_user_sees_the_pages_unless_not_allowed(served, monkeypatch):
    at = _app()
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "email": "ana@example.com", "name": "Ana"}
    at.run()
    assert not at.exception and at.title[0].value == "Overview"
    monkeypatch.setenv("RELMAP_ALLOWED_EMAILS", "@example.com, bob@other.org")
    at.run()
    assert at.title[0].value == "Overview"
    monkeypatch.setenv("RELMAP_ALLOWED_EMAILS", "@other.org")
    at.run()
    _only_the_gate(at)
    assert "not allowed" in at.error[0].value and [b.label for b in at.button] == ["Log out"]
