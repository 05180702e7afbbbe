"""relmap dashboard: ``streamlit run app.py``. Only a router over the pages in relmap/ui/."""

import streamlit as st

from relmap.ui import map as map_page
from relmap.ui import upload

st.set_page_config(page_title="relmap", layout="wide")
st.navigation([
    st.Page(upload.page, title="Upload", url_path="upload", default=True),
    st.Page(map_page.page, title="Map", url_path="map"),
]).run()
