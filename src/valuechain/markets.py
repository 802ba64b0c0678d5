"""Markets as functions on arrays: reference prices, trader margins, selling queues, hiring.

Every function here takes arrays and numbers and returns arrays and numbers; none touches the
model object. That keeps them testable with three hand-made households and reusable by the
plain reference implementation in ``benchmarks/``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain import kernels

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
    One pass over the queue (:func:`valuechain.kernels.sell_in_queue`, which the model calls
    directly with its rotating queue order).
    """
    lots = np.asarray(lots_kg, dtype=np.float64)
    cap = np.asarray(capacity_kg, dtype=np.float64)
    revenue = np.zeros(lots.size)
    trader_lot = np.zeros(lots.size)
    bought = np.zeros(cap.size)
    trader_kg = kernels.sell_in_queue(
        lots,
        np.arange(lots.size),
        0,
        cap,
        np.asarray(price_idr_per_kg, dtype=np.float64),
        float(trader_price),
        revenue,
        trader_lot,
        bought,
    )
    to_trader = trader_price * trader_lot
    return QueueSale(
        revenue_buyers_idr=revenue - to_trader,
        revenue_trader_idr=to_trader,
        trader_lot_kg=trader_lot,
        bought_kg=bought,
        trader_kg=trader_kg,
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
