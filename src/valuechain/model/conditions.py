"""The month's conditions: its draws and trader prices, by district.

Phase 1 draws them (:meth:`MonthConditions.draw`), later phases set the rest and read them,
and the indicators report them. They are not flows, so they are not the ledger's
(:mod:`valuechain.model.accounts`): the ledger books kg and IDR from both sides and checks
that they balance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from valuechain.config.chains import Chain
from valuechain.model.rng import Streams

__all__ = ["MonthConditions", "mean_one_lognormal"]


def mean_one_lognormal(z: np.ndarray | float, sd: float) -> np.ndarray | float:
    """``exp(sd z - sd^2 / 2)``: a log-normal shock with mean one from standard normals."""
    return np.exp(sd * z - 0.5 * sd * sd)


class MonthConditions:
    """This month's draws and trader prices, by district (and commodity).

    Each is set by the phase that draws or computes it and read by later phases and the
    indicators; the model builds a new one every step.
    """

    def __init__(self, n_districts: int, n_commodities: int):
        self.weather = np.ones((n_districts, n_commodities))  # mean-one yield shock
        self.health_u: list[np.ndarray] = []  # per district: one uniform per household
        self.labour_u: list[np.ndarray] = []  # per district: one uniform per household
        self.market_offset: list[int] = []  # per district: rotation of the selling queue
        self.trader_price_idr = np.zeros((n_districts, n_commodities))  # IDR/kg
        self.export_tax_rate = np.zeros((n_districts, n_commodities))  # share of reference

    def draw(
        self,
        streams: Streams,
        districts: Sequence[str],
        slices: Sequence[slice],
        chains: Mapping[str, Chain],
    ) -> None:
        """Draw the month's weather, health and labour uniforms and market rotation.

        Per district (``districts`` names them, ``slices`` are their households): the
        weather of each commodity of ``chains`` (commodity -> chain, in commodity order), a
        mean-one log-normal with the chain's ``weather_sd`` from ``weather/<district>/<c>``;
        one uniform per household from ``health/<district>`` and from ``labour/<district>``;
        the rotation of the selling queue, an integer below the district's households, from
        ``market/<district>``. Every draw is taken whether or not it is used.
        """
        for k, (dname, s) in enumerate(zip(districts, slices, strict=True)):
            n = s.stop - s.start
            for j, (c, chain) in enumerate(chains.items()):
                z = float(streams.stream(f"weather/{dname}/{c}").standard_normal())
                self.weather[k, j] = mean_one_lognormal(z, chain.weather_sd)
            self.health_u.append(streams.stream(f"health/{dname}").random(n))
            self.labour_u.append(streams.stream(f"labour/{dname}").random(n))
            self.market_offset.append(int(streams.stream(f"market/{dname}").integers(0, n)))
