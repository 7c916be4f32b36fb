"""Administrative & border map: national district map with the land borders, zoom to a province."""
from __future__ import annotations

import streamlit as st

import ui
from geo.admin.borders import BORDERS
from geo.i18n import t
from geo.render.maps import MapView, admin_map, border_units_table

lg = ui.lang()
ui.require_boundaries()
f = ui.filter_panel(("era", "province"))
era, province = f.era, f.province or None
reference = ui.reference_filter()
ui.briefing_panel("ban-do")
view = MapView(era=era, province=province, lang=lg, reference=reference)

st.title(t("page_map", lg))
st.caption(t("map_hint", lg))


@st.fragment
def draw_map(view: MapView) -> None:
    try:
        result = admin_map(view)
    except Exception as exc:  # a layer that fails to load must not take the page down
        st.error(f"{t('layer_error', view.lang)}: {exc}")
        return
    ui.show_map(result.fmap, key=f"admin_map_{view.era}_{view.province}_{view.lang}_{'-'.join(view.reference)}")


draw_map(view)

table = border_units_table(view)
if not table.empty:
    unit = t("border_districts" if era == "pre2025" else "border_communes", lg)
    st.subheader(f"{unit} ({len(table)})")
    columns = {"code": t("code", lg), "unit_name": t("district" if era == "pre2025" else "commune", lg),
               "prov_name": t("province_col", lg)}
    for key, border in BORDERS.items():
        name = border.name_vi if lg == "vi" else border.name_en
        if table[f"shared_km_{key}"].gt(0).any():
            columns[f"shared_km_{key}"] = f"{name}: {t('shared_km', lg)}"
    st.dataframe(table[list(columns)].rename(columns=columns), hide_index=True, width="stretch")
ui.credits(era)
