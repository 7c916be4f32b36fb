"""Tuyến & Điểm nóng — entry point: ``streamlit run app.py``."""
from __future__ import annotations

import streamlit as st

import ui
from geo.i18n import t

st.set_page_config(page_title="Tuyến & Điểm nóng", page_icon="🗺️", layout="wide")

lg = ui.lang()
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
navigation = st.navigation(pages)
st.sidebar.markdown(f"### {t('app_title', lg)}\n{t('app_subtitle', lg)}")
ui.language_switch()
navigation.run()
