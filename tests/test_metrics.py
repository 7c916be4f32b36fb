"""Unit figures for the dashboard: filters, no data vs zero, rates, KPIs and periods."""
from __future__ import annotations

from datetime import date

import pytest

from geo.data import importer
from geo.views.filters import Filters, parse_period, period_words, previous_period
from geo.views.metrics import kpis, unit_values

CASES = (
    "Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Hình thức bóc lột,Số nạn nhân,Trong đó trẻ em,Cơ quan báo cáo\n"
    "M-1,2024-02-10,Nghệ An,Kỳ Sơn,Bóc lột tình dục,3,1,Công an\n"
    "M-2,2024-03-05,Nghệ An,Kỳ Sơn,Cưỡng bức lao động,2,0,Công an\n"
    "M-3,2023-05-01,Nghệ An,Tương Dương,Bóc lột tình dục,1,0,Công an\n"
)


@pytest.fixture()
def loaded(engine):
    report = importer.import_file(CASES.encode(), filename="metrics.csv", engine=engine)
    assert report.ok, report.to_text()
    return engine


def test_periods_parse_and_step_back():
    assert parse_period("2024-H1") == (date(2024, 1, 1), date(2024, 6, 30))
    assert parse_period("2024-Q4") == (date(2024, 10, 1), date(2024, 12, 31))
    assert parse_period("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert previous_period(date(2024, 1, 1), date(2024, 6, 30)) == (date(2023, 7, 1), date(2023, 12, 31))
    assert period_words("2024-H1") == "6 tháng đầu năm 2024"
    assert period_words("2024-Q2", "en") == "Q2 2024"
    with pytest.raises(ValueError):
        parse_period("2024-H3")


def test_url_round_trip_and_bad_values():
    f = Filters(province="40", district="40417", period="2024-H1", metric="cases")
    assert Filters.from_query(f.to_query()) == f
    bad = Filters.from_query({"era": "1999", "metric": "nonsense", "period": "soon", "group": "x"})
    assert bad == Filters()


def test_no_data_is_not_zero(loaded):
    values = unit_values(Filters(province="40", period="2024", metric="victims"), engine=loaded).frame
    by_code = dict(zip(values["code"], values["value"]))
    assert by_code["40417"] == 5  # Kỳ Sơn: 3 + 2
    assert by_code["40418"] == 0  # Tương Dương: its province reports in 2024, nothing there
    other = unit_values(Filters(province="10", period="2024", metric="victims"), engine=loaded).frame
    assert other["value"].isna().all()  # Lào Cai reports nothing: no data, not zero


def test_children_rates_and_kpis(loaded):
    children = unit_values(Filters(province="40", period="2024", metric="victims", group="children"),
                           engine=loaded).frame.set_index("code")
    assert children.loc["40417", "value"] == 1
    rate = unit_values(Filters(province="40", period="2024", metric="victims_per100k"), engine=loaded).frame
    ky_son = rate.set_index("code").loc["40417"]
    assert ky_son["value"] == pytest.approx(5 / ky_son["population_2009"] * 100_000)
    cards, demo = kpis(Filters(province="40", period="2024"), engine=loaded)
    by_key = {k.key: k for k in cards}
    assert by_key["victims"].current == 5 and by_key["victims"].previous == 1
    assert by_key["victims"].change_pct == pytest.approx(400)
    assert demo is False
