"""relmap dashboard: ``streamlit run app.py``. Only a router over the pages in relmap/ui/."""

import streamlit as st

from relmap.ui.nav import pages

st.set_page_config(page_title="relmap", layout="wide")
st.navigation(pages()).run()
