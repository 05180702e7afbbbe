"""relmap dashboard: ``streamlit run app.py``. Only a router over the pages in relmap/ui/."""

import streamlit as st

from relmap.ui.auth import gate
from relmap.ui.nav import pages

st.set_page_config(page_title="relmap", layout="wide")
if gate():  # RELMAP_PASSWORD or an [auth] (OIDC) section: no page runs before login
    st.navigation(pages()).run()
