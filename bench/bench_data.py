"""Benchmark of the case store: import 100,000 case rows, aggregate 1,000,000 rows by district and month.

    .venv/bin/python bench/bench_data.py [--rows 100000] [--agg-rows 1000000] [--keep]

Targets (issue 4): import <= 30 s, aggregation <= 1 s. Uses a temporary SQLite file (never the real store).
The 100,000 rows go through the full importer (CSV parsing, registry look-ups, validation, one transaction).
The 1,000,000 rows for the aggregation are bulk-inserted directly (they are synthetic, already valid), then
:func:`geo.data.store.aggregate_cases` runs on them. Only timings and row counts are printed.
"""
from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.data import importer, store  # noqa: E402
from geo.data import schema as S  # noqa: E402
from geo.admin.registry import load_registry  # noqa: E402

HEAD = ["Mã vụ việc", "Ngày", "Tỉnh/Thành phố", "Quận/Huyện", "Xã/Phường", "Hình thức bóc lột", "Số nạn nhân",
        "Trong đó trẻ em", "Trong đó nữ", "Nạn nhân được giải cứu, tiếp nhận", "Nạn nhân được hỗ trợ",
        "Đối tượng bị bắt", "Cơ quan báo cáo", "Ghi chú"]
FORMS = ["bóc lột tình dục", "cưỡng bức lao động", "cưỡng ép kết hôn", "bào thai", "khác"]
AGENCIES = ["công an", "biên phòng", "LĐTBXH"]


def make_csv(n: int, seed: int = 1) -> bytes:
    reg = load_registry()
    rng = np.random.default_rng(seed)
    communes = [u for u in reg.units("commune", "pre2025") if u.district_code]
    districts = {u.code: u for u in reg.units("district", "pre2025")}
    communes = [u for u in communes if u.district_code in districts]
    picks = rng.integers(0, len(communes), n)
    days = rng.integers(0, (date(2024, 12, 31) - date(2021, 1, 1)).days, n)
    victims = 1 + rng.poisson(1.0, n)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEAD)
    for i in range(n):
        c = communes[picks[i]]
        v = int(victims[i])
        w.writerow([f"B-{i:07d}", (date(2021, 1, 1) + timedelta(days=int(days[i]))).strftime("%d/%m/%Y"),
                    c.province_name_vi, c.district_name_vi, c.full_name_vi, FORMS[i % 5], v, i % (v + 1), v,
                    v // 2, v // 3, i % 3, AGENCIES[i % 3], "" if i % 7 else "ghi chú thử"])
    return buf.getvalue().encode("utf-8")


def bulk_rows(n: int, seed: int = 2):
    rng = np.random.default_rng(seed)
    reg = load_registry()
    districts = [u for u in reg.units("district", "pre2025") if not u.historical]
    d_idx = rng.integers(0, len(districts), n)
    years = rng.integers(2021, 2026, n)
    forms = ["sexual", "forced_labour", "forced_marriage", "fetus_infant", "organ_removal", "other"]
    form_idx = rng.integers(0, len(forms), n)
    agencies = ["police", "border_guard", "social_affairs"]
    months = rng.integers(1, 13, n)
    victims = 1 + rng.poisson(1.0, n)
    for i in range(n):
        d = districts[d_idx[i]]
        y, m = int(years[i]), int(months[i])
        day = date(y, m, 1 + int(i % 28))
        yield {
            "import_id": 1, "case_id": f"A-{i:07d}", "record_type": "case", "row_key": f"case:A-{i:07d}", "date": day,
            "period_label": day.isoformat(), "period_start": day, "period_end": day, "p_year": y,
            "p_half": (m - 1) // 6 + 1, "p_quarter": (m - 1) // 3 + 1, "p_month": m, "place_era": "pre2025",
            "place_level": "district", "province_code": d.province_code, "district_code": d.code,
            "prov_code_pre2025": d.province_code, "district_code5": d.code, "prov_code_2025": d.province_code,
            "form": forms[form_idx[i]], "agency": agencies[i % 3], "n_cases": 1, "victims": int(victims[i]), "victims_children": 0, "victims_women": 1,
            "victims_rescued": 1, "victims_supported": 0, "suspects_arrested": 1, "is_demo": False,
            # counted as reported (synthetic rows meet no other row: geo.data.counting)
            "id_key": f"a-{i:07d}", "id_skel": f"a{i:07d}", "k_n_cases": 1, "k_victims": int(victims[i]),
            "k_victims_children": 0, "k_victims_women": 1, "k_victims_rescued": 1, "k_victims_supported": 0,
            "k_suspects_arrested": 1, "count_status": "counted", "sources": agencies[i % 3],
        }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--agg-rows", type=int, default=1_000_000)
    ap.add_argument("--keep", action="store_true", help="keep the temporary databases")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="tdn-bench-"))
    try:
        load_registry()
        data = make_csv(args.rows)
        engine = store.get_engine(f"sqlite:///{tmp / 'import.sqlite'}")
        t0 = time.perf_counter()
        report = importer.import_file(data, "bench.csv", engine=engine, user="bench")
        t_import = time.perf_counter() - t0
        if report.status != "imported":
            print(report.to_text("en", max_lines=10))
            return 1
        print(f"import {args.rows:,} case rows (CSV {len(data) / 1e6:.1f} MB, validated, one transaction): "
              f"{t_import:.1f} s  [target <= 30 s] {'OK' if t_import <= 30 else 'SLOW'}")

        engine2 = store.get_engine(f"sqlite:///{tmp / 'agg.sqlite'}")
        t0 = time.perf_counter()
        cols = [c.name for c in S.cases.columns if c.name != "id"]
        sql = f"INSERT INTO cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        with engine2.begin() as conn:
            conn.execute(S.imports.insert().values(id=1, kind="cases", file_name="bulk", checksum="-",
                                                   n_rows=args.agg_rows, imported_at=datetime.now(), status="active",
                                                   is_demo=False))
            cur = conn.connection.cursor()
            batch = []
            for row in bulk_rows(args.agg_rows):
                batch.append(tuple(row.get(c) for c in cols))
                if len(batch) == 50_000:
                    cur.executemany(sql, batch)
                    batch = []
            if batch:
                cur.executemany(sql, batch)
            t_insert = time.perf_counter() - t0
            t0 = time.perf_counter()
            conn.execute(store.rollup_insert([1]))  # what the importer does in the import transaction
            t_rollup = time.perf_counter() - t0
        print(f"(set-up: bulk insert of {args.agg_rows:,} synthetic case rows {t_insert:.1f} s; building their "
              f"case_rollup summary, as the importer does, {t_rollup:.1f} s)")
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            df = store.aggregate_cases("district", "month", engine=engine2)
            times.append(time.perf_counter() - t0)
        best = min(times)
        assert int(df["n_rows"].sum()) == args.agg_rows
        print(f"aggregate {args.agg_rows:,} rows by district and month -> {len(df):,} groups: "
              f"{best:.2f} s (best of 3; first {times[0]:.2f} s)  [target <= 1 s] {'OK' if best <= 1 else 'SLOW'}")
        t0 = time.perf_counter()
        df = store.aggregate_cases("province", "quarter", filters={"demo": "exclude"}, engine=engine2)
        print(f"aggregate {args.agg_rows:,} rows by province and quarter (real data only) -> {len(df):,} groups: "
              f"{time.perf_counter() - t0:.2f} s")
        t0 = time.perf_counter()
        df = store.aggregate_cases("district", "month", filters={"forms": ["sexual"]}, engine=engine2)
        print(f"same by district and month with a form filter (reads the case rows, no summary): "
              f"{time.perf_counter() - t0:.2f} s")
        return 0
    finally:
        store.dispose_engines()
        if args.keep:
            print(f"databases kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
