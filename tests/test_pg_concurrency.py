"""Several processes on one store at once: migrations, demo loads, an undo racing a re-import.

On the store the tests use (tests/db_support.py): a fresh SQLite file, or a fresh PostgreSQL database when
``TDN_TEST_PG_URL`` is set (``bash scripts/pg_test_cluster.sh start``). The SQLite pass runs the checks that
mean something there (file lock, ``BEGIN IMMEDIATE``); the undo-during-re-import check pauses the undo
with a PostgreSQL table lock and runs on PostgreSQL only.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from geo.data import demo, importer, store
from geo.data import schema as S
from tests.db_support import needs_postgresql, on_postgresql, temp_store_url

ROOT = Path(__file__).resolve().parent.parent

#: a process that imports what it needs, waits for the common start time, then opens (and migrates) the store
OPEN_STORE = """
import sys, time
from geo.data import store
from sqlalchemy import inspect
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
engine = store.get_engine(sys.argv[1])
print(store.schema_version(engine), sorted(inspect(engine).get_table_names()))
"""


@pytest.fixture()
def url(tmp_path):
    with temp_store_url(tmp_path, "race") as u:
        yield u


def _env(url: str) -> dict:
    return {**os.environ, "TDN_DATABASE_URL": url}


def _run_together(commands: list[list[str]], url: str, timeout: float = 600) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for cmd in commands]
    done = []
    for cmd, proc in zip(commands, procs):
        out, err = proc.communicate(timeout=timeout)
        done.append(subprocess.CompletedProcess(cmd, proc.returncode, out, err))
    return done


def test_three_processes_starting_together_migrate_a_new_database_once(url):
    start = f"{time.time() + 6:.3f}"  # after every interpreter has started and imported the store
    runs = _run_together([[sys.executable, "-c", OPEN_STORE, url, start] for _ in range(3)], url)
    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]
    outputs = {run.stdout.strip() for run in runs}
    assert len(outputs) == 1, outputs  # one schema, seen alike by all three
    assert outputs.pop().startswith(f"{S.SCHEMA_VERSION} ")
    engine = store.get_engine(url)
    with engine.connect() as conn:
        versions = [r[0] for r in conn.execute(select(S.schema_migrations.c.version).order_by(S.schema_migrations.c.version))]
        # migration 4 filled case_rollup once: an empty store has no rows there
        assert conn.execute(select(func.count()).select_from(S.case_rollup)).scalar() == 0
    assert versions == list(range(1, S.SCHEMA_VERSION + 1)), versions  # each migration applied exactly once
    store.dispose_engines()


def test_three_demo_loads_at_once_load_the_demo_rows_once(url):
    runs = _run_together([[sys.executable, "-m", "geo", "demo"] for _ in range(3)], url)
    for run in runs:
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    engine = store.get_engine(url)
    imports = importer.list_imports(engine=engine)
    assert len(imports) == len(demo.demo_files()), imports[["id", "kind", "file_name", "origin"]]
    assert sorted(imports["kind"]) == sorted(kind for kind, _ in demo.demo_files())
    assert set(imports["origin"]) == {"demo"} and imports["is_demo"].all()
    # every table holds exactly the rows of its one demo import, not twice or three times
    assert (imports["rows_now"] == imports["n_rows"]).all(), imports[["kind", "n_rows", "rows_now"]]
    with engine.connect() as conn:
        for kind, table in S.KIND_TABLES.items():
            n = conn.execute(select(func.count()).select_from(table)).scalar()
            assert n == int(imports.loc[imports["kind"] == kind, "n_rows"].sum()), kind
        cases = conn.execute(select(func.count()).select_from(S.cases)).scalar()
        rolled = conn.execute(select(func.sum(S.case_rollup.c.n_rows))).scalar()
    assert cases > 300 and rolled == cases  # the summary table counts each case once
    store.dispose_engines()


CASES = ("Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Hình thức bóc lột,Số nạn nhân\n"
         "R-1,14/05/2023,Nghệ An,Kỳ Sơn,tình dục,2\n"
         "R-2,01/06/2023,Nghệ An,Kỳ Sơn,lao động,3\n"
         "R-3,02/03/2024,Lào Cai,Bát Xát,hôn nhân,1\n").encode("utf-8")


def _rows_of(engine, import_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(S.cases).where(S.cases.c.import_id == import_id)).scalar())


def _check_outcome(engine, report, first_id: int, undo) -> None:
    """The import's report is true of the store once both are done."""
    assert report.status in ("imported", "already_imported"), report.to_text("en")
    if report.status == "imported":
        assert undo.ok, undo.message("en")  # it could only be written again once the earlier one was undone
        assert report.import_id != first_id and _rows_of(engine, report.import_id) == 3
        assert _rows_of(engine, first_id) == 0
    else:
        assert report.already_import_id == first_id
        assert _rows_of(engine, first_id) == 3, "reported 'already imported', but the earlier import's rows are gone"
        assert not undo.ok
    with engine.connect() as conn:
        active = conn.execute(select(func.count()).select_from(S.imports).where(S.imports.c.status == "active")).scalar()
        rolled = conn.execute(select(func.coalesce(func.sum(S.case_rollup.c.n_rows), 0))).scalar()
        cases = conn.execute(select(func.count()).select_from(S.cases)).scalar()
    assert active == 1 and cases == 3 and rolled == 3


def _wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@needs_postgresql
def test_a_re_import_while_an_undo_of_the_same_file_is_writing_waits_for_it(url, reg):
    """The undo of import #1 is under way (it holds the store's write lock and is paused by a table lock):
    the same file imported now must not answer "already imported" from the data as it was, since the undo
    is about to remove those rows; it waits, then writes the file again."""
    engine = store.get_engine(url)
    first = importer.import_file(CASES, "race.csv", engine=engine, reg=reg)
    assert first.status == "imported", first.to_text("en")
    results: dict = {}
    pause = engine.connect()
    pause.execute(text(f"LOCK TABLE {S.cases.name} IN EXCLUSIVE MODE"))  # reads go on, the undo's DELETE waits
    undo = threading.Thread(target=lambda: results.__setitem__("undo", importer.undo_import(first.import_id,
                                                                                            engine=engine)))
    undo.start()

    def undo_waits_under_the_write_lock() -> bool:
        with engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND granted"),
                {"k": store._WRITE_LOCK_KEY}).scalar()) and bool(conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                    "AND query ILIKE 'DELETE%'")
                ).scalar())

    try:
        _wait_for(undo_waits_under_the_write_lock, "the undo to hold the write lock")
        again = threading.Thread(target=lambda: results.__setitem__(
            "import", importer.import_file(CASES, "race.csv", engine=engine, reg=reg)))
        again.start()
        again.join(timeout=3)  # an answer taken before the undo is done would come back now
    finally:
        pause.rollback()
        pause.close()
    undo.join(timeout=120)
    again.join(timeout=120)
    assert not undo.is_alive() and not again.is_alive()
    assert results["undo"].ok, results["undo"].message("en")
    _check_outcome(engine, results["import"], first.import_id, results["undo"])
    assert results["import"].status == "imported"


@pytest.mark.parametrize("round_", range(4))
def test_an_undo_racing_a_re_import_ends_consistently(url, reg, round_):
    """Undo of import #1 and a re-import of the same file started at once (threads, each with its own
    connections): whatever order the store puts them in, the import's answer holds afterwards."""
    engine = store.get_engine(url)
    first = importer.import_file(CASES, "race.csv", engine=engine, reg=reg)
    assert first.status == "imported", first.to_text("en")
    gate = threading.Barrier(2)
    results: dict = {}

    def do_undo():
        gate.wait()
        time.sleep(0.002 * round_)
        results["undo"] = importer.undo_import(first.import_id, engine=engine)

    def do_import():
        gate.wait()
        results["import"] = importer.import_file(CASES, "race.csv", engine=engine, reg=reg)

    threads = [threading.Thread(target=do_undo), threading.Thread(target=do_import)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert results["undo"].ok, results["undo"].message("en")  # nothing else undoes it
    report = results["import"]
    if report.status == "already_imported":
        # the import answered before the undo began (the store ordered it first): the undo then removed the
        # rows it named, as asked; the file can be imported again and then is
        assert report.already_import_id == first.import_id and _rows_of(engine, first.import_id) == 0
        report = importer.import_file(CASES, "race.csv", engine=engine, reg=reg)
    _check_outcome(engine, report, first.import_id, results["undo"])
    store.dispose_engines()
