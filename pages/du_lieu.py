"""Data: import files (validated, all-or-nothing; new files or cumulative updates), the overlaps the counting
rule finds (before anything is written, and the data-quality list with decisions), templates and the HTCDS
exchange, import history with undo, sources."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from geo.i18n.escape import md
from geo.admin import attribution
from geo.data import counting, facts, htcds, importer, store
from geo.data import schema as S
from geo.i18n import t
from geo.i18n import data_tables as D
from geo.i18n.data import COUNTING_RULE, DECISION_LABELS, STATUS_LABELS, overlap_kind_label, overlap_text, td

ERRORS_SHOWN = importer.MAX_LISTED  # every listed message (the first 1,000); the rest are counted
lg = ui.lang()
i = 1 if lg == "en" else 0
me = ui.user()
may_import = me.can("import")
scope = me.provinces or None
st.title(t("page_data", lg))
ui.demo_notice()
esc = md

tab_import, tab_quality, tab_templates, tab_history, tab_sources = st.tabs(
    [t("data_import", lg), td("tab_quality", lg), t("data_templates", lg), t("data_history", lg), t("sources", lg)])


def show_overlaps(items) -> None:
    """Overlaps as a plain table whose sentences wrap (st.table renders Markdown: text from the data is
    escaped)."""
    rows = [{esc(td("col_kind", lg)): esc(overlap_kind_label(o["kind"], lg)), esc(td("col_what", lg)): esc(overlap_text(o, lg))}
            for o in items]
    frame = pd.DataFrame(rows, columns=[esc(td("col_kind", lg)), esc(td("col_what", lg))])
    st.table(frame.set_index(frame.columns[0]))


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
    mode = "new"
    if may_import:
        mode = st.radio(td("mode", lg), importer.MODES, key="data_mode", horizontal=False, help=td("mode_help", lg),
                        format_func=lambda m: td("mode_" + m, lg))
    if upload is not None:
        data = upload.getvalue()
        check_key = (upload.file_id, kind, mode, scope, store.data_version())
        cached = st.session_state.get("_data_check")
        if cached is not None and cached[0] == check_key:  # widgets rerun the page: check a big file once
            report = cached[1]
        else:
            report = importer.validate_file(data, filename=upload.name, kind=kind, scope=scope, mode=mode)
            st.session_state["_data_check"] = (check_key, report)
        if report.ok:
            st.success(esc(report.summary(lg)))
            if report.count_status:
                parts = ", ".join(f"{n:,} {STATUS_LABELS.get(s, (s, s))[i]}" for s, n in report.count_status.most_common())
                st.caption(esc(td("counted_as", lg, parts=parts)) + " " + COUNTING_RULE["short"][i])
            if report.kind == "cases":
                st.subheader(td("overlaps_title", lg))
                if report.overlaps:
                    show_overlaps(report.overlaps[:200])
                    total = sum(report.overlap_counts.values())
                    if total > len(report.overlaps):
                        st.caption(td("overlaps_more", lg, shown=f"{min(len(report.overlaps), 200):,}", total=f"{total:,}"))
                else:
                    st.caption(td("overlaps_none", lg))
            changed = "ask"
            if mode == "update":
                c1, c2, c3 = st.columns(3)
                c1.metric(td("n_new", lg), f"{report.n_new:,}")
                c2.metric(td("n_unchanged", lg), f"{report.n_unchanged:,}")
                c3.metric(td("n_changed", lg), f"{report.n_changed:,}")
                if report.n_changed:
                    st.subheader(td("changed_title", lg))
                    frame = report.changed_frame(lg)
                    frame.columns = [td("ch_row", lg), td("ch_key", lg), td("ch_import", lg), td("ch_changes", lg)]
                    st.dataframe(frame, hide_index=True, width="stretch")
                    choice = st.radio(td("changed_choice", lg), ["replace", "keep"], index=None, key="data_changed",
                                      format_func=lambda c: td("changed_" + c, lg))
                    changed = choice or "ask"
            if report.warnings:
                with st.expander(f"{td('warnings_title', lg)} ({report.n_warnings_total:,})"):
                    st.dataframe(report.errors_frame(lg, include_warnings=True)[["row", "column", "value", "reason"]]
                                 .tail(len(report.warnings)), hide_index=True, width="stretch")
            preview = report.records_frame()
            if not preview.empty:  # the first rows as they would be stored, under the template's column names
                st.caption(td("preview_title", lg, n=f"{min(len(preview), 50):,}"))
                st.dataframe(D.preview_display(preview, report.kind, lg), hide_index=True, width="stretch")
            if mode == "update" and report.n_changed and changed == "ask":
                st.info(td("changed_pick", lg))
            elif st.button(t("data_do_import", lg), type="primary", key="data_do_import"):
                done = importer.import_file(data, filename=upload.name, kind=kind, origin="page", user=me.username,
                                            scope=scope, address=ui.client_address(), mode=mode, changed=changed)
                ui.data_changed()
                (st.success if done.ok else st.error)(esc(done.summary(lg)))
                if done.overlap_counts:
                    st.caption(esc("; ".join(f"{overlap_kind_label(k, lg)}: {n}" for k, n in done.overlap_counts.items())))
        else:
            if st.session_state.get("_audited_rejection") != upload.file_id:  # a refused file is recorded once
                importer.audit_import(report, me.username, ui.client_address(), None)
                st.session_state["_audited_rejection"] = upload.file_id
            st.error(esc(report.summary(lg)))
            errors = report.errors_frame(lg)[["file", "row", "column", "value", "reason", "suggestions"]]
            errors.columns = [t(f"err_{c}", lg) for c in errors.columns]
            shown = errors.head(ERRORS_SHOWN).fillna("").astype(str).map(esc)  # st.table renders Markdown
            shown.columns = [esc(c) for c in shown.columns]
            with st.container(height=520 if len(shown) > 12 else "content"):
                st.table(shown.set_index(shown.columns[0]))  # plain table: readable, copyable, printable
            more = report.more_text(lg)
            if more:
                st.warning(esc(more))
            st.download_button(td("errors_download", lg), report.errors_csv_bytes(lg),
                               file_name=f"loi_{upload.name}.csv", mime="text/csv", key="data_errors_csv")
            st.info(t("data_nothing_written", lg))

def quality_list() -> None:
    """The overlaps of the stored data in the user's scope, with the decisions a data manager can take."""
    show_all = st.radio(td("quality_show", lg), ["open", "all"], horizontal=True, key="quality_show",
                        format_func=lambda s: td("quality_" + s, lg)) == "all"
    found = counting.overlaps_frame(scope=scope, status=None if show_all else ["open"])
    if found.empty:
        st.info(td("quality_none", lg))
        return
    open_counts = found[found["status"] == "open"]["kind"].value_counts()
    if len(open_counts):
        st.caption(td("quality_counts", lg, parts=", ".join(
            f"{overlap_kind_label(k, lg)} {n}" for k, n in open_counts.items())))
    listed = found.head(300)
    table = pd.DataFrame({
        "#": [f"#{int(x)}" for x in listed["id"]],
        esc(td("col_kind", lg)): [esc(overlap_kind_label(k, lg)) for k in listed["kind"]],
        esc(td("col_what", lg)): [esc(overlap_text(r, lg)) for r in listed.to_dict("records")],
        esc(td("col_decision", lg)): [DECISION_LABELS[d][i] if isinstance(d, str) and d in DECISION_LABELS
                                      else esc(td("quality_open", lg) if s == "open" else "") for d, s
                                      in zip(listed["decision"], listed["status"])],
    })
    with st.container(height=520 if len(table) > 8 else "content"):
        st.table(table.set_index("#"))  # sentences wrap; st.table renders Markdown, so data text is escaped
    if len(found) > len(listed):
        st.caption(td("overlaps_more", lg, shown=f"{len(listed):,}", total=f"{len(found):,}"))
    decidable = found[found["kind"].isin(list(counting.DECISIONS))]
    if not (may_import and len(decidable)):
        return
    labels = {int(r["id"]): f"#{int(r['id'])} — {overlap_kind_label(r['kind'], lg)}" for r in decidable.to_dict("records")}
    pick = st.selectbox(td("quality_pick", lg), list(labels), format_func=labels.get, key="quality_pick")
    row = decidable.set_index("id").loc[pick]
    decision = st.radio(td("quality_decision", lg), counting.DECISIONS[row["kind"]], key=f"quality_decision_{pick}",
                        format_func=lambda d: DECISION_LABELS[d][i])
    note = st.text_input(td("quality_note", lg), key=f"quality_note_{pick}", max_chars=300)
    if st.button(td("quality_save", lg), key="quality_save"):
        ok = counting.decide(row["kind"], row["key_a"], row["key_b"] if isinstance(row["key_b"], str) else None,
                             decision, me.username, note=note or None, address=ui.client_address(), scope=scope)
        ui.data_changed()
        (st.success if ok else st.error)(td("quality_saved" if ok else "quality_refused", lg))


with tab_quality:
    st.markdown(COUNTING_RULE["long"][i])
    st.caption(td("quality_help", lg))
    if me.can("exact_screen"):  # the list names case rows: exact access only (analysts and above)
        quality_list()

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
    st.subheader(td("reference_title", lg))  # the column reference, here: users cannot open data/SCHEMA.md
    st.caption(td("reference_help", lg))
    for key, spec in S.IMPORT_KINDS.items():
        with st.expander(spec.en if lg == "en" else spec.vi):
            description = spec.description_en if lg == "en" else spec.description_vi
            if description:
                st.caption(esc(description))
            st.dataframe(D.column_reference(key, lg), hide_index=True, width="stretch")
    if may_import:  # case rows leave the store only for those who import them, within their scope
        st.subheader(td("htcds_title", lg))
        st.caption(td("htcds_help", lg))
        rows = store.cases_frame({"scope": list(scope)} if scope else None)
        frame = htcds.export_frame(rows)
        st.caption(td("htcds_left_out", lg, n=f"{len(frame):,}", agg=f"{frame.attrs['aggregates_left_out']:,}"))
        st.download_button(td("htcds_download", lg), htcds.export_csv_bytes(frame, lg), file_name="vu_viec_htcds.csv",
                           mime="text/csv", key="htcds_export", on_click=ui.record_download,
                           args=(f"HTCDS export: {len(frame)} case rows", me.username, ui.client_address()))
        with st.expander(td("htcds_mapping", lg)):  # the repository's mapping document, bilingual, shown here
            from geo import config

            st.markdown((config.PROJECT_ROOT / "data" / "HTCDS_MAPPING.md").read_text(encoding="utf-8"))

with tab_history:
    done = st.session_state.pop("_undo_result", None)
    if done is not None:
        (st.success if done[0] else st.error)(esc(done[1]))
    history = importer.list_imports().sort_values("id", ascending=False)  # newest first
    if history.empty:
        st.info(t("data_no_imports", lg))
    else:
        st.dataframe(D.history_display(history, lg), hide_index=True, width="stretch")  # who imported and who undid
        active = history[history["status"] == "active"].set_index("id")
        if not active.empty and may_import:
            choice = st.selectbox(t("data_undo_which", lg), active.index.tolist(),
                                  key=f"data_undo_id_{active.index.max()}",  # newest import preselected
                                  format_func=lambda n: f"#{n} — {active.loc[n, 'file_name']}")
            pending = st.session_state.get("_undo_pending")
            if st.button(t("data_undo", lg), key="data_undo"):
                pending = st.session_state["_undo_pending"] = int(choice)  # asks first; nothing is removed yet
            if pending is not None and pending in active.index and pending == int(choice):
                row = active.loc[pending]
                st.warning(esc(td("undo_confirm", lg, n=f"#{pending}", file=str(row["file_name"]),
                                  kind=D.kind_label(row["kind"], lg), rows=D.cell(int(row["rows_now"]), lg),
                                  who=str(row["user"] or ""), when=D.cell(pd.Timestamp(row["imported_at"]).to_pydatetime(), lg)))
                           + (" " + td("undo_confirm_demo", lg) if bool(row["is_demo"]) else ""))
                yes, no, _ = st.columns([1, 1, 3])
                if yes.button(td("undo_yes", lg), type="primary", key="data_undo_yes"):
                    st.session_state.pop("_undo_pending", None)
                    result = importer.undo_import(pending, user=me.username, scope=scope, address=ui.client_address())
                    ui.data_changed()
                    st.session_state["_undo_result"] = (result.ok, result.message(lg))
                    st.rerun()  # the history above shows the undo at once
                if no.button(td("undo_no", lg), key="data_undo_no"):
                    st.session_state.pop("_undo_pending", None)
                    st.rerun()

with tab_sources:
    st.subheader(t("sources_boundaries", lg))
    for credit in attribution.CREDITS.values():
        caveat = credit.caveat(lg)
        st.markdown(f"- {credit.text(lg)} — {credit.licence}" + (f" — *{caveat}*" if caveat else ""))
    st.subheader(t("sources_facts", lg))
    st.caption(facts.CAVEATS["figures"][1 if lg == "en" else 0])
    from geo.views.pages import published_frame

    st.dataframe(published_frame(facts.figures(), lg), hide_index=True, width="stretch")
    st.dataframe(D.sources_display(facts.sources(), lg), hide_index=True, width="stretch")
