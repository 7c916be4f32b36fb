"""Process settings while one big file is checked or imported (issue 17).

:func:`gc_paused`: Python's cyclic garbage collector paused while a file is checked or imported.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector paused while a file is checked or imported (the process's collector,
    as it was before the first of any overlapping checks, again after the last). A big file makes hundreds of
    thousands of short-lived records, which set off full collections that walk every object of the process
    (the place registry alone holds millions): about a third of an import's time. The records themselves
    hold no cycles and are freed as soon as they are written; memory still grows with a batch."""
    global _GC_USERS, _GC_WAS_ON
    with _GC_LOCK:
        if _GC_USERS == 0:
            _GC_WAS_ON = gc.isenabled()
            gc.disable()
        _GC_USERS += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_USERS -= 1
            if _GC_USERS == 0 and _GC_WAS_ON:
                gc.enable()


_GC_LOCK = threading.Lock()
_GC_USERS = 0  # checks and imports under way
_GC_WAS_ON = True
