"""Targeting kernels: the proxy-means fit's normal equations and prediction, and the sums
behind every programme's targeting indicators in one pass."""

from __future__ import annotations

import numpy as np

from valuechain.model.kernels._jit import jit as _jit

__all__ = [
    "TARGETING_COMMON",
    "TARGETING_PER_PROGRAMME",
    "normal_equations",
    "pack_bits",
    "predict",
    "targeting_sums",
]


@_jit
def pack_bits(masks: np.ndarray) -> np.ndarray:
    """One code per household with bit ``p`` set where ``masks[p]`` (programmes x households,
    bool, C order): each household's row of flags read once, each code written once."""
    n_programmes, n = masks.shape
    codes = np.zeros(n, dtype=np.uint64)
    for i in range(n):
        code = np.uint64(0)
        for p in range(n_programmes):
            if masks[p, i]:
                code |= np.uint64(1) << np.uint64(p)
        codes[i] = code
    return codes


@_jit
def normal_equations(
    x: np.ndarray, y: np.ndarray, fit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``X'X`` and ``X'y`` over the rows of ``x`` (households x observables, C order) where
    ``fit`` is true, summed row by row in household order (the same bits on every machine,
    unlike a BLAS product)."""
    n, m = x.shape
    xtx = np.zeros((m, m))
    xty = np.zeros(m)
    for i in range(n):
        if not fit[i]:
            continue
        for a in range(m):
            xa = x[i, a]
            xty[a] += xa * y[i]
            for b in range(a, m):
                xtx[a, b] += xa * x[i, b]
    for a in range(m):
        for b in range(a):
            xtx[a, b] = xtx[b, a]
    return xtx, xty


@_jit
def predict(x: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``x @ coef`` row by row in a fixed order (households x observables, C order)."""
    n, m = x.shape
    out = np.empty(n)
    for i in range(n):
        acc = 0.0
        for a in range(m):
            acc += x[i, a] * coef[a]
        out[i] = acc
    return out


#: the sums :func:`targeting_sums` returns for each programme, in order
TARGETING_PER_PROGRAMME = (
    "recipients",  # households receiving
    "target_missed",  # households of the target group not receiving
    "outside_target",  # households receiving outside the target group
    "extreme_receiving",  # extreme-poor persons whose household receives
    "decile_receiving",  # households of the poorest tenth receiving
)

#: the sums :func:`targeting_sums` returns once, in order
TARGETING_COMMON = (
    "target_households",  # households in the target group
    "decile_households",  # households in the poorest tenth
    "extreme_persons",  # extreme-poor persons
    "registry_missed",  # target-group households not registered
    "registry_outside",  # registered households outside the target group
    "registry_households",  # registered households
    "extreme_programmes_0",  # extreme-poor persons receiving from no programme
    "extreme_programmes_1",
    "extreme_programmes_2",
    "extreme_programmes_3plus",
    "extreme_programme_count",  # extreme-poor persons x programmes they receive from
)


#: programmes a household's receipt code holds at most (one bit each, uint64)
MAX_PROGRAMMES = 64


@_jit
def targeting_sums(
    codes: np.ndarray,
    n_programmes: int,
    keys: np.ndarray,
    target_key: int,
    decile_key: int,
    extreme: np.ndarray,
    registered: np.ndarray,
    weight: np.ndarray,
    persons: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The weighted sums behind the targeting indicators, in one pass over the households.

    ``codes`` holds one uint64 per household, bit ``p`` set when it receives from programme
    ``p`` this month (``n_programmes`` of them, at most :data:`MAX_PROGRAMMES`). A household
    is in the target group when its key (consumption per person, as ordered by
    :func:`~valuechain.model.kernels.sort_keys`) is at most ``target_key``, in the poorest
    tenth when at most ``decile_key``. Households are weighted by ``weight`` (real
    households), extreme-poor persons by ``persons``.

    Returns:
        The per-programme sums (programmes x :data:`TARGETING_PER_PROGRAMME`) and the common
        sums (:data:`TARGETING_COMMON`).
    """
    # only households that receive from some programme enter the loop over programmes
    per = np.zeros((n_programmes, 5))
    common = np.zeros(11)
    one = np.uint64(1)
    for i in range(codes.size):
        w = weight[i]
        target = keys[i] <= target_key
        decile = keys[i] <= decile_key
        poor = extreme[i]
        if target:
            common[0] += w
        if decile:
            common[1] += w
        if registered[i]:
            common[5] += w
            if not target:
                common[4] += w
        elif target:
            common[3] += w
        code = codes[i]
        count = 0
        if code != 0:
            p_i = persons[i]
            for p in range(n_programmes):
                if (code >> np.uint64(p)) & one:
                    count += 1
                    per[p, 0] += w
                    if target:
                        per[p, 1] += w  # target households receiving (missed: target - this)
                    else:
                        per[p, 2] += w
                    if poor:
                        per[p, 3] += p_i
                    if decile:
                        per[p, 4] += w
        if poor:
            p_i = persons[i]
            common[2] += p_i
            common[6 + min(count, 3)] += p_i
            common[10] += p_i * count
    for p in range(n_programmes):
        per[p, 1] = common[0] - per[p, 1]
    return per, common
