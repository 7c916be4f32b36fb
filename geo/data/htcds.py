"""Exchange of the case table with the UN Human Trafficking Case Data Standard (HTCDS 2.0).

Source of the field names, types and picklists: the HTCDS field reference of UNMigration/HTCDS on GitHub
(``HTCDS Field Standards 2.0.ods``, ``HTCDS Field Column Reference.md`` and the Excel toolkit's
``Case Sheet``, commit 3c2f653). HTCDS describes persons and their cases (Salesforce objects with the
prefixes ``prs_``, ``vic_``, ``cas_``, ``hte_``, ``cco_``…); this store holds case rows with counts and
aggregate figures. The mapping (``data/HTCDS_MAPPING.md``):

- fields with an HTCDS equivalent carry their HTCDS name: the case's date and place as a *historic
  trafficking event* (``hte_Date``, ``hte_Country`` = ``VN``, ``hte_State`` = province, ``hte_City`` =
  district before 2025), the form of exploitation (``vic_TypeOfExploitation``), the reporting agency as the
  organisation deciding the trafficking status (``vic_TraffickingStatusDecisionMakingOrg``) and the note
  (``cco_CaseComment``); the case ID travels as ``cas_CaseNumber`` (the Salesforce standard Case field that
  the HTCDS case table builds on; not in the HTCDS 2.0 list);
- everything HTCDS has no field for (codes of the place, the exact form and agency where an HTCDS picklist
  is coarser, the counts of victims, children, women, rescued, supported and suspects, destination, route,
  border gate, source, the demo flag) travels in extension columns named ``x_tdn_<Name>``, so a round trip
  keeps every field;
- aggregate rows have no place in HTCDS (a person-level standard): the export leaves them out and says how
  many.

Importing: a sheet whose headers are HTCDS field names is recognised (:func:`is_htcds`) and converted
(:func:`to_cases_table`) before the usual checks, which then name the HTCDS columns. A sheet without
``x_tdn_Victims`` is read as HTCDS persons (one row per person): the persons of one ``cas_CaseNumber`` become
one case row (victims = persons; of whom women = ``prs_Gender`` Feminine or TransgenderFeminine; children =
``vic_AgeWhenTrafficked`` under 18); persons of one case that disagree on its date, place, form or agency are
an error naming their rows. Personal fields (names, contacts, birthdates…) are never stored: they are
reported as columns that are not kept.
"""
from __future__ import annotations

from collections import OrderedDict

import pandas as pd

from geo.data import schema as S
from geo.data.cells import normalise_id
from geo.data.import_report import _issue
from geo.data.reading import _Table

#: HTCDS picklist value of ``vic_TypeOfExploitation`` for each form (``fetus_infant`` has none: Other)
FORM_TO_HTCDS = {"sexual": "SexualExploitation", "forced_labour": "ForcedLabour", "forced_marriage": "ForcedMarriage",
                 "organ_removal": "OrganRemoval", "fetus_infant": "Other", "other": "Other"}
#: HTCDS values read back (the aliases of geo.data.schema.FORMS): the finer HTCDS kinds of labour exploitation
#: are forced labour; military, adoption and surrogacy are "other"
HTCDS_TO_FORM = {"SexualExploitation": "sexual", "ForcedLabour": "forced_labour", "ChildLabour": "forced_labour",
                 "Servitude": "forced_labour", "ForcedBegging": "forced_labour", "ForcedMarriage": "forced_marriage",
                 "OrganRemoval": "organ_removal", "ForcedMilitaryByNonStateActors": "other",
                 "ForcedAdoption": "other", "Surrogacy": "other", "Other": "other"}
#: ``vic_TraffickingStatusDecisionMakingOrg``: Police, NGO, CourtOrProsecution,
#: NonPoliceGovernmentalOrganization, Other
AGENCY_TO_HTCDS = {"police": "Police", "border_guard": "Other", "social_affairs": "NonPoliceGovernmentalOrganization",
                   "other": "Other"}
HTCDS_TO_AGENCY = {"Police": "police", "NGO": "other", "CourtOrProsecution": "other",
                   "NonPoliceGovernmentalOrganization": "other", "Other": "other"}
FEMININE = {"feminine", "transgenderfeminine"}

#: (HTCDS or extension column, stored column, HTCDS field?, what it is) in export order
MAPPING: list[tuple[str, str, bool, str]] = [
    ("cas_CaseNumber", "case_id", False, "case ID (Salesforce standard Case field; HTCDS case table)"),
    ("hte_Date", "date", True, "date of the case (Historic Trafficking Event date), yyyy-mm-dd"),
    ("hte_Country", "-", True, "VN (ISO 3166-1 alpha-2): every case place is in Viet Nam"),
    ("hte_State", "province_name", True, "province (official name of the place era)"),
    ("hte_City", "district_name", True, "district (before 1 July 2025; empty for 2025 places)"),
    ("vic_TypeOfExploitation", "form", True, "form of exploitation (HTCDS picklist; fetus_infant -> Other)"),
    ("vic_TraffickingStatusDecisionMakingOrg", "agency", True,
     "reporting agency (HTCDS picklist: police -> Police, social_affairs -> NonPoliceGovernmentalOrganization, "
     "border_guard and other -> Other)"),
    ("cco_CaseComment", "note", True, "note"),
    ("x_tdn_PlaceEra", "place_era", False, "pre2025 | 2025"),
    ("x_tdn_ProvinceCode", "province_code", False, "province code of the era"),
    ("x_tdn_DistrictCode", "district_code", False, "district code (5 digits, before 2025)"),
    ("x_tdn_Commune", "commune_name", False, "commune or ward"),
    ("x_tdn_CommuneCode", "commune_code", False, "commune code of the era"),
    ("x_tdn_Form", "form", False, "form of exploitation, exact code"),
    ("x_tdn_Agency", "agency", False, "reporting agency, exact code"),
    ("x_tdn_Victims", "victims", False, "victims"),
    ("x_tdn_VictimsChildren", "victims_children", False, "of whom children"),
    ("x_tdn_VictimsWomen", "victims_women", False, "of whom women and girls"),
    ("x_tdn_VictimsRescued", "victims_rescued", False, "victims rescued or received"),
    ("x_tdn_VictimsSupported", "victims_supported", False, "victims supported"),
    ("x_tdn_SuspectsArrested", "suspects_arrested", False, "suspects arrested"),
    ("x_tdn_DestinationCountry", "destination_country", False, "destination country"),
    ("x_tdn_Route", "route", False, "route"),
    ("x_tdn_BorderGate", "border_gate", False, "border gate"),
    ("x_tdn_Source", "source", False, "original report (number, date)"),
    ("x_tdn_DemoData", "is_demo", False, "1 for demonstration data"),
    ("x_tdn_CountStatus", "count_status", False,
     "how the counting rule counts the row (counted, duplicate): information, recomputed on import"),
    ("x_tdn_SameCaseAs", "dup_of", False, "case ID of the counted report of the same case: information"),
]
#: columns the store recomputes on import (exported for information only)
INFORMATION_ONLY = {"x_tdn_CountStatus", "x_tdn_SameCaseAs"}
#: HTCDS person fields read when a sheet lists persons
PERSON_FIELDS = ("prs_Gender", "vic_AgeWhenTrafficked")
CASE_NUMBER_HEADERS = ("cas_CaseNumber", "CaseNumber", "x_tdn_CaseId")
#: pairs of an HTCDS picklist column and the extension with the exact value (the extension wins)
_PAIRS = {"form": ("vic_TypeOfExploitation", "x_tdn_Form", HTCDS_TO_FORM),
          "agency": ("vic_TraffickingStatusDecisionMakingOrg", "x_tdn_Agency", HTCDS_TO_AGENCY)}
_PREFIXES = ("prs_", "vic_", "cas_", "hte_", "cco_", "con_", "spl_", "per_", "org_", "x_tdn_")


def is_htcds(headers) -> bool:
    """Whether a sheet's headers are HTCDS field names (at least two of them, or a case number and one)."""
    names = [str(h).strip() for h in headers]
    hits = sum(1 for h in names if h.startswith(_PREFIXES))
    return hits >= 2


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------
def export_frame(cases: pd.DataFrame) -> pd.DataFrame:
    """The case rows of ``cases`` (a :func:`geo.data.store.cases_frame`) in HTCDS field names and
    ``x_tdn_`` extensions (:data:`MAPPING`). Aggregate rows are left out (``attrs["aggregates_left_out"]``)."""
    rows = cases[cases["record_type"] == "case"] if len(cases) else cases
    ids = dict(zip(cases["row_key"], cases["case_id"])) if len(cases) and "row_key" in cases else {}
    out = OrderedDict()
    for name, col, _, _ in MAPPING:
        if name == "hte_Country":
            out[name] = ["VN"] * len(rows)
        elif name == "hte_Date":
            out[name] = [None if pd.isna(d) else pd.Timestamp(d).date().isoformat() for d in rows["date"]]
        elif name == "vic_TypeOfExploitation":
            out[name] = [FORM_TO_HTCDS.get(v) if isinstance(v, str) else None for v in rows["form"]]
        elif name == "vic_TraffickingStatusDecisionMakingOrg":
            out[name] = [AGENCY_TO_HTCDS.get(v) if isinstance(v, str) else None for v in rows["agency"]]
        elif name == "hte_City":
            out[name] = [d if era == "pre2025" and isinstance(d, str) else None
                         for d, era in zip(rows["district_name"], rows["place_era"])]
        elif name == "x_tdn_DemoData":
            out[name] = [1 if bool(v) else 0 for v in rows["is_demo"]]
        elif name == "x_tdn_SameCaseAs":
            out[name] = [ids.get(v) if isinstance(v, str) else None for v in rows.get("dup_of", [None] * len(rows))]
        elif col in rows:
            values = rows[col]
            if col in S.COUNTED:  # whole numbers, empty when unknown
                out[name] = pd.array([None if pd.isna(v) else int(v) for v in pd.to_numeric(values, errors="coerce")],
                                     dtype="Int64")
            else:
                out[name] = [None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in values]
        else:
            out[name] = [None] * len(rows)
    frame = pd.DataFrame(out)
    frame.attrs["aggregates_left_out"] = int((cases["record_type"] == "aggregate").sum()) if len(cases) else 0
    frame["is_demo"] = list(rows["is_demo"].astype(bool)) if len(rows) else []
    return frame


def export_csv_bytes(frame: pd.DataFrame, lang: str = "vi") -> bytes:
    """The export as CSV (UTF-8 with BOM, formula-safe; a ``#`` demo line first when it holds demo rows)."""
    from geo.data import store

    demo = bool(frame["is_demo"].any()) if "is_demo" in frame and len(frame) else False
    return store.export_csv_bytes(frame.drop(columns=["is_demo"], errors="ignore"), lang, demo=demo)


# --------------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------------
def to_cases_table(table: _Table, file: str = "") -> tuple[_Table, list]:
    """An HTCDS sheet as a case table the importer checks: the HTCDS/extension pairs merged into one column
    (the exact extension value first, else the HTCDS picklist value read back), the persons of one case
    merged into one row when the sheet lists persons. Returns the table and the problems found merging
    (issues naming the file's rows)."""
    headers = [str(h).strip() for h in table.headers]
    pos = {h: i for i, h in enumerate(headers)}
    rows = list(table)  # HTCDS sheets are small; merging persons needs them all
    issues: list = []
    keep = [i for i, h in enumerate(headers)
            if h not in {p for pair in _PAIRS.values() for p in pair[:2]} and h not in PERSON_FIELDS
            and h != "hte_Country" and h not in INFORMATION_ONLY]
    out_headers = [headers[i] for i in keep]
    merged_cols = []
    for key, (htcds_col, ext_col, back) in _PAIRS.items():
        if htcds_col in pos or ext_col in pos:
            out_headers.append(ext_col if ext_col in pos else htcds_col)
            merged_cols.append((pos.get(htcds_col), pos.get(ext_col), back))
    country = pos.get("hte_Country")

    def convert(values):
        values = list(values) + [None] * (len(headers) - len(values))
        out = [values[i] for i in keep]
        for h_i, e_i, back in merged_cols:
            ext = values[e_i] if e_i is not None else None
            if ext not in (None, ""):
                out.append(ext)
                continue
            raw = values[h_i] if h_i is not None else None
            text = str(raw).strip() if raw not in (None, "") else None
            out.append(back.get(text, text) if text else None)
        return out

    for row, values in rows:  # (the row is still checked: every error of every row)
        if country is not None and country < len(values):
            c = str(values[country] or "").strip()
            if c and S.fold(c) not in ("vn", "vnm", "viet_nam", "vietnam"):
                issues.append(_issue(file, row, "hte_Country", c, "htcds_country"))
    persons = "x_tdn_Victims" not in pos
    if not persons:
        records = [(row, convert(values)) for row, values in rows]
        return _Table(out_headers, records), issues
    from geo.data.reading import _match_headers

    kept = {j for j in _match_headers(out_headers, S.CASES)[0]}  # columns stored: persons must agree on them
    # persons: one case row per case number, counted from its persons
    number = next((pos[h] for h in CASE_NUMBER_HEADERS if h in pos), None)
    gender, age = pos.get("prs_Gender"), pos.get("vic_AgeWhenTrafficked")
    out_headers = out_headers + ["x_tdn_Victims", "x_tdn_VictimsWomen", "x_tdn_VictimsChildren"]
    cases: "OrderedDict[object, list]" = OrderedDict()
    for row, values in rows:
        values = list(values) + [None] * (len(headers) - len(values))
        key = normalise_id(values[number]) if number is not None and values[number] not in (None, "") else ("row", row)
        cases.setdefault(key, []).append((row, values))
    records = []
    for key, members in cases.items():
        first_row, first = members[0]
        converted = [convert(v) for _, v in members]
        merged = list(converted[0])
        for j, name in enumerate(out_headers[:len(merged)]):
            if j not in kept:
                continue  # a field that is not kept (names, contacts...): never compared, never stored
            seen = {}
            for (row, _), conv in zip(members, converted):
                v = conv[j]
                if v not in (None, ""):
                    seen.setdefault(str(v).strip(), []).append(row)
            if len(seen) > 1:
                issues.append(_issue(file, first_row, name, " / ".join(seen), "htcds_conflict",
                                     case=str(first[number]) if number is not None else "",
                                     field=name, rows=", ".join(str(r) for r in sorted(x for rs in seen.values() for x in rs))))
            elif seen:
                merged[j] = next(iter(seen))
        women = children = 0
        women_known = children_known = False
        for _, v in members:
            if gender is not None and v[gender] not in (None, ""):
                women_known = True
                women += S.fold(v[gender]).replace("_", "") in FEMININE
            if age is not None and v[age] not in (None, ""):
                try:
                    children_known = True
                    children += float(v[age]) < 18
                except (TypeError, ValueError):
                    pass
        merged += [len(members), women if women_known else None, children if children_known else None]
        records.append((first_row, merged))
    return _Table(out_headers, records), issues
