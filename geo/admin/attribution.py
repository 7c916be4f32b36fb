"""Credits that SOURCES.md asks for; shown on every map and export."""
from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Credit:
    key: str
    text_vi: str
    text_en: str
    licence: str
    caveat_vi: str = ""
    caveat_en: str = ""

    def text(self, lang: str = "vi") -> str:
        return self.text_en if lang == "en" else self.text_vi

    def caveat(self, lang: str = "vi") -> str:
        return self.caveat_en if lang == "en" else self.caveat_vi


CREDITS: dict[str, Credit] = {
    c.key: c
    for c in [
        Credit(
            "odm",
            "Ranh giới hành chính trước 2025: Open Development Vietnam / Open Development Mekong, "
            "“Địa phận huyện”, CC BY-SA 4.0; đã xử lý (gộp, gán mã)",
            "Administrative boundaries before 2025: Open Development Vietnam / Open Development Mekong, "
            "“Địa phận huyện” (district boundaries), CC BY-SA 4.0; processed (dissolved, re-coded)",
            "CC BY-SA 4.0",
            "Dữ liệu ranh giới dẫn xuất được phát hành theo cùng giấy phép CC BY-SA 4.0.",
            "Derived boundary data is released under the same CC BY-SA 4.0 licence.",
        ),
        Credit(
            "bando",
            "Ranh giới xã/phường 2025: Nhà xuất bản Tài nguyên – Môi trường và Bản đồ Việt Nam "
            "(sapnhap.bando.com.vn), qua thanglequoc/vietnamese-provinces-database (MIT)",
            "Commune/ward boundaries 2025: Nhà xuất bản Tài nguyên – Môi trường và Bản đồ Việt Nam "
            "(sapnhap.bando.com.vn), via thanglequoc/vietnamese-provinces-database (MIT)",
            "unclear",
            "Giấy phép của nguồn gốc chưa rõ: cần xin phép trước khi phát hành công khai.",
            "Licence of the upstream source is unclear: obtain clearance before public release.",
        ),
        Credit("naturalearth", "Nước láng giềng: Made with Natural Earth (phạm vi công cộng; các nước xa hơn theo "
               "bản 110m kèm gói pyogrio)",
               "Neighbouring countries: Made with Natural Earth (public domain; more distant countries from the "
               "110m copy packaged with pyogrio)", "public domain"),
        Credit("vietnamadminunits", "Mã và tên đơn vị hành chính: vietnamadminunits 1.0.4 (MIT)",
               "Administrative codes and names: vietnamadminunits 1.0.4 (MIT)", "MIT"),
    ]
}

#: credits needed by each era's maps
ERA_CREDITS = {"pre2025": ("odm", "naturalearth", "vietnamadminunits"),
               "2025": ("bando", "odm", "naturalearth", "vietnamadminunits")}


def credits_for(era: str = "pre2025") -> list[Credit]:
    return [CREDITS[k] for k in ERA_CREDITS[era]]


def attribution_text(era: str = "pre2025", lang: str = "vi") -> str:
    """Plain-text credits line for exports and captions."""
    return " · ".join(c.text(lang) for c in credits_for(era))


SHORT = {
    "odm": ("Ranh giới: Open Development Mekong (CC BY-SA 4.0)", "Boundaries: Open Development Mekong (CC BY-SA 4.0)"),
    "bando": ("Xã/phường 2025: NXB TN-MT và Bản đồ VN qua vietnamese-provinces-database (giấy phép chưa rõ)",
              "Communes 2025: NXB TN-MT và Bản đồ VN via vietnamese-provinces-database (licence unclear)"),
    "naturalearth": ("Natural Earth", "Natural Earth"),
    "vietnamadminunits": ("Mã ĐVHC: vietnamadminunits (MIT)", "Unit codes: vietnamadminunits (MIT)"),
}


def attribution_html(era: str = "pre2025", lang: str = "vi") -> str:
    """Short HTML-escaped credits for the map's attribution control (the full text is in
    :func:`attribution_text` and under every map)."""
    index = 1 if lang == "en" else 0
    return " · ".join(html.escape(SHORT[c.key][index]) for c in credits_for(era))
