"""Helpers of the importer for big files (geo.data.bulk): which columns of a batch a SQLite insert leaves out,
and the garbage collector paused and given back."""
from __future__ import annotations

import gc

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, text

from geo.data import bulk


def test_empty_columns_are_left_out_only_on_sqlite_and_only_without_a_default():
    md = MetaData()
    t = Table("t", md, Column("id", Integer, primary_key=True), Column("a", String), Column("b", String),
              Column("c", String), Column("d", String))
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT DEFAULT 'x')"))  # no d
        names = ["a", "b", "c", "d"]
        cols = [("1", None), (None, None), [None, None], (None, None)]
        # a has a value, b is empty (left out), c has a default and d is not stored (both kept: the insert
        # does what it did), every column of a batch of no rows is kept
        assert bulk.empty_columns_left_out(conn, t, names, cols, 2) == [0, 2, 3]
        assert bulk.empty_columns_left_out(conn, t, names, cols, 0) == [0, 1, 2, 3]
        # anything but a list or a tuple of values is kept
        assert bulk.empty_columns_left_out(conn, t, ["a", "b"], [("1", None), iter([None, None])], 2) == [0, 1]


def test_other_databases_insert_every_column():
    class Dialect:
        name = "postgresql"

    class Conn:
        dialect = Dialect()

    assert bulk.empty_columns_left_out(Conn(), None, ["a", "b"], [(None,), (None,)], 1) == [0, 1]


def test_the_collector_is_paused_and_given_back():
    was = gc.isenabled()
    gc.enable()
    try:
        with bulk.gc_paused():
            with bulk.gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        with bulk.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # off before: off after
    finally:
        (gc.enable if was else gc.disable)()
