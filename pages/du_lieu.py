"""Data: import files (validated, all-or-nothing), templates, import history with undo, sources."""
from __future__ import annotations

import streamlit as st

import ui
from geo.i18n.escape import md
from geo.admin import attribution
from geo.data import facts, importer, store
from geo.data import schema as S
from geo.i18n import t

ERRORS_SHOWN = 200
lg = ui.lang()
me = ui.user()
may_import = me.can("import")
scope = me.provinces or None
st.title(t("page_data", lg))
ui.demo_notice()
esc = md

tab_import, tab_templates, tab_history, tab_sources = st.tabs(
    [t("data_import", lg), t("data_templates", lg), t("data_history", lg), t("sources", lg)])

with tab_import:
    st.caption(t("data_import_help", lg))
    if not may_import:
        from geo.i18n.auth import ta

        st.info(ta("no_right", lg, role=ui.role_label(me.role, lg)))
    elif scope:
        from geo.i18n.auth import ta

        st.caption(ta("scope_some", lg, names=esc(ui.scope_names(me.provinces))))
    upload = None if not may_import else st.file_uploader(t("data_choose_file", lg), type=["csv", "xlsx", "txt"], key="data_upload")
    kinds = [None] + list(S.IMPORT_KINDS)
    kind = st.selectbox(t("data_kind", lg), kinds, key="data_kind",
                        format_func=lambda k: t("data_kind_auto", lg) if k is None
                        else (S.IMPORT_KINDS[k].en if lg == "en" else S.IMPORT_KINDS[k].vi))
    if upload is not None:
        data = upload.getvalue()
        report = importer.validate_file(data, filename=upload.name, kind=kind, scope=scope)
        if report.ok:
            st.success(esc(report.summary(lg)))
            preview = report.records_frame()
            if not preview.empty:
                st.dataframe(preview.head(50), hide_index=True, width="stretch")
            if st.button(t("data_do_import", lg), type="primary", key="data_do_import"):
                done = importer.import_file(data, filename=upload.name, kind=kind, origin="page", user=me.username,
                                            scope=scope, address=ui.client_address())
                (st.success if done.ok else st.error)(esc(done.summary(lg)))
        else:
            if st.session_state.get("_audited_rejection") != upload.file_id:  # a refused file is recorded once
                importer.audit_import(report, me.username, ui.client_address(), None)
                st.session_state["_audited_rejection"] = upload.file_id
            st.error(esc(report.summary(lg)))
            errors = report.errors_frame(lg)[["file", "row", "column", "value", "reason", "suggestions"]]
            errors.columns = [t(f"err_{c}", lg) for c in errors.columns]
            shown = errors.head(ERRORS_SHOWN).fillna("").astype(str).map(esc)  # st.table renders Markdown
            shown.columns = [esc(c) for c in shown.columns]
            st.table(shown.set_index(shown.columns[0]))  # plain table: readable, copyable, printable
            if len(errors) > ERRORS_SHOWN:
                st.download_button(t("data_all_errors", lg), store.export_csv_bytes(errors, lg),
                                   file_name=f"loi_{upload.name}.csv", mime="text/csv")
            st.info(t("data_nothing_written", lg))

with tab_templates:
    st.caption(t("data_templates_help", lg))
    for key, spec in S.IMPORT_KINDS.items():
        name = spec.en if lg == "en" else spec.vi
        cols = st.columns([3, 1, 1])
        cols[0].markdown(f"**{name}**")
        cols[1].download_button("CSV", importer.template_bytes(key, lg, "csv"),
                                file_name=importer.template_filename(key, lg, "csv"), mime="text/csv",
                                key=f"tpl_csv_{key}")
        cols[2].download_button("Excel", importer.template_bytes(key, lg, "xlsx"),
                                file_name=importer.template_filename(key, lg, "xlsx"),
                                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                key=f"tpl_xlsx_{key}")
    st.markdown(t("data_schema_doc", lg))

with tab_history:
    history = importer.list_imports().sort_values("id", ascending=False)  # newest first
    if history.empty:
        st.info(t("data_no_imports", lg))
    else:
        columns = ["id", "imported_at", "kind", "file_name", "n_rows", "rows_now", "user", "origin", "status",
                   "undone_at", "undone_by", "is_demo"]
        shown = history[[c for c in columns if c in history.columns]].copy()
        shown.columns = [t(f"hist_{c}", lg) for c in shown.columns]
        st.dataframe(shown, hide_index=True, width="stretch")  # who imported and who undid, by name
        active = history[history["status"] == "active"]
        if not active.empty and may_import:
            choice = st.selectbox(t("data_undo_which", lg), active["id"].tolist(),
                                  key=f"data_undo_id_{active['id'].max()}",  # newest import preselected
                                  format_func=lambda i: f"#{i} — {active.set_index('id').loc[i, 'file_name']}")
            if st.button(t("data_undo", lg), key="data_undo"):
                result = importer.undo_import(int(choice), user=me.username, scope=scope, address=ui.client_address())
                (st.success if result.ok else st.error)(esc(result.message(lg)))

with tab_sources:
    st.subheader(t("sources_boundaries", lg))
    for credit in attribution.CREDITS.values():
        caveat = credit.caveat(lg)
        st.markdown(f"- {credit.text(lg)} — {credit.licence}" + (f" — *{caveat}*" if caveat else ""))
    st.subheader(t("sources_facts", lg))
    st.caption(facts.CAVEATS["figures"][1 if lg == "en" else 0])
    figures = facts.figures()
    columns = [c for c in ("figure_id", "geography", "period_label", "metric", "value", "unit", "reporting_body",
                           "reliability", "source") if c in figures]
    st.dataframe(figures[columns], hide_index=True, width="stretch")
    src = facts.sources()
    st.dataframe(src, hide_index=True, width="stretch")
