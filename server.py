"""Tuyến & Điểm nóng — the server: ``streamlit run server.py``.

The dashboard itself is ``app.py`` (Streamlit pages); this file puts the sign-in gate in front of it
(``geo.auth.web``: the sign-in page, the session cookie, every request checked). Serving on
127.0.0.1 by default (``.streamlit/config.toml``); see the README to serve a network behind TLS.
"""
import streamlit as st

from geo.auth import web

app = st.App("app.py", routes=web.routes(), middleware=web.middleware())
