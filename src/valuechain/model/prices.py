"""Markets as functions on numbers: reference prices and the trader margin.

None touches the model object, so the plain reference implementation in ``benchmarks/``
reuses them. The loops over households in the markets (the selling queue, cooperative
intake, hiring and lay-offs) are compiled kernels in :mod:`valuechain.model.kernels.markets`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["step_log_prices", "trader_margin"]


def step_log_prices(
    log_price: np.ndarray,
    log_mean: np.ndarray,
    kappa: np.ndarray,
    sigma: np.ndarray,
    rho: float,
    z_common: float,
    z_stage: np.ndarray,
) -> np.ndarray:
    """One month of correlated mean-reverting log prices for the stages of one chain.

    ``log p' = log p + kappa (log mu - log p) + sigma (sqrt(rho) z_common + sqrt(1-rho) z_s)``.
    With ``kappa = 0`` this is a geometric random walk. ``rho`` is the correlation of the
    innovations between stages of the chain.
    """
    eps = np.sqrt(rho) * z_common + np.sqrt(1.0 - rho) * z_stage
    return log_price + kappa * (log_mean - log_price) + sigma * eps


def trader_margin(
    m_min: float, m_max: float, local_capacity_share: float, competition: float
) -> float:
    """Trader margin as a share of the reference price; falls as local buyers compete.

    ``m = m_max - (m_max - m_min) x min(1, competition x s)`` where ``s`` is the local
    processors' input capacity as a share of the district's mean monthly harvest. With no
    local buyer traders take ``m_max``; once local buyers could take the whole harvest
    (with ``competition = 1``) the margin is down to ``m_min``.
    """
    pressure = min(1.0, competition * max(local_capacity_share, 0.0))
    return m_max - (m_max - m_min) * pressure
