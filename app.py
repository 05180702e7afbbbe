"""relmap dashboard: ``streamlit run app.py``. Only a router over the pages in relmap/ui/."""

import streamlit as st

from relmap.ui import account, at_risk, champions, data, overview, person, team_map, upload
from relmap.ui import map as map_page

st.set_page_config(page_title="relmap", layout="wide")
st.navigation({
    "Leadership": [
        st.Page(overview.page, title="Overview", url_path="overview", default=True),
        st.Page(champions.page, title="Champions moved", url_path="champions"),
        st.Page(at_risk.page, title="At-risk accounts", url_path="at-risk"),
    ],
    "Explore": [
        st.Page(account.page, title="Account", url_path="account"),
        st.Page(person.page, title="Person", url_path="person"),
        st.Page(map_page.page, title="Map", url_path="map"),
        st.Page(team_map.page, title="Team map", url_path="team-map"),
    ],
    "Data": [
        st.Page(upload.page, title="Upload", url_path="upload"),
        st.Page(data.page, title="Data", url_path="data"),
    ],
}).run()
