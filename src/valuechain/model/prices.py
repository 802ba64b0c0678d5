"""Reference prices: the correlated mean-reverting log-price process of each chain's stages.

:class:`ReferencePrices` is the state of one chain (a few numbers per stage);
:func:`step_log_prices` is its monthly equation, shared with the plain reference
implementation in ``benchmarks/``. What farmers, traders and processors pay at these prices is
:mod:`valuechain.model.trade`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from valuechain.config.chains import Chain, PriceShock

__all__ = ["ReferencePrices", "step_log_prices"]


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


class ReferencePrices:
    """The reference prices of one chain's stages (IDR/kg), as log prices and log means.

    Args:
        commodity: the chain's commodity (scheduled shocks name it).
        chain: the chain's parameters (start prices and the price process of each stage).
    """

    def __init__(self, commodity: str, chain: Chain):
        self.commodity = commodity
        self.stages = list(chain.stages)
        self.farm = self.stages.index(chain.farm_stage)
        self.rho = chain.price_correlation
        self.kappa = np.array([chain.stages[s].mean_reversion_month for s in self.stages])
        self.sigma = np.array([chain.stages[s].volatility_month for s in self.stages])
        self.drift = np.array([chain.stages[s].drift_month for s in self.stages])
        self._log_start = np.log([chain.stages[s].price_idr_per_kg for s in self.stages])
        self.reset()

    def reset(self) -> None:
        """Back to the start prices the chain states (prices and long-run means)."""
        self.log_price = self._log_start.copy()
        self.log_mean = self._log_start.copy()

    def price(self, stage: str) -> float:
        """Reference price of ``stage`` this month (IDR/kg)."""
        return math.exp(self.log_price[self.stages.index(stage)])

    @property
    def farm_price(self) -> float:
        """Reference price of the farm stage this month (IDR/kg)."""
        return math.exp(self.log_price[self.farm])

    def step(self, t: int, shocks: Iterable[PriceShock], rng: np.random.Generator) -> None:
        """One month: this chain's scheduled shocks for month ``t``, then the price process.

        A shock multiplies the named stages' prices by ``factor`` (their long-run means too
        when it is persistent); then the long-run means drift and the prices take a step of
        :func:`step_log_prices` with one common and one per-stage standard normal from ``rng``.
        """
        for shock in shocks:
            if shock.commodity == self.commodity and shock.month == t:
                idx = [self.stages.index(s) for s in (shock.stages or self.stages)]
                self.log_price[idx] += math.log(shock.factor)
                if shock.persistent:
                    self.log_mean[idx] += math.log(shock.factor)
        z_common = float(rng.standard_normal())
        z_stage = rng.standard_normal(len(self.stages))
        self.log_mean += self.drift
        self.log_price = step_log_prices(
            self.log_price, self.log_mean, self.kappa, self.sigma, self.rho, z_common, z_stage
        )
