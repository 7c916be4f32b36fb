"""Cell-key method (CKM): consistent noise on every displayed count, so that no small count can be worked
out by combining views (nested periods, districts against their province, a table against a published
total).

How it works (see ``/work/shared/notes/disclosure-control.md``):

- **Record key.** Every stored case row gets a key in [0, 1) once, when it is written, and keeps it:
  ``HMAC-SHA256(server secret, row_key)``, the first 32 bits divided by 2**32 (9.6 decimal digits). The
  secret is ``store.secret("cellkey")`` (32 random bytes in the store's ``app_settings``, shared by every
  process). A row with ``n`` victims counts as ``n`` records carrying the row's key.
- **Cell key.** The fractional part of the sum of a cell's record keys: ``frac(Σ count × ckey)``, computed
  by the store with ``SUM`` (``ck_<column>`` next to every sum of ``store.aggregate_cases``). Keys are
  multiples of 2**-32, so the sums are exact in double precision (up to about two million records per
  cell): the same records give the same cell key whatever the grouping, order, query or database.
- **Perturbation.** The ptable row ``min(n, ncat)`` lists targets ``j`` with probabilities; the noise is
  the target whose interval ``[lb, ub)`` holds the cell key. Published value = ``j``. Every displayed
  cell (district, province, "other" line, total, nested period) is perturbed from its own records, never
  re-summed from perturbed parts.
- **Mask.** Then a perturbed value from 1 to ``threshold - 1`` is shown "<5"; a perturbed 0 is shown "0"
  (true 0 always stays 0; a perturbed 0 can also be a true 1 or 2, "false zeros", which is part of the
  protection: a shown 0 no longer proves that nothing happened, and a shown positive always proves
  at least one record, as without noise).

Parameters (environment variables, read when a table is first built in a process):

====================  =======  ============================================================================
variable              default  meaning
====================  =======  ============================================================================
``TDN_CKM_D``         3        largest absolute noise
``TDN_CKM_V``         2.0      noise variance (upper bound; the max-entropy solution reaches it where it can)
``TDN_CKM_JS``        1        perturbed values 1..js never appear (a true 1 never stays 1)
====================  =======  ============================================================================

Why D=3, V=2 and not the textbook D=2, V=1.08 (which the brute-force test, T5 in
``tests/test_cellkey.py``, also passes on the demo data): no false positives means a shown positive is
at least 1, and with D=2 a shown "0" is at most 2. So two cells shown as positive ("<5" or a number)
under a total shown "0" (two months under their quarter, two districts under their province) are both
exactly 1. With the D=2 table that happens for a pair of true-1 cells with probability about
0.49 × 0.49 × 0.17 ≈ 4 %: rare on the demo data, certain somewhere on a country's worth of cells
(``test_why_d_is_3`` shows the case). With D=3 it needs three such cells under one "0" (≈ 0.5 %,
change the parameters only after re-running T5). V=2 is the variance D=3 allows without pushing
probability to the edges (row 4 and above: ±3 with 3.7 % each).
Never publish D, V or the table (the Council of Europe guidelines), nor keys or noise.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import math
import os
from dataclasses import dataclass

import numpy as np

ENV_D, ENV_V, ENV_JS = "TDN_CKM_D", "TDN_CKM_V", "TDN_CKM_JS"
DEFAULT_D, DEFAULT_V, DEFAULT_JS = 3, 2.0, 1
KEY_BITS = 32
SECRET_NAME = "cellkey"


# --------------------------------------------------------------------------------------------------
# Record keys
# --------------------------------------------------------------------------------------------------
def record_key(secret: bytes, row_key: str) -> float:
    """The record key of a stored row: HMAC-SHA256(secret, row_key) mapped to [0, 1) (a multiple of 2**-32)."""
    digest = hmac.new(secret, str(row_key).encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[: KEY_BITS // 8], "big") / float(2 ** KEY_BITS)


def record_keys(secret: bytes, row_keys) -> list[float]:
    """:func:`record_key` of many rows, the same values: the HMAC (RFC 2104) computed from two SHA-256 states
    keyed once (inner and outer pad), copied per row (no HMAC object per row)."""
    block = hashlib.sha256().block_size
    key = hashlib.sha256(secret).digest() if len(secret) > block else secret
    key = key.ljust(block, b"\0")
    inner0 = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer0 = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    scale = float(2 ** KEY_BITS)
    n_bytes = KEY_BITS // 8
    from_bytes = int.from_bytes
    out = []
    for row_key in row_keys:
        inner = inner0.copy()
        inner.update((row_key if row_key.__class__ is str else str(row_key)).encode("utf-8"))
        outer = outer0.copy()
        outer.update(inner.digest())
        out.append(from_bytes(outer.digest()[:n_bytes], "big") / scale)
    return out


def cell_key(key_sum) -> float:
    """The cell key of a sum of record keys (``ck_<column>``): its fractional part."""
    s = float(key_sum or 0.0)
    if math.isnan(s):
        return 0.0
    return s - math.floor(s)


# --------------------------------------------------------------------------------------------------
# The perturbation table
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PTable:
    """Count ptable: for each original count ``i`` in 0..ncat, targets ``j`` with probabilities ``p``
    and cumulative intervals ``[lb, ub)`` (8 digits, as the R ``ptable`` package writes them)."""

    D: int
    V: float
    js: int
    rows: tuple  # rows[i] = tuple of (j, p, lb, ub)

    @property
    def ncat(self) -> int:
        return len(self.rows) - 1

    def row(self, n: int) -> tuple:
        return self.rows[min(int(n), self.ncat)]

    def noise(self, n: int, ck: float) -> int:
        """Noise for a true count ``n`` >= 0 and a cell key ``ck`` in [0, 1)."""
        n = int(n)
        if n <= 0:
            return 0
        i = min(n, self.ncat)
        row = self.rows[i]
        for j, _p, _lb, ub in row:
            if ck < ub:
                return j - i
        return row[-1][0] - i

    def targets(self, n: int) -> dict[int, float]:
        """Perturbed value -> probability for a true count ``n``."""
        n = int(n)
        if n <= 0:
            return {0: 1.0}
        i = min(n, self.ncat)
        return {n + (j - i): p for j, p, _lb, _ub in self.rows[i] if p > 0}

    def check(self, tol: float = 1e-6) -> list[str]:
        """Problems of the table (empty when fine): rows sum to 1, mean 0, variance <= V, |v| <= D,
        no target in 1..js, 0 -> 0."""
        out = []
        if [j for j, *_ in self.rows[0]] != [0]:
            out.append("0 must map to 0 only")
        for i, row in enumerate(self.rows):
            ps = np.array([p for _, p, _, _ in row])
            vs = np.array([j - i for j, *_ in row])
            if abs(ps.sum() - 1) > tol:
                out.append(f"row {i}: probabilities sum to {ps.sum()}")
            if abs((ps * vs).sum()) > 1e-4:
                out.append(f"row {i}: mean noise {(ps * vs).sum()}")
            if (ps * vs ** 2).sum() > self.V + 1e-4:
                out.append(f"row {i}: variance {(ps * vs ** 2).sum()} > V")
            if np.abs(vs).max() > self.D:
                out.append(f"row {i}: noise beyond D")
            if any(1 <= j <= self.js for j, *_ in row):
                out.append(f"row {i}: a target in 1..js")
            if row[-1][3] != 1.0:
                out.append(f"row {i}: intervals do not end at 1")
        return out


def _solve_row(i: int, D: int, V: float, js: int, mono: bool) -> list[tuple[int, float]]:
    """One row of ``ptable::create_cnt_ptable`` (optim=1): max entropy s.t. sum 1, mean 0, variance <= V,
    p >= 1e-8, and (``mono``) p non-decreasing from v = -D to v = 0. scipy SLSQP, start all ones."""
    from scipy.optimize import minimize

    js_set = set(range(1, js + 1))
    targets = [j for j in range(max(i - D, 0), i + D + 1) if j not in js_set]
    v = np.array([j - i for j in targets], dtype=float)
    n = len(v)

    def entropy(p):
        p = np.clip(p, 1e-12, None)
        return float(np.sum(p * np.log2(p)))

    def grad(p):
        p = np.clip(p, 1e-12, None)
        return np.log2(p) + 1 / math.log(2)

    cons = [{"type": "eq", "fun": lambda p: np.sum(p) - 1, "jac": lambda p: np.ones(n)},
            {"type": "eq", "fun": lambda p: float(p @ v), "jac": lambda p: v},
            {"type": "ineq", "fun": lambda p: V - float(p @ v ** 2), "jac": lambda p: -(v ** 2)}]
    if mono:
        left = [k for k in range(n) if v[k] <= 0]
        for a, b in zip(left, left[1:]):
            def f(p, a=a, b=b):
                return p[b] - p[a]

            def jac(p, a=a, b=b):
                g = np.zeros(n)
                g[b], g[a] = 1.0, -1.0
                return g
            cons.append({"type": "ineq", "fun": f, "jac": jac})
    res = minimize(entropy, np.ones(n), jac=grad, method="SLSQP", bounds=[(1e-8, 1)] * n, constraints=cons,
                   options={"ftol": 1e-12, "maxiter": 1000})
    p = np.clip(res.x, 0, 1)
    p = p / p.sum()
    return list(zip(targets, p.tolist()))


def create_cnt_ptable(D: int, V: float, js: int = 0, mono=True) -> PTable:
    """Port of R ``ptable::create_cnt_ptable(D, V, js, optim=1, mono)``; ``mono`` a bool or one bool per
    row 1..ncat (e.g. ``(True, True, False, True)`` as in the ptable example for D=2, V=1.08, js=1)."""
    if D < 1 or V <= 0 or js < 0:
        raise ValueError("the ptable needs D >= 1, V > 0 and js >= 0")
    ncat = D if js == 0 else D + js + 1
    monos = [mono] * ncat if isinstance(mono, bool) else list(mono)
    if len(monos) != ncat:
        raise ValueError(f"mono needs one value per row 1..{ncat}")
    rows = [((0, 1.0, 0.0, 1.0),)]
    for i in range(1, ncat + 1):
        solved = _solve_row(i, D, V, js, monos[i - 1])
        # 8 digits as ptable writes them; the last interval ends at 1 exactly
        ps = [round(p, 8) for _, p in solved]
        ps[-1] = round(1.0 - sum(ps[:-1]), 8)
        row, lb = [], 0.0
        for (j, _), p in zip(solved, ps):
            ub = round(lb + p, 8)
            row.append((j, p, lb, ub))
            lb = ub
        j, p, lb, _ = row[-1]
        row[-1] = (j, p, lb, 1.0)
        rows.append(tuple(row))
    return PTable(D=int(D), V=float(V), js=int(js), rows=tuple(rows))


def params_from_env() -> tuple[int, float, int]:
    """(D, V, js) from ``TDN_CKM_D``/``TDN_CKM_V``/``TDN_CKM_JS`` (defaults 3, 2.0, 1)."""
    def read(name, default, cast):
        raw = os.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            return cast(raw)
        except ValueError:
            raise ValueError(f"{name} must be a number, not {raw!r}") from None

    D, V, js = read(ENV_D, DEFAULT_D, int), read(ENV_V, DEFAULT_V, float), read(ENV_JS, DEFAULT_JS, int)
    if D < 1 or V <= 0 or js < 0:
        raise ValueError(f"{ENV_D} must be at least 1, {ENV_V} positive and {ENV_JS} at least 0")
    return D, V, js


@functools.lru_cache(maxsize=8)
def _ptable(D: int, V: float, js: int) -> PTable:
    mono = (True, True, False, True) if (D, js) == (2, 1) else True
    table = create_cnt_ptable(D, V, js, mono)
    problems = table.check()
    if problems:
        raise ValueError("the cell-key ptable does not hold: " + "; ".join(problems))
    return table


def ptable() -> PTable:
    """The configured ptable (cached per parameters)."""
    return _ptable(*params_from_env())


def perturb(n, cell_key_sum, table: PTable | None = None):
    """The published value of a true count ``n`` whose records' keys sum to ``cell_key_sum``
    (deterministic). ``None``/NaN stays None (no data); 0 stays 0."""
    if n is None:
        return None
    try:
        value = float(n)
    except (TypeError, ValueError):
        return None
    if math.isnan(value):
        return None
    n = int(round(value))
    if n <= 0:
        return 0
    table = table or ptable()
    return n + table.noise(n, cell_key(cell_key_sum))
