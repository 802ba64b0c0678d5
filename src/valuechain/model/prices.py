"""Reference prices: each chain's farm stage on its own mean-reverting log-price process, and
every other stage following the stage it is made from, times a margin ratio with its own noise.

:class:`ReferencePrices` is the state of one chain (a few numbers per stage);
:func:`step_log_levels` is its monthly equation, shared with the plain reference
implementation in ``benchmarks/``. What farmers, traders and processors pay at these prices is
:mod:`valuechain.model.trade`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from valuechain.config.chains import Chain, PriceShock

__all__ = ["ReferencePrices", "log_prices_of_levels", "step_log_levels"]


def step_log_levels(
    level: np.ndarray,
    mean: np.ndarray,
    kappa: np.ndarray,
    sigma: np.ndarray,
    z: np.ndarray,
) -> np.ndarray:
    """One month of every stage's mean-reverting log level: ``l' = l + kappa (mu - l) + sigma z``.

    A root stage's level is its log price (with ``kappa = 0`` a geometric random walk); a
    following stage's level is its log margin ratio over the stage it follows. ``z`` holds one
    independent standard normal per stage.
    """
    return level + kappa * (mean - level) + sigma * z


def log_prices_of_levels(level: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Log prices from levels: a root's (``parent = -1``) is its level, a follower's its
    parent's log price plus its level. Stages come in an order where parents come first."""
    out = level.copy()
    for i, q in enumerate(parent):
        if q >= 0:
            out[i] += out[q]
    return out


class ReferencePrices:
    """The reference prices of one chain's stages (IDR/kg).

    A root stage (the farm stage, and any stage nothing makes) has a log price that reverts to
    a drifting long-run mean. Every other stage follows the stage it is made from (or that
    its ``follows`` names): ``p_s = p_parent x r_s``, where the log margin ratio ``log r_s``
    reverts to its start value ``log(p_s0 / p_parent0)`` with its own noise (ODD 7.1). A plant
    cannot keep a margin the market does not pay: its output price moves with its input's.

    Args:
        commodity: the chain's commodity (scheduled shocks name it).
        chain: the chain's parameters (start prices and the process of each stage).
    """

    def __init__(self, commodity: str, chain: Chain):
        self.commodity = commodity
        self.stages = chain.stage_order()
        self.farm = self.stages.index(chain.farm_stage)
        parents = [chain.price_parent(s) for s in self.stages]
        self.parent = np.array([-1 if q is None else self.stages.index(q) for q in parents])
        self.kappa = np.array([chain.stages[s].mean_reversion_month for s in self.stages])
        self.sigma = np.array([chain.stages[s].volatility_month for s in self.stages])
        # a following stage has no drift of its own (the chain's validator refuses one)
        self.drift = np.array([chain.stages[s].drift_month for s in self.stages])
        log_start = np.log([chain.stages[s].price_idr_per_kg for s in self.stages])
        self._level_start = np.where(
            self.parent < 0, log_start, log_start - log_start[np.maximum(self.parent, 0)]
        )
        self._index = {s: i for i, s in enumerate(self.stages)}
        self.reset()

    def reset(self) -> None:
        """Back to the start prices the chain states (levels and their long-run means)."""
        self.level = self._level_start.copy()
        self.mean = self._level_start.copy()
        self.log_price = log_prices_of_levels(self.level, self.parent)

    def price(self, stage: str) -> float:
        """Reference price of ``stage`` this month (IDR/kg)."""
        return math.exp(self.log_price[self._index[stage]])

    @property
    def farm_price(self) -> float:
        """Reference price of the farm stage this month (IDR/kg)."""
        return math.exp(self.log_price[self.farm])

    def step(self, t: int, shocks: Iterable[PriceShock], rng: np.random.Generator) -> None:
        """One month: this chain's scheduled shocks for month ``t``, then the price process.

        A shock multiplies a stage's price by ``factor`` (and its long-run mean too when it
        is persistent). A shock that names no stages hits the root stages, and the stages that
        follow them move with them; a shock naming a following stage moves its margin ratio.
        Then the long-run means of the roots drift and every level takes a step of
        :func:`step_log_levels` with one standard normal per stage from ``rng``.
        """
        for shock in shocks:
            if shock.commodity == self.commodity and shock.month == t:
                names = shock.stages or [s for i, s in enumerate(self.stages) if self.parent[i] < 0]
                idx = [self._index[s] for s in names]
                self.level[idx] += math.log(shock.factor)
                if shock.persistent:
                    self.mean[idx] += math.log(shock.factor)
        z = rng.standard_normal(len(self.stages))
        self.mean += self.drift
        self.level = step_log_levels(self.level, self.mean, self.kappa, self.sigma, z)
        self.log_price = log_prices_of_levels(self.level, self.parent)
