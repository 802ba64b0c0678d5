"""The targeting registry: proxy-means scores, ranks, and targeting errors (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain.model import kernels

__all__ = ["Certification", "certify", "registry_month", "targeting_errors"]


@dataclass(frozen=True)
class Certification:
    """One district's registry after certification."""

    score: np.ndarray  # log IDR
    rank: np.ndarray  # 0 = poorest by score, in [0, 1)
    registered: np.ndarray  # bool


def certify(
    consumption_pc: np.ndarray, noise: np.ndarray, noise_sd: float, coverage_share: float
) -> Certification:
    """Score = log(consumption per person) + noise; the lowest ``coverage_share`` register.

    ``rank = position by score / households``; ``registered = rank < coverage_share``, i.e.
    the first ``ceil(coverage_share x households)`` by score.
    """
    n = consumption_pc.size
    score = np.log(np.maximum(consumption_pc, 1.0)) + noise_sd * noise
    order = kernels.argsort(score)
    rank = np.empty(n)
    rank[order] = np.arange(n) / max(n, 1)
    return Certification(score=score, rank=rank, registered=rank < coverage_share)


def targeting_errors(
    consumption_pc: np.ndarray, registered: np.ndarray, weight: np.ndarray, coverage_share: float
) -> tuple[float, float]:
    """Exclusion and inclusion errors of the registry against its own target today.

    The target is the poorest ``coverage_share`` of households by consumption per person now
    (the same number of households the registry holds). Exclusion error = share of the target
    not registered; inclusion error = share of the registered outside the target (weighted
    by households). A perfect, freshly certified registry has both at zero; noise and stale
    information since the last certification raise them.
    """
    n = consumption_pc.size
    k = int(np.ceil(coverage_share * n - 1e-9))
    if k <= 0 or n == 0:
        return 0.0, 0.0
    # as scored: log(max(c, 1)); the k smallest keys are the k poorest, found in O(n)
    keys, _ = kernels.sort_keys(consumption_pc, 1.0)
    threshold = int(np.partition(keys, k - 1)[k - 1])
    return kernels.targeting_errors(keys, threshold, registered, weight)


def registry_month(
    consumption_idr: np.ndarray,
    size: np.ndarray,
    weight: np.ndarray,
    score: np.ndarray,
    rank: np.ndarray,
    registered: np.ndarray,
    noise: np.ndarray | None,
    noise_sd: float,
    coverage_share: float,
) -> tuple[float, float]:
    """One district's registry this month: certified when ``noise`` is given, then measured.

    On a certification month (``noise``: one standard normal per household) the households
    are scored on last month's consumption per person and ranked (:func:`certify`), and
    ``score``, ``rank`` and ``registered`` (the district's arrays) are overwritten; in other
    months they are kept. Either way the registry is then measured against the poorest
    ``coverage_share`` now (:func:`targeting_errors`).

    Returns:
        The exclusion and inclusion errors.
    """
    pc = consumption_idr / size
    if noise is not None:
        cert = certify(pc, noise, noise_sd, coverage_share)
        score[:] = cert.score
        rank[:] = cert.rank
        registered[:] = cert.registered
    return targeting_errors(pc, registered, weight, coverage_share)
