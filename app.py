"""Tuyến & Điểm nóng — the Streamlit pages. Served by ``streamlit run server.py`` (the sign-in gate in
front of every request, see ``gate.py``); every run checks the signed-in user first."""
from __future__ import annotations

import streamlit as st

import ui
from geo.i18n import t

st.set_page_config(page_title="Tuyến & Điểm nóng", page_icon="🗺️", layout="wide")

ui.responsive_css()
lg = ui.lang()
user = ui.user()  # no user: a way to the sign-in page and nothing else
ui.require_password_change(user)
pages = [
    st.Page("pages/tong_quan.py", title=t("page_overview", lg), icon=":material/dashboard:", url_path="tong-quan",
            default=True),
    st.Page("pages/bien_gioi.py", title=t("page_borders", lg), icon=":material/route:", url_path="bien-gioi"),
    st.Page("pages/diem_nong.py", title=t("page_hotspots", lg), icon=":material/local_fire_department:",
            url_path="diem-nong"),
    st.Page("pages/phong_ngua.py", title=t("page_prevention", lg), icon=":material/shield:", url_path="phong-ngua"),
    st.Page("pages/huyen.py", title=t("page_district", lg), icon=":material/location_city:", url_path="huyen"),
    st.Page("pages/ban_do.py", title=t("page_map", lg), icon=":material/map:", url_path="ban-do"),
    st.Page("pages/du_lieu.py", title=t("page_data", lg), icon=":material/database:", url_path="du-lieu"),
]
if user.can("users"):
    from geo.i18n.auth import ta

    pages.append(st.Page("pages/quan_tri.py", title=ta("page_admin", lg), icon=":material/admin_panel_settings:",
                         url_path="quan-tri"))
navigation = st.navigation(pages)
st.sidebar.markdown(f"### {t('app_title', lg)}\n{t('app_subtitle', lg)}")
ui.language_switch()
ui.account_panel(user)
navigation.run()
