"""Markets as functions on arrays: reference prices, trader margins, selling queues, hiring.

Every function here takes arrays and numbers and returns arrays and numbers; none touches the
model object. That keeps them testable with three hand-made households and reusable by the
plain reference implementation in ``benchmarks/``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "QueueSale",
    "fill_in_order",
    "lay_off",
    "sell_through_queue",
    "step_log_prices",
    "trader_margin",
]


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


@dataclass(frozen=True)
class QueueSale:
    """Result of selling a queue of lots to buyers in order of their offers."""

    revenue_buyers_idr: np.ndarray  # per lot, paid by the capacity-limited buyers
    revenue_trader_idr: np.ndarray  # per lot, paid by the trader
    trader_lot_kg: np.ndarray  # per lot, kg sold to the trader
    bought_kg: np.ndarray  # per capacity-limited buyer
    trader_kg: float  # what the trader bought


def sell_through_queue(
    lots_kg: np.ndarray, capacity_kg: np.ndarray, price_idr_per_kg: np.ndarray, trader_price: float
) -> QueueSale:
    """Sell lots in queue order to buyers with limited capacity, the rest to the trader.

    Buyers are served in the order given (highest offer first is the caller's job); the first
    ``capacity_kg[0]`` kg of the queue go to buyer 0, the next to buyer 1, and so on; what is
    left goes to the trader, who buys any amount. A lot that straddles two buyers is split.
    Revenue is the difference of a piecewise-linear cumulative revenue function, so the whole
    queue costs one cumulative sum and two interpolations.
    """
    lots = np.asarray(lots_kg, dtype=np.float64)
    cap = np.asarray(capacity_kg, dtype=np.float64)
    price = np.asarray(price_idr_per_kg, dtype=np.float64)
    cum = np.cumsum(lots)
    total = float(cum[-1]) if cum.size else 0.0
    prev = cum - lots
    bounds = np.concatenate(([0.0], np.cumsum(cap)))
    value = np.concatenate(([0.0], np.cumsum(cap * price)))
    if cap.size:
        rev_b = np.interp(cum, bounds, value) - np.interp(prev, bounds, value)
    else:
        rev_b = np.zeros_like(lots)
    end = bounds[-1]
    beyond = np.clip(cum - end, 0.0, lots)  # exact where no buyer has room
    bought = np.clip(total - bounds[:-1], 0.0, cap)
    return QueueSale(
        revenue_buyers_idr=rev_b,
        revenue_trader_idr=trader_price * beyond,
        trader_lot_kg=beyond,
        bought_kg=bought,
        trader_kg=max(total - end, 0.0),
    )


def fill_in_order(weights_in_order: np.ndarray, need: float) -> int:
    """How many candidates, taken in order, fill ``need`` units when each brings its weight.

    A candidate is taken while the filled amount stays within half a weight of ``need``
    (rounding to the nearest whole simulated household). Returns the count taken.
    """
    if need <= 0 or weights_in_order.size == 0:
        return 0
    cum = np.cumsum(weights_in_order)
    return int(np.searchsorted(cum - 0.5 * weights_in_order, need, side="left"))


def lay_off(weights_lowest_priority_first: np.ndarray, excess: float) -> int:
    """How many incumbents, lowest priority first, to let go so employment falls by ``excess``."""
    return fill_in_order(weights_lowest_priority_first, excess)
