"""Administration (admins only): accounts, roles and province scopes; the audit trail (read-only)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from geo.i18n.escape import md
from geo.auth import ROLES, accounts, audit
from geo.i18n import t
from geo.i18n import data_tables as D
from geo.i18n.auth import AUDIT_ACTIONS, AUDIT_OUTCOMES, AUTH, audit_label, ta

ui.require_right("users")
me = ui.user()
lg = ui.lang()
st.title(ta("page_admin", lg))
tab_users, tab_audit = st.tabs([ta("users", lg), ta("audit_trail", lg)])


def _province_options() -> dict[str, str]:
    from geo.admin.cache import load_layer

    frame = load_layer("provinces_pre2025", "national").sort_values("prov_name_vi")
    return dict(zip(frame["code"].astype(str), frame["prov_name_vi"].astype(str)))


PROVINCES = _province_options()

with tab_users:
    frame = accounts.list_users()
    shown = frame.copy()
    shown["role"] = [ui.role_label(r, lg) for r in shown["role"]]
    shown["provinces"] = [ui.scope_names(tuple(p for p in (v or "").split(",") if p)) or t("whole_country", lg)
                          for v in shown["provinces"]]
    shown["auth"] = [ta(f"auth_{a}", lg) if f"auth_{a}" in AUTH else a for a in shown["auth"]]
    shown["display_name"] = shown["display_name"].fillna("")
    yes_no = {True: t("yes", lg), False: t("no", lg)}
    for c in ("disabled", "must_change_password"):
        shown[c] = [yes_no[bool(v)] for v in shown[c]]
    for c in ("locked_until", "created_at"):  # dd/mm/yyyy hh:mm, '' for none (the Data page's cell format)
        shown[c] = [D.cell(pd.Timestamp(v).to_pydatetime() if v is not None and not pd.isna(v) else None, lg)
                    for v in shown[c]]
    shown.columns = [ta(f"col_{c}", lg) for c in shown.columns]
    st.dataframe(shown, hide_index=True, width="stretch")

    st.subheader(ta("add_user", lg))
    with st.form("add_user", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        username = c1.text_input(ta("username", lg))
        display = c2.text_input(ta("display_name", lg))
        role = c3.selectbox(ta("role", lg), ROLES, format_func=lambda r: ui.role_label(r, lg))
        provinces = st.multiselect(ta("provinces", lg), list(PROVINCES), format_func=PROVINCES.get,
                                   placeholder=t("choose", lg))
        submitted = st.form_submit_button(ta("add_user", lg))
    if submitted:
        try:
            new, temp = accounts.add_user(username, role, provinces, display, by=me.username,
                                          address=ui.client_address())
            st.success(ta("done", lg))
            if temp:
                st.info(ta("temp_password", lg, user=md(new.username), pw=temp))
        except accounts.AuthError as exc:
            st.error(ta(exc.code, lg, **{k: md(v) for k, v in exc.info.items()}))

    if len(frame):
        st.subheader(ta("change_user", lg))
        who = st.selectbox(ta("account", lg), frame["username"].tolist(), key="admin_who")
        row = frame.set_index("username").loc[who]
        with st.form("change_user"):
            c1, c2 = st.columns(2)
            new_role = c1.selectbox(ta("role", lg), ROLES, index=ROLES.index(row["role"]),
                                    format_func=lambda r: ui.role_label(r, lg))
            current = [p for p in (row["provinces"] or "").split(",") if p]
            new_provinces = c2.multiselect(ta("provinces", lg), list(PROVINCES), default=current, placeholder=t("choose", lg),
                                           format_func=PROVINCES.get)
            action = st.radio(ta("apply", lg), ["keep", "disable", "enable", "reset"], horizontal=True, label_visibility="collapsed",
                              format_func=lambda a: {"keep": ta("apply", lg), "disable": ta("disable", lg),
                                                     "enable": ta("enable", lg), "reset": ta("reset_password", lg)}[a])
            go = st.form_submit_button(ta("apply", lg))
        if go:
            address = ui.client_address()
            try:
                if new_role != row["role"]:
                    accounts.set_role(who, new_role, by=me.username, address=address)
                if sorted(new_provinces) != sorted(current):
                    accounts.set_scope(who, new_provinces, by=me.username, address=address)
                if action in ("disable", "enable"):
                    accounts.set_disabled(who, action == "disable", by=me.username, address=address)
                elif action == "reset":
                    temp = accounts.reset_password(who, by=me.username, address=address)
                    st.info(ta("temp_password", lg, user=md(who), pw=temp))
                st.success(ta("done", lg))
            except accounts.AuthError as exc:
                st.error(ta(exc.code, lg, **{k: md(v) for k, v in exc.info.items()}))

with tab_audit:
    st.caption(ta("audit_note", lg))
    c1, c2 = st.columns(2)
    action = c1.selectbox(ta("col_action", lg), [None, *audit.ACTIONS],
                          format_func=lambda a: "—" if a is None else audit_label(AUDIT_ACTIONS, a, lg))
    who = c2.text_input(ta("username", lg), key="audit_who").strip().lower() or None
    trail = audit.entries(limit=1000, action=action, username=who)
    trail["action"] = [audit_label(AUDIT_ACTIONS, a, lg) for a in trail["action"]]
    trail["outcome"] = [audit_label(AUDIT_OUTCOMES, o, lg) for o in trail["outcome"]]
    trail["at"] = [pd.Timestamp(v).strftime("%d/%m/%Y %H:%M:%S") for v in trail["at"]]
    trail = trail.astype(object).where(trail.notna(), "")
    trail.columns = [ta(f"col_{c}", lg) for c in trail.columns]
    st.dataframe(trail, hide_index=True, width="stretch")
