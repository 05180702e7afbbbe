"""Who may open the dashboard when it serves a team.

Two optional gates, checked by ``app.py`` before any page is drawn:

- **Streamlit's OIDC login**, when ``.streamlit/secrets.toml`` has an ``[auth]`` section:
  the visitor logs in with the identity provider (``st.login``); with
  ``RELMAP_ALLOWED_EMAILS`` set (``ana@example.com,@example.com``), only those addresses or
  domains get in.
- **A shared team password**, when ``RELMAP_PASSWORD`` is set: a form compares the entry with
  ``hmac.compare_digest``; the password is never logged, echoed or stored in the session
  (the session keeps a keyed digest, so changing the password locks everyone out).

With neither configured nothing changes (the default: the dashboard listens on 127.0.0.1 only).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import streamlit as st

from relmap import config

_SESSION_KEY = "relmap-auth"
_PROCESS_KEY = secrets.token_bytes(32)  # session tokens are valid for this server process only
_WRONG_PASSWORD_DELAY = 1.0  # seconds: slows guessing


def _token(password: str) -> str:
    return hmac.new(_PROCESS_KEY, password.encode("utf-8"), hashlib.sha256).hexdigest()


def oidc_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` configures Streamlit's OIDC login (an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _email_allowed(email: str | None) -> bool:
    allowed = config.allowed_emails()
    if not allowed:
        return True
    email = (email or "").strip().lower()
    return any(email == a or (a.startswith("@") and email.endswith(a)) for a in allowed)


def _oidc_gate() -> bool:
    if not st.user.is_logged_in:
        st.title("relmap")
        st.write("Log in with your company account to see the team's relationship map.")
        if st.button("Log in", key="relmap-login"):
            st.login()  # needs Authlib (pip install "streamlit[auth]")
        return False
    if not _email_allowed(st.user.get("email")):
        st.title("relmap")
        st.error("This account is not allowed to open relmap; ask the team's admin, or log in with "
                 "your work account.")
        if st.button("Log out", key="relmap-logout"):
            st.logout()
        return False
    return True


def _password_gate(expected: str) -> bool:
    token = _token(expected)
    if hmac.compare_digest(st.session_state.get(_SESSION_KEY, ""), token):
        if st.sidebar.button("Lock", key="relmap-lock", help="Ask for the team password again"):
            st.session_state.pop(_SESSION_KEY, None)
            st.rerun()
        return True
    st.title("relmap")
    with st.form("relmap-password-form", clear_on_submit=True):
        entered = st.text_input("Team password", type="password", key="relmap-password")
        submitted = st.form_submit_button("Open relmap")
    if submitted:
        digest = hashlib.sha256(entered.encode("utf-8")).digest()
        if hmac.compare_digest(digest, hashlib.sha256(expected.encode("utf-8")).digest()):
            st.session_state[_SESSION_KEY] = token
            st.rerun()
        time.sleep(_WRONG_PASSWORD_DELAY)
        st.error("Wrong password. Ask your team's admin for the relmap password.")
    return False


def gate() -> bool:
    """True when this visitor may see the pages; otherwise draws the login (OIDC) or password
    form and returns False (``app.py`` then stops before routing to any page)."""
    if oidc_configured() and not _oidc_gate():
        return False
    password = config.shared_password()
    if password and not _password_gate(password):
        return False
    return True
