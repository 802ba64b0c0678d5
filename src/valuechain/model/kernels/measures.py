"""Measurement kernels: indicator sums, fixed-order dot products, integer-key sorting and
the Gini."""

from __future__ import annotations

import numpy as np

from valuechain.model.kernels._jit import jit as _jit

__all__ = [
    "SUMS",
    "argsort",
    "dot",
    "gini",
    "indicator_sums",
    "sort_keys",
]


# ---------------------------------------------------------------------------- indicators
@_jit
def _f(flag: bool) -> float:
    """A flag as 0.0 or 1.0 (sums of ``weight x flag`` compile without branches)."""
    return np.float64(flag)


#: the weighted sums :func:`indicator_sums` returns, in order (persons or households)
SUMS = (
    "persons",
    "poor190",
    "gap190",
    "sev190",
    "poor215",
    "poor_nat",
    "gap_nat",
    "sev_nat",
    "consumption",
    "exits",
    "entries",
    "sustained_exits",
    "processing_jobs",
    "processing_jobs_poor",
    "labour_force",
    "transfer_recipients",
    "registered_households",
    "households",
    "persons_elderly_disabled",
    "poor190_elderly_disabled",
    "cooperative_members",
    "processing_jobs_women",
    "poor190_farming",
)


@_jit
def indicator_sums(
    pc: np.ndarray,
    persons: np.ndarray,
    weight: np.ndarray,
    lines: np.ndarray,
    is_poor: np.ndarray,
    was_poor: np.ndarray,
    poor_at_start_190: np.ndarray,
    months_out: np.ndarray,
    sustained_months: int,
    job_firm: np.ndarray,
    job_firm2: np.ndarray,
    n_women: np.ndarray,
    poor_at_start: np.ndarray,
    n_adults: np.ndarray,
    transfers: np.ndarray,
    registered: np.ndarray,
    n_elderly: np.ndarray,
    n_disabled: np.ndarray,
    coop: np.ndarray,
    group: np.ndarray,
    land_ha: np.ndarray,
) -> np.ndarray:
    """Every weighted sum the indicators need (names in :data:`SUMS`).

    ``persons`` = weight x size. With ``y`` (``pc``) consumption per person and the lines
    ``z`` (USD 1.90, USD 2.15, national or district: one district's row of the model's
    lines): poor persons below each line; at USD 1.90 and at the national line the sums
    ``sum p (1 - y/z)`` and ``sum p (1 - y/z)^2`` over the poor. Exits: poor last month,
    not now; entries the reverse; sustained exits: poor at the start and out at least
    ``sustained_months``. Cooperative members: in a processing cooperative (``coop >= 0``)
    or in a selling group (``group``; empty when there is none). Processing jobs: the first
    (``job_firm``) and a second earner's (``job_firm2``); a household's first job is held by
    a woman when all its adults are women (``n_women``), its second when it has a woman.
    Extreme-poor persons farming: in households holding land (or a boat share) in any
    commodity (``land_ha``, one column per commodity).
    """
    # three passes with few running sums each: one pass with all twenty-one spills them
    # out of the registers and is slower than three; flags become 0.0 / 1.0 factors
    z190, z215, znat = lines[0], lines[1], lines[2]
    total_p = poor190 = gap190 = sev190 = poor215 = poor_nat = gap_nat = sev_nat = 0.0
    total_y = 0.0
    n = pc.size
    for i in range(n):
        p = persons[i]
        y = pc[i]
        below = p * _f(y < z190)
        g = 1.0 - y / z190
        below_nat = p * _f(y < znat)
        g_nat = 1.0 - y / znat
        total_p += p
        poor190 += below
        gap190 += below * g
        sev190 += below * g * g
        poor215 += p * _f(y < z215)
        poor_nat += below_nat
        gap_nat += below_nat * g_nat
        sev_nat += below_nat * g_nat * g_nat
        total_y += p * y
    exits = entries = sustained = persons_ed = poor_ed = poor_farm = 0.0
    n_crops = land_ha.shape[1]
    for i in range(n):
        p = persons[i]
        now = _f(is_poor[i])
        farms = False
        for j in range(n_crops):
            farms = farms or land_ha[i, j] > 0.0
        poor_farm += p * now * _f(farms)
        was = _f(was_poor[i])
        exits += p * (was * (1.0 - now))
        entries += p * (now * (1.0 - was))
        sustained += p * _f(poor_at_start_190[i] & (months_out[i] >= sustained_months))
        ed = p * _f(n_elderly[i] + n_disabled[i] > 0)
        persons_ed += ed
        poor_ed += ed * now
    jobs = jobs_poor = labour = recipients = registry = households = members = 0.0
    jobs_women = 0.0
    grouped = group.size > 0
    for i in range(n):
        w = weight[i]
        first = _f(job_firm[i] >= 0)
        second = _f(job_firm2[i] >= 0)
        employed = first + second
        jobs_women += w * (first * _f(n_women[i] >= n_adults[i]) + second * _f(n_women[i] > 0))
        jobs += w * employed
        jobs_poor += w * (employed * _f(poor_at_start[i]))
        labour += w * n_adults[i]
        recipients += w * _f(transfers[i] > 0.0)
        registry += w * _f(registered[i])
        households += w
        members += w * _f(coop[i] >= 0 or (grouped and group[i]))
    return np.array(
        [
            total_p,
            poor190,
            gap190,
            sev190,
            poor215,
            poor_nat,
            gap_nat,
            sev_nat,
            total_y,
            exits,
            entries,
            sustained,
            jobs,
            jobs_poor,
            labour,
            recipients,
            registry,
            households,
            persons_ed,
            poor_ed,
            members,
            jobs_women,
            poor_farm,
        ]
    )


@_jit
def _ordered_bits(bits: np.int64) -> np.int64:
    """A float64's bit pattern (read as int64) turned into an int64 that orders like the
    float: negative floats have every bit but the sign flipped."""
    return bits ^ ((bits >> 63) & 0x7FFFFFFFFFFFFFFF)


@_jit
def dot(w: np.ndarray, x: np.ndarray) -> float:
    """``sum(w * x)`` with four partial sums in a fixed order: the same bits whatever the CPU
    (a BLAS dot product's order depends on it), and fast."""
    n = w.size
    a0 = a1 = a2 = a3 = 0.0
    i = 0
    while i + 4 <= n:
        a0 += w[i] * x[i]
        a1 += w[i + 1] * x[i + 1]
        a2 += w[i + 2] * x[i + 2]
        a3 += w[i + 3] * x[i + 3]
        i += 4
    while i < n:
        a0 += w[i] * x[i]
        i += 1
    return (a0 + a1) + (a2 + a3)


@_jit
def sort_keys(values: np.ndarray, floor: float) -> tuple[np.ndarray, int]:
    """Integer keys that sort like ``max(values, floor)`` and carry each position.

    A float64's bit pattern, read as an int64 (negative ones with their bits flipped),
    compares like the float. The lowest ``b = ceil(log2 n)`` bits of that integer are
    replaced by the position, so sorting the keys (numpy's vectorised integer sort) orders
    the values, equal values by position, and says where each came from. Values closer
    than about 2^(b-52) relative may swap places; no measure here can tell. ``values`` must
    be contiguous and free of NaN. Returns the keys and the position mask.
    """
    n = values.size
    bits = 1
    while (1 << bits) < n:
        bits += 1
    mask = (1 << bits) - 1
    as_int = values.view(np.int64)
    lowest = _ordered_bits(np.array([floor]).view(np.int64)[0])
    keys = np.empty(n, dtype=np.int64)
    for i in range(n):
        keys[i] = (max(_ordered_bits(as_int[i]), lowest) & ~mask) | i
    return keys, mask


def argsort(values: np.ndarray, floor: float = -np.inf) -> np.ndarray:
    """Positions that sort ``max(values, floor)``, equal values in position order (a
    stable argsort, to :func:`sort_keys`'s precision), by one integer sort."""
    keys, mask = sort_keys(np.ascontiguousarray(values, dtype=np.float64), floor)
    keys.sort()
    return keys & mask


@_jit
def gini(sorted_keys: np.ndarray, mask: int, x: np.ndarray, w: np.ndarray) -> float:
    """Gini of ``x`` with weights ``w``, from keys sorted by :func:`sort_keys`:
    ``G = 1 - sum_i w_i (S_{i-1} + S_i) / (W S_n)`` over the sorted values, with ``S`` the
    cumulative sum of ``w x`` (the formula of :func:`valuechain.outputs.metrics.weighted_gini`)."""
    cum_w = 0.0
    cum_wx = 0.0
    area = 0.0
    for key in sorted_keys:
        i = key & mask
        prev = cum_wx
        cum_wx += w[i] * x[i]
        cum_w += w[i]
        area += w[i] * (prev + cum_wx)
    if cum_w <= 0.0 or cum_wx <= 0.0:
        return np.nan
    return 1.0 - area / (cum_w * cum_wx)
