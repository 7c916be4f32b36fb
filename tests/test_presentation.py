"""What a commander's slide and a Vietnamese planner's screen must show (issue 15): checked on the real
pages (AppTest), exports and map HTML."""
from __future__ import annotations

import pytest

from tests.apptest_support import make_user, run_page


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [c.value for c in at.caption]
    return " ".join(str(p) for p in parts)


def test_a_province_and_a_border_that_do_not_match_are_said_so():
    at = run_page("pages/bien_gioi.py", {"border": "china", "prov": "40"}, user=make_user("admin"))
    text = _texts(at)
    assert "Không giáp biên giới đất liền" not in text  # Nghệ An borders Laos: that would be false
    assert "không giáp Biên giới Việt – Trung" in text and "Biên giới Việt – Lào" in text
    buttons = [b.label for b in at.button]
    assert any("Việt – Lào" in label for label in buttons)
    next(b for b in at.button if "Việt – Lào" in b.label).click().run()
    assert at.session_state["filters"].border == "laos"
    assert "không giáp" not in _texts(at)


def test_an_inland_province_on_the_border_page_says_so_truthfully():
    at = run_page("pages/bien_gioi.py", {"prov": "01"}, user=make_user("admin"))
    assert "không giáp biên giới đất liền" in _texts(at)


def test_the_border_briefing_carries_gates_routes_and_named_hotspots_with_their_legend():
    """The export of the Laos-border view of Nghệ An names Nậm Cắn and Thanh Thủy (issue 15, item 3), with
    the reference layers in its legend, and names the Gulf of Tonkin as the page does (item 12)."""
    from geo.render import briefing as B

    from geo.render import static_maps as SM

    export = B.build_briefing("page=bien-gioi&border=laos&prov=40&period=2024-H1")
    for layout in ("slide", "a4"):
        fig = SM.render_map(export.spec, layout=layout)
        texts = [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
        flat = " ".join(" ".join(texts).split())
        for name in ("Nậm Cắn", "Thanh Thủy", "Lớp tham chiếu", "Cửa khẩu quốc tế", "Tuyến mua bán người"):
            assert name in flat, (layout, name)
        assert "Vịnh Bắc Bộ" in flat  # the gulf off Nghệ An, named as the interactive map names it
    png = export.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_key_figure_cards_say_where_and_when_and_keep_their_change_short():
    import re

    at = run_page("pages/tong_quan.py", {"prov": "40", "period": "2024-H1"}, user=make_user("admin"))
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # markdown escapes
    assert "Số liệu của: Tỉnh Nghệ An · 6 tháng đầu năm 2024" in captions
    assert "6 tháng cuối năm 2023" in captions  # what the changes are against, said once
    deltas = [m.delta for m in at.metric if m.delta]
    assert deltas, "the demo data should give changes for Nghệ An in 2024-H1"
    for delta in deltas:  # short enough for a card at 1280×800: no words to cut off
        assert re.fullmatch(r"(±0|[+-]\d+)%", delta), delta


def test_the_selected_district_is_outlined_on_the_prevention_map_and_export():
    from geo.render.maps import MapView, admin_map
    from geo.views.model import build_view
    from geo.views.spec import parse_view

    model = build_view(parse_view("page=phong-ngua&prov=40&dist=40417&period=2024"))
    assert model.map.highlight == {"40417"} and model.map.highlight_label == "Huyện Kỳ Sơn"
    html = admin_map(MapView(province="40", highlight="40417")).fmap.get_root().render()
    assert "40417" in html and "#111111" in html  # the chosen district's bold outline layer
