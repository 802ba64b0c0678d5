"""The targeting registry: proxy-means scores, ranks, and targeting errors (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain.config.programmes import Registry
from valuechain.model import kernels
from valuechain.model.households.state import Households

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
    hh: Households, district: slice, noise: np.ndarray | None, registry: Registry
) -> tuple[float, float]:
    """One district's registry this month: certified when ``noise`` is given, then measured.

    On a certification month (``noise``: one standard normal per household of ``district``)
    the households are scored on last month's consumption per person and ranked
    (:func:`certify`), and their ``registry_score``, ``registry_rank`` and ``registered`` are
    overwritten; in other months they are kept. Either way the registry is then measured
    against the poorest ``coverage_share`` now (:func:`targeting_errors`).

    Returns:
        The exclusion and inclusion errors.
    """
    s = district
    pc = hh.consumption_idr[s] / hh.size[s]
    if noise is not None:
        cert = certify(pc, noise, registry.score_noise_sd, registry.coverage_share)
        hh.registry_score[s] = cert.score
        hh.registry_rank[s] = cert.rank
        hh.registered[s] = cert.registered
    return targeting_errors(pc, hh.registered[s], hh.weight[s], registry.coverage_share)
